// The PAM analysis shared by the authentication and SSH checks, pam.mfa_module and auth.lockout.
#include "agent/checks/auth.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

constexpr std::array<std::string_view, 7> kMfaModules = {"pam_google_authenticator", "pam_u2f", "pam_oath",
                                                        "pam_duo",  "pam_yubico",      "pam_privacyidea",
                                                        "pam_pkcs11"};
constexpr std::array<std::string_view, 9> kPasswordModules = {"pam_unix",    "pam_unix2",  "pam_sss",
                                                             "pam_ldap",    "pam_krb5",   "pam_winbind",
                                                             "pam_pwdb",    "pam_userdb", "pam_systemd_home"};
constexpr long long kFaillockDefaultDeny = 3;  // pam_faillock's compiled-in default

bool contains(const auto& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// How a rule may end when the stack runs: a missing module is skipped ("-auth") or fails (plain line).
PamOutcomes outcomesWith(const PamServiceStack& auth, const std::function<bool(const PamRule&)>& forcedToFail) {
  return [&auth, forcedToFail](const PamRule& rule) -> unsigned {
    if (isMfaModule(rule) && auth.missingModules.count(rule.module)) return rule.dashed ? 0u : kPamFailure;
    if (forcedToFail(rule)) return kPamFailure;
    return anyPamOutcome(rule);
  };
}

std::string serviceList(const std::vector<PamServiceStack>& stacks) {
  std::vector<std::string> names;
  for (const auto& s : stacks) names.push_back(s.service);
  return text::join(names, ", ");
}

}  // namespace

// ---- shared PAM analysis -----------------------------------------------------------------------------------------

PamServiceStack loadPamServiceStack(const SystemView& system, std::string_view service, PamType type) {
  PamServiceStack out;
  out.service = std::string(service);
  out.stack.service = out.service;
  out.stack.type = type;
  if (!findPamServiceFile(system, service)) return out;
  out.present = true;
  auto stack = loadPamStack(system, service, type);
  if (!stack) {
    out.readError = stack.error();
    return out;
  }
  out.stack = std::move(*stack);
  for (const auto& rule : out.stack.rules)
    if (isMfaModule(rule) && pamModuleInstalled(system, rule.module) == false) out.missingModules.insert(rule.module);
  return out;
}

PamServiceStack pamServiceStackFromText(std::string_view service, std::string_view content, PamType type) {
  PamServiceStack out;
  out.service = std::string(service);
  out.present = true;
  out.stack = pamStackFromText(content, type, "/etc/pam.d/" + std::string(service));
  return out;
}

bool isMfaModule(const PamRule& rule) {
  const auto name = rule.moduleName();
  return contains(kMfaModules, name) || (name == "pam_sss" && rule.hasArg("require_cert_auth"));
}

bool isPasswordModule(const PamRule& rule) {
  return !isMfaModule(rule) && contains(kPasswordModules, rule.moduleName());
}

PamMfaAnalysis analysePamMfa(const PamServiceStack& auth) {
  PamMfaAnalysis analysis;
  for (const auto& rule : auth.stack.rules) {
    if (isMfaModule(rule)) {
      analysis.mfaRules.push_back(rule);
      if (rule.hasArg("nullok") || rule.hasArg("nouserok")) analysis.optOut = true;
      // A plain line with a missing module fails every time; a "-auth" line is just skipped.
      if (!rule.dashed && auth.missingModules.count(rule.module) && analysis.missingModule.empty())
        analysis.missingModule = rule.module;
    }
    if (isPasswordModule(rule)) analysis.hasPasswordModule = true;
  }
  if (!analysis.mfaRules.empty())
    analysis.enforced = !pamStackCanSucceed(auth.stack, outcomesWith(auth, isMfaModule));
  if (analysis.hasPasswordModule)
    analysis.passwordRequired = !pamStackCanSucceed(auth.stack, outcomesWith(auth, isPasswordModule));
  return analysis;
}

std::string PamMfaAnalysis::summary(const std::string& service) const {
  if (mfaRules.empty()) return "the " + service + " auth stack has no MFA module";
  const std::string module = mfaRules.front().moduleName();
  if (!missingModule.empty())
    return "the " + service + " auth stack names " + missingModule + " but it is not installed";
  if (!enforced)
    return "the " + service + " auth stack can succeed without " + module + " (it is optional or an alternative)";
  if (optOut) return module + " in the " + service + " auth stack lets users who have not enrolled skip it (nullok)";
  return "the " + service + " auth stack requires " + module;
}

