// A WindowsView for tests: the registry comes from .reg files (the format `regedit /S` imports, so the Wine tests
// load the very same fixtures), every other answer is set by the test. Unset answers are errors, as an API that
// cannot be asked would be.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "agent/windows/windows_view.hpp"

namespace annexa::test {

class FixtureWindowsView : public agent::WindowsView {
 public:
  // Applies a .reg file (REGEDIT4 or "Windows Registry Editor Version 5.00", ASCII/UTF-8): keys, dword, qword,
  // strings, hex / hex(N) values, "name"=- and [-KEY] deletions. Throws on a line it does not understand.
  void loadRegFile(const std::filesystem::path& path);
  void applyRegText(std::string_view text);
  void setValue(agent::RegistryHive hive, std::string_view key, std::string_view name, agent::RegistryValue value);
  void failRegistry(std::string reason) { registryError_ = std::move(reason); }

  Result<agent::AccountPolicy> accountPolicyAnswer = makeError("not in the fixture");
  Result<std::optional<agent::LocalAccount>> guestAnswer = makeError("not in the fixture");
  Result<std::vector<std::string>> administratorsAnswer = makeError("not in the fixture");
  Result<agent::AuditSetting> auditAnswer = makeError("not in the fixture");
  std::map<std::string, Result<std::optional<agent::ServiceStatus>>, std::less<>> services;
  Result<std::vector<agent::VolumeSpace>> volumesAnswer = makeError("not in the fixture");
  std::map<std::string, Result<std::vector<agent::WmiObject>>, std::less<>> wmiAnswers;  // by namespace
  Result<agent::OsVersion> osVersionAnswer = makeError("not in the fixture");

  Result<std::optional<agent::RegistryValue>> registryValue(agent::RegistryHive hive, std::string_view key,
                                                            std::string_view name) const override;
  Result<bool> registryKeyExists(agent::RegistryHive hive, std::string_view key) const override;
  Result<agent::AccountPolicy> accountPolicy() const override { return accountPolicyAnswer; }
  Result<std::optional<agent::LocalAccount>> localAccountByRid(std::uint32_t rid) const override;
  Result<std::vector<std::string>> administrators() const override { return administratorsAnswer; }
  Result<agent::AuditSetting> auditPolicy(agent::AuditSubcategory) const override { return auditAnswer; }
  Result<std::optional<agent::ServiceStatus>> service(std::string_view name) const override;
  Result<std::vector<agent::VolumeSpace>> fixedVolumes() const override { return volumesAnswer; }
  Result<std::vector<agent::WmiObject>> wmiQuery(std::string_view wmiNamespace, std::string_view query,
                                                 const std::vector<std::string>& properties) const override;
  Result<agent::OsVersion> osVersion() const override { return osVersionAnswer; }

 private:
  // "hklm\\software\\…" (lower case: the registry ignores case) → lower-case value name → value.
  std::map<std::string, std::map<std::string, agent::RegistryValue>, std::less<>> keys_;
  std::string registryError_;
};

}  // namespace annexa::test
