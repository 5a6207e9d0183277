// agent/platform.hpp on Windows: checks through Win32View, state under %ProgramData%\Annexa with an ACL for SYSTEM
// and Administrators only, stop requests from the console and the service manager.
#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>

#include "agent/platform.hpp"
#include "agent/windows/host_info.hpp"
#include "agent/windows/service.hpp"
#include "agent/windows/win32_view.hpp"
#include "common/safe_file.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

// Full control for SYSTEM (SY) and the Administrators group (BA), inherited by files and subdirectories; "P"
// protects the list from the parent's inheritable entries, so Users and Everyone get nothing.
constexpr const wchar_t* kStateAcl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

std::string hostName() {
  wchar_t name[256];
  DWORD size = 256;
  if (!::GetComputerNameExW(ComputerNameDnsHostname, name, &size)) return {};
  return toUtf8(name, size);
}

fs::path programData() {
  PWSTR path = nullptr;
  fs::path out = "C:\\ProgramData";
  if (SUCCEEDED(::SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &path))) out = path;
  ::CoTaskMemFree(path);
  return out;
}

}  // namespace

HostInfo describeLiveHost() { return describeWindowsHost(*makeWin32View(), hostName()); }

Result<Report> checkHost(const AgentConfig& config, const CheckMapping& mapping, const RunOptions& options,
                         const std::optional<fs::path>& offlineRoot) {
  if (offlineRoot) return makeError("--root (an offline tree) is supported by the Linux agent only");
  auto checks = selectChecks(config, options);
  if (!checks) return makeError(checks.error());
  const auto view = makeWin32View();
  CheckContext context{*view, config, runStartSeconds()};
  return runSelectedChecks(describeWindowsHost(*view, hostName()), *checks, context, mapping);
}

fs::path defaultConfigPath() { return programData() / "Annexa" / "agent.json"; }

fs::path defaultStateDirectory() { return programData() / "Annexa"; }

VoidResult prepareStateDirectory(const fs::path& directory) {
  if (auto ready = safe_file::ensureDirectory(directory, 0700); !ready) return ready;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(kStateAcl, SDDL_REVISION_1, &descriptor, nullptr))
    return makeError("cannot build the state directory's ACL: " + describeWindowsError(::GetLastError()));
  BOOL present = FALSE, defaulted = FALSE;
  PACL acl = nullptr;
  ::GetSecurityDescriptorDacl(descriptor, &present, &acl, &defaulted);
  std::wstring path = directory.wstring();
  const DWORD status = ::SetNamedSecurityInfoW(path.data(), SE_FILE_OBJECT,
                                               DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                               nullptr, nullptr, acl, nullptr);
  ::LocalFree(descriptor);
  if (status != ERROR_SUCCESS)
    return makeError(directory.string() + ": cannot restrict it to SYSTEM and Administrators: " +
                     describeWindowsError(status));
  return success();
}

// Plain text: the console's colour escapes would need VT mode switched on first.
bool isColourTerminal(const std::ostream&) { return false; }

// One process-wide event: set by Ctrl+C / console close and by the service's stop control (requestServiceStop).
namespace {
HANDLE stopEvent() {
  static HANDLE event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  return event;
}
BOOL WINAPI onConsoleControl(DWORD) {
  ::SetEvent(stopEvent());
  return TRUE;
}
}  // namespace

void requestServiceStop() { ::SetEvent(stopEvent()); }

struct StopRequests::State {};

StopRequests::StopRequests() : state_(std::make_unique<State>()) {
  ::SetConsoleCtrlHandler(onConsoleControl, TRUE);
}

StopRequests::~StopRequests() { ::SetConsoleCtrlHandler(onConsoleControl, FALSE); }

bool StopRequests::requested() const { return ::WaitForSingleObject(stopEvent(), 0) == WAIT_OBJECT_0; }

bool StopRequests::sleepUntil(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const auto wait = static_cast<DWORD>(std::min<long long>(left.count(), 0x7fffffff));
    if (::WaitForSingleObject(stopEvent(), wait) == WAIT_OBJECT_0) return true;
  }
}

}  // namespace annexa::agent
