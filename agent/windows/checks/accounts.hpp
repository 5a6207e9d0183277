// Windows account checks: password policy, lockout, the Guest account and the Administrators group, UAC.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/windows/registry_facts.hpp"

namespace annexa::agent::windows_checks {

Outcome evaluatePasswordMinLength(const Result<AccountPolicy>& policy, long long minLength);
Outcome evaluatePasswordMaxAge(const Result<AccountPolicy>& policy, long long maxDays);
Outcome evaluateAccountLockout(const Result<AccountPolicy>& policy, long long maxFailures);

struct GuestFacts {
  Result<std::optional<LocalAccount>> guest = std::optional<LocalAccount>{};
  Result<std::vector<std::string>> administrators = std::vector<std::string>{};
};
Outcome evaluateGuestAccount(const GuestFacts& facts);

struct UacFacts {
  RegistryFact enableLua;                   // Policies\System\EnableLUA
  RegistryFact consentPromptBehaviorAdmin;  // 0: elevate without prompting
};
Outcome evaluateUac(const UacFacts& facts);

}  // namespace annexa::agent::windows_checks