std::vector<Evidence> pamMfaEvidence(const PamServiceStack& auth, const PamMfaAnalysis& analysis) {
  const std::string expected = "an MFA module the stack cannot succeed without (no nullok/nouserok)";
  std::vector<Evidence> evidence;
  for (const auto& rule : analysis.mfaRules) evidence.push_back({rule.location(), rule.text(), expected});
  if (evidence.empty()) {
    const std::string source = auth.stack.files.empty() ? "/etc/pam.d/" + auth.service : auth.stack.files.front();
    evidence.push_back({source, "no MFA module in the auth stack (read: " + text::join(auth.stack.files, ", ") + ")",
                        expected});
  }
  return evidence;
}

// ---- pam.mfa_module ----------------------------------------------------------------------------------------------

Outcome evaluatePamMfaModule(const std::vector<PamServiceStack>& authStacks) {
  std::vector<Evidence> evidence;
  std::vector<std::string> readErrors;
  std::vector<std::string> findings;
  std::vector<std::string> present;
  for (const auto& auth : authStacks) {
    if (!auth.present) continue;
    present.push_back(auth.service);
    if (!auth.readError.empty()) {
      readErrors.push_back(auth.readError);
      evidence.push_back({"/etc/pam.d/" + auth.service, auth.readError, "a readable PAM configuration"});
      continue;
    }
    const auto analysis = analysePamMfa(auth);
    if (analysis.requiresSecondFactor())
      return Outcome::pass("A second factor is required at login: " + analysis.summary(auth.service),
                           pamMfaEvidence(auth, analysis));
    if (!analysis.mfaRules.empty()) findings.push_back(analysis.summary(auth.service));
    auto more = pamMfaEvidence(auth, analysis);
    evidence.insert(evidence.end(), more.begin(), more.end());
  }
  if (present.empty())
    return Outcome::notApplicable("PAM is not configured for " + serviceList(authStacks) + " on this host",
                                  {{"/etc/pam.d", "no file for " + serviceList(authStacks), "a PAM login stack"}});
  if (!readErrors.empty()) return Outcome::error("Cannot read the PAM configuration: " + readErrors.front(), evidence);
  if (!findings.empty()) return Outcome::fail("No login requires a second factor: " + text::join(findings, "; "), evidence);
  return Outcome::fail("No MFA PAM module is in the auth stack of " + text::join(present, ", "), evidence);
}

// ---- key = value files -------------------------------------------------------------------------------------------

std::vector<ConfSetting> parseKeyValueConf(std::string_view content, std::string_view file) {
  std::vector<ConfSetting> out;
  int lineNumber = 0;
  for (const auto raw : text::lines(content)) {
    ++lineNumber;
    auto line = raw.substr(0, raw.find('#'));
    line = text::trim(line);
    if (line.empty()) continue;
    std::size_t end = 0;
    while (end < line.size() && line[end] != '=' && line[end] != ' ' && line[end] != '\t') ++end;
    auto value = text::trim(line.substr(end));
    if (!value.empty() && value.front() == '=') value = text::trim(value.substr(1));
    out.push_back({std::string(line.substr(0, end)), std::string(value), std::string(file), lineNumber});
  }
  return out;
}

const ConfSetting* ConfFiles::last(std::string_view key) const {
  const ConfSetting* found = nullptr;
  for (const auto& setting : settings)
    if (setting.key == key) found = &setting;
  return found;
}

// ---- auth.lockout ------------------------------------------------------------------------------------------------

