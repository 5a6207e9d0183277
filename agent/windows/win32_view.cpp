#include "agent/windows/win32_view.hpp"

#include <windows.h>
// After windows.h:
#include <lm.h>
#include <ntsecapi.h>
#include <objbase.h>
#include <oleauto.h>
#include <wbemidl.h>

#include <cwchar>
#include <mutex>
#include <vector>

#include "common/text.hpp"

namespace annexa::agent {

std::string toUtf8(const wchar_t* text, std::size_t length) {
  if (length == 0) return {};
  const int size = ::WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
  if (size > 0) ::WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), out.data(), size, nullptr, nullptr);
  return out;
}

std::string toUtf8(const std::wstring& text) { return toUtf8(text.data(), text.size()); }

std::wstring toWide(std::string_view text) {
  if (text.empty()) return {};
  const int size = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(size > 0 ? size : 0), L'\0');
  if (size > 0) ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
  return out;
}

std::string describeWindowsError(unsigned long code) {
  wchar_t* message = nullptr;
  const DWORD length = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0,
      reinterpret_cast<wchar_t*>(&message), 0, nullptr);
  std::string text = "Windows error " + std::to_string(code);
  if (length > 0 && message) text += ": " + std::string(text::trim(toUtf8(message, length)));
  if (message) ::LocalFree(message);
  return text;
}

namespace {

// AuditQuerySystemPolicy is in advapi32 but not in MinGW-w64's headers: looked up at run time, so a Windows (or
// Wine) without it is an error for the audit check, not a failure to start.
using AuditQuerySystemPolicyFn = BOOLEAN(WINAPI*)(const GUID*, ULONG, PAUDIT_POLICY_INFORMATION*);
using AuditFreeFn = VOID(WINAPI*)(PVOID);

constexpr std::size_t kMaxRegistryValueBytes = 1024 * 1024;

HKEY rootKey(RegistryHive hive) { return hive == RegistryHive::LocalMachine ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER; }

std::string registryPath(RegistryHive hive, std::string_view key) {
  return std::string(toString(hive)) + "\\" + std::string(key);
}

struct KeyCloser {
  void operator()(HKEY key) const { ::RegCloseKey(key); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<HKEY>, KeyCloser>;

struct NetBuffer {
  LPBYTE data = nullptr;
  ~NetBuffer() {
    if (data) ::NetApiBufferFree(data);
  }
};

struct ServiceHandle {
  SC_HANDLE handle = nullptr;
  ~ServiceHandle() {
    if (handle) ::CloseServiceHandle(handle);
  }
};

template <typename T>
struct ComPtr {
  T* p = nullptr;
  ~ComPtr() {
    if (p) p->Release();
  }
  T** out() { return &p; }
  T* operator->() const { return p; }
};

std::string hresultError(const char* what, HRESULT hr) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(hr));
  return std::string(what) + " failed (HRESULT " + hex + ")";
}

std::string variantToText(const VARIANT& v) {
  switch (v.vt) {
    case VT_BSTR: return v.bstrVal ? toUtf8(v.bstrVal, ::SysStringLen(v.bstrVal)) : std::string();
    case VT_BOOL: return v.boolVal ? "true" : "false";
    case VT_I1: return std::to_string(v.cVal);
    case VT_UI1: return std::to_string(v.bVal);
    case VT_I2: return std::to_string(v.iVal);
    case VT_UI2: return std::to_string(v.uiVal);
    case VT_I4: return std::to_string(v.lVal);
    case VT_UI4: return std::to_string(v.ulVal);
    case VT_I8: return std::to_string(v.llVal);
    case VT_UI8: return std::to_string(v.ullVal);
    case VT_INT: return std::to_string(v.intVal);
    case VT_UINT: return std::to_string(v.uintVal);
    default: return {};
  }
}

Result<std::string> accountName(PSID sid) {
  wchar_t name[256], domain[256];
  DWORD nameSize = 256, domainSize = 256;
  SID_NAME_USE use;
  if (!::LookupAccountSidW(nullptr, sid, name, &nameSize, domain, &domainSize, &use))
    return makeError("LookupAccountSid: " + describeWindowsError(::GetLastError()));
  return toUtf8(name, std::wcslen(name));
}

class Win32View final : public WindowsView {
 public:
  Result<std::optional<RegistryValue>> registryValue(RegistryHive hive, std::string_view key,
                                                     std::string_view name) const override {
    HKEY raw = nullptr;
    LSTATUS status = ::RegOpenKeyExW(rootKey(hive), toWide(key).c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &raw);
    if (status == ERROR_FILE_NOT_FOUND) return std::optional<RegistryValue>{};
    if (status != ERROR_SUCCESS)
      return makeError("RegOpenKeyEx(" + registryPath(hive, key) + "): " + describeWindowsError(status));
    KeyPtr handle(raw);
    const auto wideName = toWide(name);
    DWORD type = 0, size = 0;
    status = ::RegQueryValueExW(raw, wideName.c_str(), nullptr, &type, nullptr, &size);
    if (status == ERROR_FILE_NOT_FOUND) return std::optional<RegistryValue>{};
    if (status != ERROR_SUCCESS)
      return makeError("RegQueryValueEx(" + std::string(name) + "): " + describeWindowsError(status));
    if (size > kMaxRegistryValueBytes) return makeError("RegQueryValueEx(" + std::string(name) + "): value too large");
    std::vector<BYTE> data(size + 2 * sizeof(wchar_t), 0);  // room for a missing terminator
    status = ::RegQueryValueExW(raw, wideName.c_str(), nullptr, &type, data.data(), &size);
    if (status != ERROR_SUCCESS)
      return makeError("RegQueryValueEx(" + std::string(name) + "): " + describeWindowsError(status));
    return std::optional<RegistryValue>{decode(type, data, size)};
  }

