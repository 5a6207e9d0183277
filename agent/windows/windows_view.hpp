// The Windows probes' only window on the machine, as SystemView is on Linux: the registry, the account and audit
// policy, the service manager, fixed volumes and WMI. Win32View (agent/windows/win32_view.cpp) asks Windows; the
// tests give a fixture view built from .reg files, so every probe and evaluation also runs natively on Linux.
// Every call tells "not there" (nullopt, an empty list) apart from "could not look" (an error naming the API).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::agent {

enum class RegistryHive { LocalMachine, CurrentUser };
// "HKLM" / "HKCU".
std::string_view toString(RegistryHive hive);

struct RegistryValue {
  enum class Type { Dword, Qword, String, ExpandString, MultiString, Binary, Other };
  Type type = Type::Other;
  std::uint64_t number = 0;          // Dword, Qword
  std::string text;                  // String, ExpandString (UTF-8); MultiString joined by '\n'
  std::vector<unsigned char> bytes;  // Binary
};

// NetUserModalsGet levels 0 and 3. Ages in seconds; nullopt: "never" (TIMEQ_FOREVER).
struct AccountPolicy {
  std::uint32_t minPasswordLength = 0;
  std::optional<std::uint32_t> maxPasswordAgeSeconds;
  std::uint32_t lockoutThreshold = 0;  // 0: accounts are never locked out
};

struct LocalAccount {
  std::string name;  // the built-in accounts may be renamed: found by RID
  bool disabled = false;
};

// An advanced audit policy subcategory (AuditQuerySystemPolicy).
enum class AuditSubcategory { Logon, UserAccountManagement, AuditPolicyChange };
std::string_view toString(AuditSubcategory subcategory);
struct AuditSetting {
  bool success = false;
  bool failure = false;
};

struct ServiceStatus {
  bool running = false;
  std::string startType;  // "auto", "demand", "disabled", "boot", "system"
};

struct VolumeSpace {
  std::string root;  // "C:\\"
  std::uint64_t totalBytes = 0;
  std::uint64_t freeBytes = 0;
  bool isSystemDrive = false;
};

// One WMI object: property name → value as text (numbers in decimal).
using WmiObject = std::map<std::string, std::string, std::less<>>;

struct OsVersion {
  std::uint32_t major = 0, minor = 0, build = 0;
  std::string productName;     // "Windows 11 Pro" (registry ProductName)
  std::string displayVersion;  // "23H2"
};

class WindowsView {
 public:
  virtual ~WindowsView() = default;

  // nullopt: the value or its key does not exist. `key` is below the hive: "SYSTEM\\CurrentControlSet\\...".
  virtual Result<std::optional<RegistryValue>> registryValue(RegistryHive hive, std::string_view key,
                                                             std::string_view name) const = 0;
  virtual Result<bool> registryKeyExists(RegistryHive hive, std::string_view key) const = 0;
  virtual Result<AccountPolicy> accountPolicy() const = 0;
  // The local account with this relative id (501: Guest, 500: Administrator); nullopt when there is none.
  virtual Result<std::optional<LocalAccount>> localAccountByRid(std::uint32_t rid) const = 0;
  // Members of the local Administrators group (S-1-5-32-544) as DOMAIN\name.
  virtual Result<std::vector<std::string>> administrators() const = 0;
  virtual Result<AuditSetting> auditPolicy(AuditSubcategory subcategory) const = 0;
  // nullopt: no such service is installed.
  virtual Result<std::optional<ServiceStatus>> service(std::string_view name) const = 0;
  virtual Result<std::vector<VolumeSpace>> fixedVolumes() const = 0;
  // A WQL query in a WMI namespace ("root\\CIMV2"), the named properties of each object.
  virtual Result<std::vector<WmiObject>> wmiQuery(std::string_view wmiNamespace, std::string_view query,
                                                  const std::vector<std::string>& properties) const = 0;
  virtual Result<OsVersion> osVersion() const = 0;
};

}  // namespace annexa::agent