namespace {

struct LockoutFinding {
  bool ok = false;
  std::string message;
  std::vector<Evidence> evidence;
  std::string error;  // a value that cannot be parsed
};

// pam_faillock's mode: the last of preauth/authfail/authsucc given (args_parse), preauth when none is.
std::string faillockMode(const PamRule& rule) {
  std::string mode = "preauth";
  for (const auto& arg : rule.args)
    if (arg == "preauth" || arg == "authfail" || arg == "authsucc") mode = arg;
  return mode;
}

LockoutFinding inspectLockout(const PamServiceStack& auth, const ConfFiles& conf, long long maxFailures) {
  const std::string expected = "pam_faillock authfail counting failures and a faillock check (preauth/authsucc) the "
                               "stack cannot succeed without, or pam_tally2, with deny between 1 and " +
                               std::to_string(maxFailures);
  // In the auth stack every pam_faillock mode calls check_tally(): on a locked account preauth, authsucc and
  // authfail all return PAM_AUTH_ERR; authfail alone writes the tally (pam_faillock.c, Linux-PAM 1.5).
  std::vector<const PamRule*> faillock;
  const PamRule* authfail = nullptr;
  const PamRule* tally = nullptr;
  for (const auto& rule : auth.stack.rules) {
    const auto name = rule.moduleName();
    if (name == "pam_faillock") {
      faillock.push_back(&rule);
      if (faillockMode(rule) == "authfail" && !authfail) authfail = &rule;
    }
    if ((name == "pam_tally2" || name == "pam_tally") && !tally) tally = &rule;
  }
  LockoutFinding finding;
  for (const auto* rule : faillock) finding.evidence.push_back({rule->location(), rule->text(), expected});
  if (tally) finding.evidence.push_back({tally->location(), tally->text(), expected});

  const bool useFaillock = authfail != nullptr;
  if (!useFaillock && !tally) {
    if (!faillock.empty()) {
      finding.message = auth.service + ": pam_faillock has no authfail line, so failures are never counted";
    } else {
      finding.message = auth.service + ": no pam_faillock or pam_tally2 in the auth stack";
      const std::string source = auth.stack.files.empty() ? "/etc/pam.d/" + auth.service : auth.stack.files.front();
      finding.evidence.push_back({source, "no lockout module (read: " + text::join(auth.stack.files, ", ") + ")",
                                  expected});
    }
    return finding;
  }
  // Each checking line's deny= (else the faillock.conf value, else 3); deny=0 never locks.
  struct Threshold {
    long long deny = 0;
    std::string text, source;
  };
  std::map<const PamRule*, Threshold> thresholds;
  const auto thresholdOf = [&](const PamRule& rule) -> std::optional<Threshold> {
    Threshold t;
    if (auto value = rule.argValue("deny")) {
      t.text = *value;
      t.source = rule.location();
    } else if (rule.moduleName() == "pam_faillock" && rule.argValue("conf")) {
      finding.error = rule.location() + " reads its settings from " + *rule.argValue("conf") +
                      ", which this check does not read";
      return std::nullopt;
    } else if (const auto* setting = rule.moduleName() == "pam_faillock" ? conf.last("deny") : nullptr) {
      t.text = setting->value;
      t.source = setting->location();
    } else if (rule.moduleName() == "pam_faillock") {
      t.text = std::to_string(kFaillockDefaultDeny);
      t.source = "pam_faillock default";
    } else {
      t.text = "0";
      t.source = rule.location() + " (no deny= option)";
    }
    if (!text::parseInt(t.text, t.deny)) {
      finding.error = "unparseable deny value \"" + t.text + "\" (" + t.source + ")";
      return std::nullopt;
    }
    return t;
  };
  std::vector<const PamRule*> checking = useFaillock ? faillock : std::vector<const PamRule*>{tally};
  for (const auto* rule : checking) {
    auto t = thresholdOf(*rule);
    if (!t) return finding;
    thresholds[rule] = std::move(*t);
  }
  if (useFaillock)
    if (const auto* setting = conf.last("deny"))
      finding.evidence.push_back({setting->location(), "deny = " + setting->value, expected});

  // After N failures every check whose deny is N or less fails; the account is locked at the smallest N for which
  // the stack can no longer succeed.
  std::vector<long long> candidates;
  for (const auto& [rule, t] : thresholds)
    if (t.deny > 0) candidates.push_back(t.deny);
  std::sort(candidates.begin(), candidates.end());
  const std::string module = useFaillock ? "pam_faillock" : tally->moduleName();
  if (candidates.empty()) {
    const auto& t = thresholds.begin()->second;
    finding.message = auth.service + ": deny=" + t.text + " (" + t.source + ") disables the lockout";
    return finding;
  }
  const Threshold* locking = nullptr;
  for (const long long n : candidates) {
    const auto lockedFails = [&](const PamRule& rule) -> unsigned {
      const auto it = thresholds.find(&rule);
      return it != thresholds.end() && it->second.deny > 0 && it->second.deny <= n ? unsigned{kPamFailure}
                                                                                   : anyPamOutcome(rule);
    };
    if (pamStackCanSucceed(auth.stack, lockedFails)) continue;
    for (const auto& [rule, t] : thresholds)
      if (t.deny == n) locking = &t;
    break;
  }
  if (!locking) {
    finding.message = auth.service + ": " + module +
                      " is not required (a failing preauth or authsucc is ignored), so a locked account still logs in";
    return finding;
  }
  const std::string denyText = locking->text;
  const std::string denySource = locking->source;
  if (locking->deny > maxFailures) {
    finding.message = auth.service + ": deny=" + denyText + " (" + denySource + ") allows more than " +
                      std::to_string(maxFailures) + " failures";
    return finding;
  }
  finding.ok = true;
  finding.message = auth.service + " locks after " + denyText + " failures (" + denySource + ")";
  return finding;
}

}  // namespace

