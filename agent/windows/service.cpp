// `annexa-agent service install|uninstall|run` (agent/platform.hpp serviceCommand). The service manager starts
// `"annexa-agent.exe" service run`, which hands the thread to StartServiceCtrlDispatcher; the service main runs
// the same loop as `annexa-agent run`, with its output appended to %ProgramData%\Annexa\agent.log.
#include "agent/windows/service.hpp"

#include <windows.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "agent/platform.hpp"
#include "agent/run_loop.hpp"
#include "agent/windows/win32_view.hpp"

namespace annexa::agent {
namespace {

constexpr const wchar_t* kServiceName = L"AnnexaAgent";
wchar_t kServiceNameBuffer[] = L"AnnexaAgent";

struct ServiceHandle {
  SC_HANDLE handle = nullptr;
  ~ServiceHandle() {
    if (handle) ::CloseServiceHandle(handle);
  }
};

SERVICE_STATUS_HANDLE statusHandle = nullptr;

void reportStatus(DWORD state, DWORD exitCode = NO_ERROR) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  status.dwWin32ExitCode = exitCode == NO_ERROR ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  status.dwServiceSpecificExitCode = exitCode;
  status.dwWaitHint = state == SERVICE_STOP_PENDING ? 30000 : 0;
  if (statusHandle) ::SetServiceStatus(statusHandle, &status);
}

DWORD WINAPI onControl(DWORD control, DWORD, LPVOID, LPVOID) {
  if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
    reportStatus(SERVICE_STOP_PENDING);
    requestServiceStop();
    return NO_ERROR;
  }
  return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

void WINAPI serviceMain(DWORD, LPWSTR*) {
  statusHandle = ::RegisterServiceCtrlHandlerExW(kServiceName, onControl, nullptr);
  if (!statusHandle) return;
  reportStatus(SERVICE_RUNNING);
  RunLoopOptions options;
  options.state = StateDir{defaultStateDirectory()};
  int code = 2;
  if (auto ready = prepareStateDirectory(options.state.root); ready) {
    std::ofstream log(options.state.root / "agent.log", std::ios::app);
    code = runAgentLoop(options, log, log);
  }
  reportStatus(SERVICE_STOPPED, static_cast<DWORD>(code));
}

int install(std::ostream& out, std::ostream& err) {
  wchar_t exe[MAX_PATH];
  const DWORD length = ::GetModuleFileNameW(nullptr, exe, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) {
    err << "annexa-agent: cannot tell this program's path\n";
    return 2;
  }
  if (auto ready = prepareStateDirectory(defaultStateDirectory()); !ready) {
    err << "annexa-agent: " << ready.error() << "\n";
    return 2;
  }
  ServiceHandle manager{::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE)};
  if (!manager.handle) {
    err << "annexa-agent: cannot open the service manager (run as Administrator): "
        << describeWindowsError(::GetLastError()) << "\n";
    return 2;
  }
  const std::wstring command = L"\"" + std::wstring(exe, length) + L"\" service run";
  ServiceHandle service{::CreateServiceW(manager.handle, kServiceName, L"Annexa agent", SERVICE_ALL_ACCESS,
                                         SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                         command.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr)};
  if (!service.handle) {
    err << "annexa-agent: cannot create the service: " << describeWindowsError(::GetLastError()) << "\n";
    return 2;
  }
  wchar_t description[] = L"Checks ISO/IEC 27001 technical controls and reports them to the Annexa collector.";
  SERVICE_DESCRIPTIONW info{description};
  ::ChangeServiceConfig2W(service.handle, SERVICE_CONFIG_DESCRIPTION, &info);
  out << "installed the AnnexaAgent service (LocalSystem, automatic start); enroll first, then `sc start AnnexaAgent`\n";
  return 0;
}

int uninstall(std::ostream& out, std::ostream& err) {
  ServiceHandle manager{::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)};
  if (!manager.handle) {
    err << "annexa-agent: cannot open the service manager: " << describeWindowsError(::GetLastError()) << "\n";
    return 2;
  }
  ServiceHandle service{::OpenServiceW(manager.handle, kServiceName, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS)};
  if (!service.handle) {
    err << "annexa-agent: no AnnexaAgent service: " << describeWindowsError(::GetLastError()) << "\n";
    return 2;
  }
  SERVICE_STATUS status{};
  ::ControlService(service.handle, SERVICE_CONTROL_STOP, &status);  // fails harmlessly when it is not running
  if (!::DeleteService(service.handle)) {
    err << "annexa-agent: cannot delete the service: " << describeWindowsError(::GetLastError()) << "\n";
    return 2;
  }
  out << "removed the AnnexaAgent service (its state in " << defaultStateDirectory().string() << " is kept)\n";
  return 0;
}

}  // namespace

int serviceCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) {
    err << "annexa-agent: usage: annexa-agent service install|uninstall\n";
    return 2;
  }
  if (args[0] == "install") return install(out, err);
  if (args[0] == "uninstall") return uninstall(out, err);
  if (args[0] == "run") {
    SERVICE_TABLE_ENTRYW table[] = {{kServiceNameBuffer, serviceMain}, {nullptr, nullptr}};
    if (!::StartServiceCtrlDispatcherW(table)) {
      err << "annexa-agent: `service run` is started by the service manager: "
          << describeWindowsError(::GetLastError()) << "\n";
      return 2;
    }
    return 0;
  }
  err << "annexa-agent: unknown service command \"" << args[0] << "\" (install or uninstall)\n";
  return 2;
}

}  // namespace annexa::agent