  Result<bool> registryKeyExists(RegistryHive hive, std::string_view key) const override {
    HKEY raw = nullptr;
    const LSTATUS status =
        ::RegOpenKeyExW(rootKey(hive), toWide(key).c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &raw);
    if (status == ERROR_FILE_NOT_FOUND) return false;
    if (status != ERROR_SUCCESS)
      return makeError("RegOpenKeyEx(" + registryPath(hive, key) + "): " + describeWindowsError(status));
    ::RegCloseKey(raw);
    return true;
  }

  Result<AccountPolicy> accountPolicy() const override {
    NetBuffer level0, level3;
    NET_API_STATUS status = ::NetUserModalsGet(nullptr, 0, &level0.data);
    if (status != NERR_Success) return makeError("NetUserModalsGet level 0: " + describeWindowsError(status));
    status = ::NetUserModalsGet(nullptr, 3, &level3.data);
    if (status != NERR_Success) return makeError("NetUserModalsGet level 3: " + describeWindowsError(status));
    const auto* modals0 = reinterpret_cast<const USER_MODALS_INFO_0*>(level0.data);
    const auto* modals3 = reinterpret_cast<const USER_MODALS_INFO_3*>(level3.data);
    AccountPolicy policy;
    policy.minPasswordLength = modals0->usrmod0_min_passwd_len;
    if (modals0->usrmod0_max_passwd_age != TIMEQ_FOREVER) policy.maxPasswordAgeSeconds = modals0->usrmod0_max_passwd_age;
    policy.lockoutThreshold = modals3->usrmod3_lockout_threshold;
    return policy;
  }

