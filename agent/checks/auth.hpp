// Authentication checks on PAM, login.defs and the account files: MFA module, lockout, password hashing, ageing,
// quality and empty passwords. The PAM analysis here is shared with the SSH checks.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/login_defs.hpp"
#include "agent/facts/pam.hpp"

namespace annexa::agent::checks {

// ---- PAM stacks as the checks see them ---------------------------------------------------------------------------

// One service's stack of one type, as the probe found it.
struct PamServiceStack {
  std::string service;
  bool present = false;   // the service has a PAM file
  std::string readError;  // present, but the stack could not be read
  PamStack stack;
  std::set<std::string> missingModules;  // MFA modules the stack names that are not installed
};

// Probe: loads the stack; notes MFA modules that are not installed.
PamServiceStack loadPamServiceStack(const SystemView& system, std::string_view service, PamType type);
// A stack from one file's text (tests).
PamServiceStack pamServiceStackFromText(std::string_view service, std::string_view content, PamType type);

// pam_google_authenticator, pam_u2f, pam_oath, pam_duo, pam_yubico, pam_privacyidea, pam_pkcs11, and pam_sss when it
// requires a smartcard (require_cert_auth).
bool isMfaModule(const PamRule& rule);
// Modules that check a password: pam_unix, pam_sss, pam_ldap, pam_krb5, pam_winbind, …
bool isPasswordModule(const PamRule& rule);

struct PamMfaAnalysis {
  std::vector<PamRule> mfaRules;  // MFA modules in the auth stack
  bool enforced = false;          // no way through the stack unless an MFA module succeeds
  bool optOut = false;            // nullok/nouserok: users who have not enrolled skip the module
  bool hasPasswordModule = false;
  bool passwordRequired = false;  // no way through unless a password module succeeds too
  std::string missingModule;      // an MFA module named but not installed
  bool noConfiguration = false;   // the service has no PAM file (nor "other"): Linux-PAM fails every authentication

  bool requiresSecondFactor() const { return enforced && !optOut && missingModule.empty(); }
  // One sentence on why the MFA modules do or do not guard the stack.
  std::string summary(const std::string& service) const;
};

PamMfaAnalysis analysePamMfa(const PamServiceStack& auth);
// The MFA rules seen (or "no MFA module …") as evidence.
std::vector<Evidence> pamMfaEvidence(const PamServiceStack& auth, const PamMfaAnalysis& analysis);

// ---- pam.mfa_module ----------------------------------------------------------------------------------------------

// Auth stacks of login, sshd and common-auth (absent services are present == false).
Outcome evaluatePamMfaModule(const std::vector<PamServiceStack>& authStacks);

// ---- key = value files (faillock.conf, pwquality.conf) -----------------------------------------------------------

struct ConfSetting {
  std::string key;
  std::string value;  // empty for a bare flag
  std::string file;
  int line = 0;
  std::string location() const { return file + ":" + std::to_string(line); }
};

// "key = value", "key value" or a bare "flag"; '#' starts a comment.
std::vector<ConfSetting> parseKeyValueConf(std::string_view content, std::string_view file);

// Settings in the order they are read (a later one overrides an earlier one); readError when a file exists but
// cannot be read.
struct ConfFiles {
  std::vector<ConfSetting> settings;
  std::string readError;
  const ConfSetting* last(std::string_view key) const;
};

// ---- auth.lockout ------------------------------------------------------------------------------------------------

// `authStacks`: the login services' auth stacks; `faillockConf`: /etc/security/faillock.conf.
Outcome evaluateLockout(const std::vector<PamServiceStack>& authStacks, const ConfFiles& faillockConf,
                        long long maxFailures);

// ---- auth.password_hashing / auth.password_max_age -----------------------------------------------------------

// `passwordStack`: the password stack of passwd (or common-password / system-auth).
Outcome evaluatePasswordHashing(const Result<LoginDefs>& loginDefs, const PamServiceStack& passwordStack);
Outcome evaluatePasswordMaxAge(const Result<LoginDefs>& loginDefs, long long maxDays);

// ---- auth.password_quality ---------------------------------------------------------------------------------------

// `pwqualityConf`: pwquality.conf.d/*.conf then pwquality.conf, in libpwquality's reading order.
Outcome evaluatePasswordQuality(const PamServiceStack& passwordStack, const ConfFiles& pwqualityConf,
                                long long minLength);

// ---- auth.empty_passwords ----------------------------------------------------------------------------------------

Outcome evaluateEmptyPasswords(const Result<std::string>& shadow, const Result<std::string>& passwd);

}  // namespace annexa::agent::checks
