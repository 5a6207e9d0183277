#include "agent/windows/checks/accounts.hpp"

#include "common/text.hpp"

namespace annexa::agent::windows_checks {
namespace {

constexpr const char* kNetUserModals = "NetUserModalsGet";
constexpr const char* kSystemPolicies = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";

Outcome policyUnreadable(const Result<AccountPolicy>& policy) {
  return Outcome::error("Cannot read the account policy: " + policy.error(),
                        {{kNetUserModals, "unreadable (" + policy.error() + ")", "the local account policy"}});
}

}  // namespace

Outcome evaluatePasswordMinLength(const Result<AccountPolicy>& policy, long long minLength) {
  if (!policy) return policyUnreadable(policy);
  const Evidence evidence{std::string(kNetUserModals) + " level 0: usrmod0_min_passwd_len",
                          std::to_string(policy->minPasswordLength), ">= " + std::to_string(minLength)};
  if (policy->minPasswordLength < minLength)
    return Outcome::fail("Passwords may be as short as " + std::to_string(policy->minPasswordLength) + " characters",
                         {evidence});
  return Outcome::pass("Passwords need at least " + std::to_string(policy->minPasswordLength) + " characters",
                       {evidence});
}

Outcome evaluatePasswordMaxAge(const Result<AccountPolicy>& policy, long long maxDays) {
  if (!policy) return policyUnreadable(policy);
  const auto& age = policy->maxPasswordAgeSeconds;
  const auto days = age ? static_cast<long long>(*age / 86400) : -1;
  const Evidence evidence{std::string(kNetUserModals) + " level 0: usrmod0_max_passwd_age",
                          age ? std::to_string(days) + " days" : "never expires",
                          "<= " + std::to_string(maxDays) + " days"};
  if (!age || *age == 0) return Outcome::fail("Passwords never expire", {evidence});
  if (days > maxDays) return Outcome::fail("Passwords expire after " + std::to_string(days) + " days", {evidence});
  return Outcome::pass("Passwords expire after " + std::to_string(days) + " days", {evidence});
}

Outcome evaluateAccountLockout(const Result<AccountPolicy>& policy, long long maxFailures) {
  if (!policy) return policyUnreadable(policy);
  const auto threshold = policy->lockoutThreshold;
  const Evidence evidence{std::string(kNetUserModals) + " level 3: usrmod3_lockout_threshold",
                          threshold == 0 ? "0 (never locked out)" : std::to_string(threshold),
                          "1.." + std::to_string(maxFailures)};
  if (threshold == 0) return Outcome::fail("Accounts are never locked out after failed logons", {evidence});
  if (threshold > maxFailures)
    return Outcome::fail("Accounts are locked out only after " + std::to_string(threshold) + " failed logons",
                         {evidence});
  return Outcome::pass("Accounts are locked out after " + std::to_string(threshold) + " failed logons", {evidence});
}

Outcome evaluateGuestAccount(const GuestFacts& facts) {
  std::vector<Evidence> evidence;
  if (facts.administrators)
    evidence.push_back({"NetLocalGroupGetMembers(S-1-5-32-544 Administrators)",
                        facts.administrators->empty() ? "no members" : text::join(*facts.administrators, ", "),
                        "reviewed list of administrators"});
  else
    evidence.push_back({"NetLocalGroupGetMembers(S-1-5-32-544 Administrators)",
                        "unreadable (" + facts.administrators.error() + ")", "reviewed list of administrators"});
  if (!facts.guest) {
    evidence.push_back({"NetUserGetInfo(RID 501)", "unreadable (" + facts.guest.error() + ")", "disabled"});
    return Outcome::error("Cannot read the Guest account: " + facts.guest.error(), evidence);
  }
  const auto* guest = facts.guest->has_value() ? &**facts.guest : nullptr;
  evidence.push_back({"NetUserGetInfo(RID 501)",
                      guest ? guest->name + (guest->disabled ? ": disabled" : ": enabled") : "no account with RID 501",
                      "disabled or absent"});
  if (guest && !guest->disabled) return Outcome::fail("The Guest account (" + guest->name + ") is enabled", evidence);
  const std::string state = guest ? "The Guest account is disabled" : "There is no Guest account";
  // The review of privileged accounts is half of what this check evidences: without the list it is not a pass.
  if (!facts.administrators) return Outcome::error(state + ", but the Administrators group cannot be listed", evidence);
  return Outcome::pass(state + "; " + std::to_string(facts.administrators->size()) +
                           " member(s) of Administrators listed",
                       evidence);
}

Outcome evaluateUac(const UacFacts& facts) {
  std::vector<Evidence> evidence{facts.enableLua.evidence("1 (absent: Windows' default, on)"),
                                 facts.consentPromptBehaviorAdmin.evidence("not 0 (0 elevates without a prompt)")};
  if (!facts.enableLua.readable() || !facts.consentPromptBehaviorAdmin.readable())
    return Outcome::error("Cannot read the UAC policy", evidence);
  const auto lua = facts.enableLua.number();
  if (facts.enableLua.present() && !lua) return Outcome::error("EnableLUA has an unexpected type", evidence);
  if (lua && *lua == 0) return Outcome::fail("User Account Control is off (EnableLUA = 0)", evidence);
  if (auto consent = facts.consentPromptBehaviorAdmin.number(); consent && *consent == 0)
    return Outcome::fail("UAC elevates administrators without prompting (ConsentPromptBehaviorAdmin = 0)", evidence);
  return Outcome::pass("User Account Control is on", evidence);
}

namespace {

Outcome runPasswordMinLength(const CheckContext& ctx) {
  return evaluatePasswordMinLength(ctx.windows.accountPolicy(), ctx.config.thresholds.passwordMinLength);
}
Outcome runPasswordMaxAge(const CheckContext& ctx) {
  return evaluatePasswordMaxAge(ctx.windows.accountPolicy(), ctx.config.thresholds.passwordMaxDays);
}
Outcome runAccountLockout(const CheckContext& ctx) {
  return evaluateAccountLockout(ctx.windows.accountPolicy(), ctx.config.thresholds.lockoutMaxFailures);
}
Outcome runGuestAccount(const CheckContext& ctx) {
  return evaluateGuestAccount({ctx.windows.localAccountByRid(501), ctx.windows.administrators()});
}
Outcome runUac(const CheckContext& ctx) {
  const auto& w = ctx.windows;
  return evaluateUac({readRegistry(w, RegistryHive::LocalMachine, kSystemPolicies, "EnableLUA"),
                      readRegistry(w, RegistryHive::LocalMachine, kSystemPolicies, "ConsentPromptBehaviorAdmin")});
}

constexpr CheckSpec kPasswordMinLength{
    "win.password.min_length", "Local password policy requires long passwords", Severity::High,
    "Secret authentication information (A.5.17) must resist guessing; the local policy's minimum length is what "
    "Windows enforces when a local password is set.",
    "Set \"Minimum password length\" to 12 or more (secpol.msc > Account Policies > Password Policy, or "
    "`net accounts /minpwlen:12`; domain members: the domain's password policy GPO)."};
constexpr CheckSpec kPasswordMaxAge{
    "win.password.max_age", "Local passwords expire", Severity::Medium,
    "A maximum password age bounds how long a disclosed password stays useful (A.5.17).",
    "Set \"Maximum password age\" to 365 days or less (`net accounts /maxpwage:365`)."};
constexpr CheckSpec kAccountLockout{
    "win.account_lockout", "Accounts lock after repeated failed logons", Severity::High,
    "Locking an account after a few failures stops online password guessing (A.8.5 secure authentication).",
    "Set \"Account lockout threshold\" to 5 or fewer attempts (`net accounts /lockoutthreshold:5`)."};
constexpr CheckSpec kGuestAccount{
    "win.accounts.guest_disabled", "Guest account disabled; Administrators listed", Severity::High,
    "Privileged access rights (A.8.2) are allocated deliberately: an anonymous Guest account must not be usable, "
    "and the members of the local Administrators group are listed in the evidence for review.",
    "Disable the Guest account (`net user Guest /active:no`) and review the members of Administrators."};
constexpr CheckSpec kUac{
    "win.uac", "User Account Control is on", Severity::High,
    "UAC keeps administrators' sessions unprivileged until they consent to elevation (A.8.2): malware in a user "
    "session does not inherit administrative rights silently.",
    "Enable \"User Account Control: Run all administrators in Admin Approval Mode\" (EnableLUA = 1) and keep an "
    "elevation prompt for administrators (ConsentPromptBehaviorAdmin not 0)."};

ANNEXA_REGISTER_CHECK(kPasswordMinLength, runPasswordMinLength);
ANNEXA_REGISTER_CHECK(kPasswordMaxAge, runPasswordMaxAge);
ANNEXA_REGISTER_CHECK(kAccountLockout, runAccountLockout);
ANNEXA_REGISTER_CHECK(kGuestAccount, runGuestAccount);
ANNEXA_REGISTER_CHECK(kUac, runUac);

}  // namespace
}  // namespace annexa::agent::windows_checks