  Result<std::optional<LocalAccount>> localAccountByRid(std::uint32_t rid) const override {
    // The account domain's SID plus the RID: the built-in accounts keep their RID when renamed.
    LSA_OBJECT_ATTRIBUTES attributes{};
    LSA_HANDLE policy = nullptr;
    NTSTATUS status = ::LsaOpenPolicy(nullptr, &attributes, POLICY_VIEW_LOCAL_INFORMATION, &policy);
    if (status != 0) return makeError("LsaOpenPolicy: " + describeWindowsError(::LsaNtStatusToWinError(status)));
    POLICY_ACCOUNT_DOMAIN_INFO* domain = nullptr;
    status = ::LsaQueryInformationPolicy(policy, PolicyAccountDomainInformation, reinterpret_cast<PVOID*>(&domain));
    ::LsaClose(policy);
    if (status != 0 || !domain || !domain->DomainSid)
      return makeError("LsaQueryInformationPolicy: " + describeWindowsError(::LsaNtStatusToWinError(status)));
    const UCHAR count = *::GetSidSubAuthorityCount(domain->DomainSid);
    std::vector<BYTE> sid(::GetSidLengthRequired(static_cast<UCHAR>(count + 1)));
    ::InitializeSid(sid.data(), ::GetSidIdentifierAuthority(domain->DomainSid), static_cast<BYTE>(count + 1));
    for (UCHAR i = 0; i < count; ++i) *::GetSidSubAuthority(sid.data(), i) = *::GetSidSubAuthority(domain->DomainSid, i);
    *::GetSidSubAuthority(sid.data(), count) = rid;
    ::LsaFreeMemory(domain);

    wchar_t name[256], domainName[256];
    DWORD nameSize = 256, domainSize = 256;
    SID_NAME_USE use;
    if (!::LookupAccountSidW(nullptr, sid.data(), name, &nameSize, domainName, &domainSize, &use)) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_NONE_MAPPED) return std::optional<LocalAccount>{};
      return makeError("LookupAccountSid(RID " + std::to_string(rid) + "): " + describeWindowsError(error));
    }
    NetBuffer info;
    const NET_API_STATUS got = ::NetUserGetInfo(nullptr, name, 1, &info.data);
    if (got == NERR_UserNotFound) return std::optional<LocalAccount>{};
    if (got != NERR_Success) return makeError("NetUserGetInfo: " + describeWindowsError(got));
    const auto* user = reinterpret_cast<const USER_INFO_1*>(info.data);
    return std::optional<LocalAccount>{LocalAccount{toUtf8(name, std::wcslen(name)),
                                                    (user->usri1_flags & UF_ACCOUNTDISABLE) != 0}};
  }

  Result<std::vector<std::string>> administrators() const override {
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sidSize = sizeof sid;
    if (!::CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, sid, &sidSize))
      return makeError("CreateWellKnownSid: " + describeWindowsError(::GetLastError()));
    auto group = accountName(sid);  // "Administrators", or its translation
    if (!group) return makeError(group.error());
    std::vector<std::string> members;
    DWORD_PTR resume = 0;
    NET_API_STATUS status;
    do {
      NetBuffer buffer;
      DWORD read = 0, total = 0;
      status = ::NetLocalGroupGetMembers(nullptr, toWide(*group).c_str(), 3, &buffer.data, MAX_PREFERRED_LENGTH, &read,
                                         &total, &resume);
      if (status != NERR_Success && status != ERROR_MORE_DATA)
        return makeError("NetLocalGroupGetMembers: " + describeWindowsError(status));
      const auto* entries = reinterpret_cast<const LOCALGROUP_MEMBERS_INFO_3*>(buffer.data);
      for (DWORD i = 0; i < read; ++i)
        members.push_back(toUtf8(entries[i].lgrmi3_domainandname, std::wcslen(entries[i].lgrmi3_domainandname)));
    } while (status == ERROR_MORE_DATA);
    return members;
  }

  Result<AuditSetting> auditPolicy(AuditSubcategory subcategory) const override {
    static const GUID kLogon = {0x0cce9215, 0x69ae, 0x11d9, {0xbe, 0xd3, 0x50, 0x50, 0x54, 0x50, 0x30, 0x30}};
    static const GUID kUserAccountManagement = {0x0cce9235, 0x69ae, 0x11d9, {0xbe, 0xd3, 0x50, 0x50, 0x54, 0x50, 0x30, 0x30}};
    static const GUID kAuditPolicyChange = {0x0cce922f, 0x69ae, 0x11d9, {0xbe, 0xd3, 0x50, 0x50, 0x54, 0x50, 0x30, 0x30}};
    const GUID& guid = subcategory == AuditSubcategory::Logon                   ? kLogon
                       : subcategory == AuditSubcategory::UserAccountManagement ? kUserAccountManagement
                                                                                : kAuditPolicyChange;
    HMODULE advapi = ::GetModuleHandleW(L"advapi32.dll");
    auto query = advapi ? reinterpret_cast<AuditQuerySystemPolicyFn>(
                              reinterpret_cast<void*>(::GetProcAddress(advapi, "AuditQuerySystemPolicy")))
                        : nullptr;
    auto release = advapi ? reinterpret_cast<AuditFreeFn>(reinterpret_cast<void*>(::GetProcAddress(advapi, "AuditFree")))
                          : nullptr;
    if (!query || !release) return makeError("AuditQuerySystemPolicy is not available");
    PAUDIT_POLICY_INFORMATION info = nullptr;
    if (!query(&guid, 1, &info) || !info)
      return makeError("AuditQuerySystemPolicy: " + describeWindowsError(::GetLastError()));
    const ULONG flags = info->AuditingInformation;
    release(info);
    return AuditSetting{(flags & POLICY_AUDIT_EVENT_SUCCESS) != 0, (flags & POLICY_AUDIT_EVENT_FAILURE) != 0};
  }

  Result<std::optional<ServiceStatus>> service(std::string_view name) const override {
    ServiceHandle manager{::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)};
    if (!manager.handle) return makeError("OpenSCManager: " + describeWindowsError(::GetLastError()));
    ServiceHandle handle{
        ::OpenServiceW(manager.handle, toWide(name).c_str(), SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG)};
    if (!handle.handle) {
      const DWORD error = ::GetLastError();
      if (error == ERROR_SERVICE_DOES_NOT_EXIST) return std::optional<ServiceStatus>{};
      return makeError("OpenService(" + std::string(name) + "): " + describeWindowsError(error));
    }
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!::QueryServiceStatusEx(handle.handle, SC_STATUS_PROCESS_INFO, reinterpret_cast<LPBYTE>(&status), sizeof status,
                                &needed))
      return makeError("QueryServiceStatusEx: " + describeWindowsError(::GetLastError()));
    ServiceStatus out;
    out.running = status.dwCurrentState == SERVICE_RUNNING;
    ::QueryServiceConfigW(handle.handle, nullptr, 0, &needed);
    std::vector<BYTE> config(needed > 0 ? needed : 1);
    if (needed > 0 && ::QueryServiceConfigW(handle.handle, reinterpret_cast<LPQUERY_SERVICE_CONFIGW>(config.data()),
                                            needed, &needed)) {
      switch (reinterpret_cast<LPQUERY_SERVICE_CONFIGW>(config.data())->dwStartType) {
        case SERVICE_AUTO_START: out.startType = "auto"; break;
        case SERVICE_DEMAND_START: out.startType = "demand"; break;
        case SERVICE_DISABLED: out.startType = "disabled"; break;
        case SERVICE_BOOT_START: out.startType = "boot"; break;
        case SERVICE_SYSTEM_START: out.startType = "system"; break;
        default: out.startType = "unknown"; break;
      }
    } else {
      out.startType = "unknown";
    }
    return std::optional<ServiceStatus>{out};
  }

  Result<std::vector<VolumeSpace>> fixedVolumes() const override {
    wchar_t drives[512];
    const DWORD length = ::GetLogicalDriveStringsW(511, drives);
    if (length == 0 || length > 511) return makeError("GetLogicalDriveStrings: " + describeWindowsError(::GetLastError()));
    wchar_t windowsDirectory[MAX_PATH] = {};
    ::GetWindowsDirectoryW(windowsDirectory, MAX_PATH);
    std::vector<VolumeSpace> volumes;
    for (const wchar_t* root = drives; *root; root += std::wcslen(root) + 1) {
      if (::GetDriveTypeW(root) != DRIVE_FIXED) continue;
      ULARGE_INTEGER available, total, free;
      if (!::GetDiskFreeSpaceExW(root, &available, &total, &free))
        return makeError("GetDiskFreeSpaceEx(" + toUtf8(root, std::wcslen(root)) + "): " +
                         describeWindowsError(::GetLastError()));
      VolumeSpace volume;
      volume.root = toUtf8(root, std::wcslen(root));
      volume.totalBytes = total.QuadPart;
      volume.freeBytes = available.QuadPart;
      volume.isSystemDrive = ::towupper(root[0]) == ::towupper(windowsDirectory[0]);
      volumes.push_back(volume);
    }
    return volumes;
  }

  Result<std::vector<WmiObject>> wmiQuery(std::string_view wmiNamespace, std::string_view query,
                                          const std::vector<std::string>& properties) const override {
    const HRESULT init = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (FAILED(init) && init != RPC_E_CHANGED_MODE) return makeError(hresultError("CoInitializeEx", init));
    struct Uninitialize {
      bool active;
      ~Uninitialize() {
        if (active) ::CoUninitialize();
      }
    } uninitialize{SUCCEEDED(init)};
    static std::once_flag securityOnce;
    std::call_once(securityOnce, [] {
      // Fails harmlessly (RPC_E_TOO_LATE) if the process set it already.
      ::CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IMPERSONATE,
                             nullptr, EOAC_NONE, nullptr);
    });
    ComPtr<IWbemLocator> locator;
    HRESULT hr = ::CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                                    reinterpret_cast<void**>(locator.out()));
    if (FAILED(hr)) return makeError(hresultError("WMI CoCreateInstance(WbemLocator)", hr));
    ComPtr<IWbemServices> services;
    BSTR ns = ::SysAllocString(toWide(wmiNamespace).c_str());
    hr = locator->ConnectServer(ns, nullptr, nullptr, nullptr, 0, nullptr, nullptr, services.out());
    ::SysFreeString(ns);
    if (FAILED(hr)) return makeError(hresultError(("WMI ConnectServer(" + std::string(wmiNamespace) + ")").c_str(), hr));
    ::CoSetProxyBlanket(services.p, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr, RPC_C_AUTHN_LEVEL_CALL,
                        RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
    ComPtr<IEnumWbemClassObject> results;
    BSTR language = ::SysAllocString(L"WQL");
    BSTR text = ::SysAllocString(toWide(query).c_str());
    hr = services->ExecQuery(language, text, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                             results.out());
    ::SysFreeString(language);
    ::SysFreeString(text);
    if (FAILED(hr)) return makeError(hresultError(("WMI ExecQuery(" + std::string(query) + ")").c_str(), hr));
    std::vector<WmiObject> objects;
    while (objects.size() < 4096) {
      ComPtr<IWbemClassObject> object;
      ULONG returned = 0;
      hr = results->Next(10000, 1, object.out(), &returned);
      if (hr == WBEM_S_TIMEDOUT) return makeError("WMI query timed out: " + std::string(query));
      if (FAILED(hr)) return makeError(hresultError("WMI IEnumWbemClassObject::Next", hr));
      if (returned == 0) break;
      WmiObject row;
      for (const auto& property : properties) {
        VARIANT value;
        ::VariantInit(&value);
        if (SUCCEEDED(object->Get(toWide(property).c_str(), 0, &value, nullptr, nullptr)) && value.vt != VT_NULL)
          row.emplace(property, variantToText(value));
        ::VariantClear(&value);
      }
      objects.push_back(std::move(row));
    }
    return objects;
  }

  Result<OsVersion> osVersion() const override {
    // RtlGetVersion tells the truth; GetVersionEx answers what the manifest asked for.
    using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
    HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    auto rtlGetVersion =
        ntdll ? reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "RtlGetVersion")))
              : nullptr;
    OSVERSIONINFOW info{};
    info.dwOSVersionInfoSize = sizeof info;
    if (!rtlGetVersion || rtlGetVersion(&info) != 0) return makeError("RtlGetVersion is not available");
    OsVersion version;
    version.major = info.dwMajorVersion;
    version.minor = info.dwMinorVersion;
    version.build = info.dwBuildNumber;
    constexpr const char* kCurrentVersion = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    if (auto product = registryValue(RegistryHive::LocalMachine, kCurrentVersion, "ProductName"); product && *product)
      version.productName = (*product)->text;
    if (auto display = registryValue(RegistryHive::LocalMachine, kCurrentVersion, "DisplayVersion"); display && *display)
      version.displayVersion = (*display)->text;
    // Windows 11 keeps "Windows 10" in ProductName; its builds start at 22000.
    if (version.build >= 22000 && text::startsWith(version.productName, "Windows 10"))
      version.productName.replace(0, 10, "Windows 11");
    return version;
  }

 private:
  static RegistryValue decode(DWORD type, const std::vector<BYTE>& data, DWORD size) {
    RegistryValue value;
    const auto wide = [&](DWORD bytes) {
      std::wstring text(reinterpret_cast<const wchar_t*>(data.data()), bytes / sizeof(wchar_t));
      while (!text.empty() && text.back() == L'\0') text.pop_back();
      return text;
    };
    switch (type) {
      case REG_DWORD:
        value.type = RegistryValue::Type::Dword;
        if (size >= 4) value.number = *reinterpret_cast<const DWORD*>(data.data());
        break;
      case REG_QWORD:
        value.type = RegistryValue::Type::Qword;
        if (size >= 8) value.number = *reinterpret_cast<const ULONGLONG*>(data.data());
        break;
      case REG_SZ:
      case REG_EXPAND_SZ:
        value.type = type == REG_SZ ? RegistryValue::Type::String : RegistryValue::Type::ExpandString;
        value.text = toUtf8(wide(size));
        break;
      case REG_MULTI_SZ: {
        value.type = RegistryValue::Type::MultiString;
        auto all = wide(size);
        for (auto& c : all)
          if (c == L'\0') c = L'\n';
        value.text = toUtf8(all);
        break;
      }
      case REG_BINARY:
        value.type = RegistryValue::Type::Binary;
        value.bytes.assign(data.begin(), data.begin() + size);
        break;
      default: value.type = RegistryValue::Type::Other; break;
    }
    return value;
  }
};

}  // namespace

std::unique_ptr<WindowsView> makeWin32View() { return std::make_unique<Win32View>(); }

}  // namespace annexa::agent