Outcome evaluateLockout(const std::vector<PamServiceStack>& authStacks, const ConfFiles& faillockConf,
                        long long maxFailures) {
  std::vector<Evidence> evidence;
  std::vector<std::string> failures;
  std::vector<std::string> passes;
  bool anyPresent = false;
  for (const auto& auth : authStacks) {
    if (!auth.present) continue;
    anyPresent = true;
    if (!auth.readError.empty())
      return Outcome::error("Cannot read the PAM configuration: " + auth.readError,
                            {{"/etc/pam.d/" + auth.service, auth.readError, "a readable PAM configuration"}});
    auto finding = inspectLockout(auth, faillockConf, maxFailures);
    evidence.insert(evidence.end(), finding.evidence.begin(), finding.evidence.end());
    if (!finding.error.empty()) return Outcome::error("Cannot tell the lockout threshold: " + finding.error, evidence);
    (finding.ok ? passes : failures).push_back(finding.message);
  }
  if (!anyPresent)
    return Outcome::notApplicable("PAM is not configured for " + serviceList(authStacks) + " on this host",
                                  {{"/etc/pam.d", "no file for " + serviceList(authStacks), "a PAM login stack"}});
  if (!faillockConf.readError.empty() && failures.empty())
    return Outcome::error("Cannot read the faillock configuration: " + faillockConf.readError, evidence);
  if (!failures.empty()) return Outcome::fail("Repeated failed logins do not lock the account: " +
                                                  text::join(failures, "; "), evidence);
  return Outcome::pass("Accounts lock after repeated failed logins: " + text::join(passes, "; "), evidence);
}

// ---- registration ------------------------------------------------------------------------------------------------

namespace {

// The services people log in through; when neither exists, the shared stacks they would include.
std::vector<PamServiceStack> loginAuthStacks(const SystemView& system, std::vector<std::string_view> services,
                                             std::vector<std::string_view> fallback) {
  std::vector<PamServiceStack> stacks;
  bool anyPresent = false;
  for (const auto service : services) {
    stacks.push_back(loadPamServiceStack(system, service, PamType::Auth));
    anyPresent = anyPresent || stacks.back().present;
  }
  if (anyPresent) return stacks;
  for (const auto service : fallback) stacks.push_back(loadPamServiceStack(system, service, PamType::Auth));
  return stacks;
}

constexpr CheckSpec kMfaModule{
    "pam.mfa_module",
    "A multi-factor PAM module guards interactive login",
    Severity::High,
    "Secure authentication (A.8.5) calls for more than a password where risk warrants it. A one-time-password, FIDO/U2F "
    "or smartcard module that the login, sshd or common-auth PAM stack cannot succeed without shows that a second "
    "factor is technically enforced, not just installed.",
    "Install an MFA module (e.g. libpam-google-authenticator or pam-u2f), enrol every user, then add it as `auth "
    "required` to /etc/pam.d/sshd or common-auth (without nullok/nouserok once enrolment is complete).",
};

Outcome runMfaModule(const CheckContext& ctx) {
  std::vector<PamServiceStack> stacks;
  for (const std::string_view service : {"login", "sshd", "common-auth"})
    stacks.push_back(loadPamServiceStack(ctx.system, service, PamType::Auth));
  return evaluatePamMfaModule(stacks);
}

constexpr CheckSpec kLockout{
    "auth.lockout",
    "Accounts lock after repeated failed logins",
    Severity::Medium,
    "Locking an account after a few failed attempts (pam_faillock or pam_tally2) stops online password guessing and is "
    "part of a secure authentication procedure (A.8.5).",
    "Add `auth requisite pam_faillock.so preauth` before and `auth [default=die] pam_faillock.so authfail` after "
    "pam_unix in common-auth (authselect enable-feature with-faillock on RHEL) and set deny = 5 or less in "
    "/etc/security/faillock.conf.",
};

Outcome runLockout(const CheckContext& ctx) {
  ConfFiles conf;
  for (const std::string_view path : {"/etc/security/faillock.conf", "/usr/etc/security/faillock.conf"}) {
    if (!ctx.system.exists(path)) continue;
    if (auto content = ctx.system.readFile(path, 256 * 1024)) conf.settings = parseKeyValueConf(*content, path);
    else conf.readError = content.error();
    break;  // the vendor file is only read when /etc has none
  }
  const auto stacks = loginAuthStacks(ctx.system, {"login", "sshd"}, {"common-auth", "system-auth", "password-auth"});
  return evaluateLockout(stacks, conf, ctx.config.thresholds.lockoutMaxFailures);
}

ANNEXA_REGISTER_CHECK(kMfaModule, runMfaModule);
ANNEXA_REGISTER_CHECK(kLockout, runLockout);

}  // namespace
}  // namespace annexa::agent::checks
