#include "agent/windows/registry_facts.hpp"

namespace annexa::agent {

std::string_view toString(RegistryHive hive) { return hive == RegistryHive::LocalMachine ? "HKLM" : "HKCU"; }

std::string_view toString(AuditSubcategory subcategory) {
  switch (subcategory) {
    case AuditSubcategory::Logon: return "Logon";
    case AuditSubcategory::UserAccountManagement: return "User Account Management";
    case AuditSubcategory::AuditPolicyChange: return "Audit Policy Change";
  }
  return "?";
}

std::optional<std::uint64_t> RegistryFact::number() const {
  if (!present()) return std::nullopt;
  if (value->type != RegistryValue::Type::Dword && value->type != RegistryValue::Type::Qword) return std::nullopt;
  return value->number;
}

std::optional<std::string> RegistryFact::text() const {
  if (!present()) return std::nullopt;
  if (value->type != RegistryValue::Type::String && value->type != RegistryValue::Type::ExpandString &&
      value->type != RegistryValue::Type::MultiString)
    return std::nullopt;
  return value->text;
}

std::string RegistryFact::describe() const {
  if (!readable()) return "unreadable (" + error + ")";
  if (!value) return "absent";
  switch (value->type) {
    case RegistryValue::Type::Dword:
    case RegistryValue::Type::Qword: return std::to_string(value->number);
    case RegistryValue::Type::String:
    case RegistryValue::Type::ExpandString:
    case RegistryValue::Type::MultiString: return "\"" + value->text + "\"";
    case RegistryValue::Type::Binary: return "REG_BINARY (" + std::to_string(value->bytes.size()) + " bytes)";
    case RegistryValue::Type::Other: break;
  }
  return "a value of an unexpected type";
}

Evidence RegistryFact::evidence(std::string expected) const { return {location, describe(), std::move(expected)}; }

RegistryFact readRegistry(const WindowsView& view, RegistryHive hive, std::string_view key, std::string_view name) {
  RegistryFact fact;
  fact.location = std::string(toString(hive)) + "\\" + std::string(key) + "\\" + std::string(name);
  auto read = view.registryValue(hive, key, name);
  if (!read) fact.error = read.error();
  else fact.value = std::move(*read);
  return fact;
}

const RegistryFact& effective(const RegistryFact& policy, const RegistryFact& local) {
  return policy.present() || !policy.readable() ? policy : local;
}

std::int64_t fileTimeToUnix(std::uint64_t fileTime) {
  constexpr std::int64_t kSecondsFrom1601To1970 = 11644473600;
  return static_cast<std::int64_t>(fileTime / 10000000) - kSecondsFrom1601To1970;
}

}  // namespace annexa::agent
