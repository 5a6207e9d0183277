// ssh.mfa_required and ssh.password_authentication: which ways into sshd exist and how many factors each needs.
#include <algorithm>
#include <array>

#include "agent/checks/ssh.hpp"
#include "common/text.hpp"

namespace annexa::agent::checks {
namespace {

struct MethodSwitch {
  std::string_view method;
  std::vector<std::string_view> keyword;  // with its aliases
  bool defaultOn;                         // sshd's compiled-in default
};

const std::array<MethodSwitch, 5>& methodSwitches() {
  static const std::array<MethodSwitch, 5> switches = {{
      {"publickey", {"PubkeyAuthentication"}, true},
      {"password", {"PasswordAuthentication"}, true},
      {"keyboard-interactive", {"KbdInteractiveAuthentication", "ChallengeResponseAuthentication"}, true},
      {"hostbased", {"HostbasedAuthentication"}, false},
      {"gssapi-with-mic", {"GSSAPIAuthentication"}, false},
  }};
  return switches;
}

const std::vector<std::string_view> kAuthenticationMethods{"AuthenticationMethods"};
const std::vector<std::string_view> kUsePam{"UsePAM"};
const std::vector<std::string_view> kForceCommand{"ForceCommand"};

// "keyboard-interactive:pam" → "keyboard-interactive".
std::string_view baseMethod(std::string_view method) { return method.substr(0, method.find(':')); }

const MethodSwitch* switchFor(std::string_view method) {
  for (const auto& s : methodSwitches())
    if (s.method == baseMethod(method)) return &s;
  return nullptr;
}

// keyboard-interactive has no backend on Linux without PAM.
bool methodEnabled(const SshdSettings& settings, std::string_view method, bool usePam) {
  const auto* s = switchFor(method);
  if (!s) return false;
  const bool on = sshdValue(settings, s->keyword, s->defaultOn ? "yes" : "no") == "yes";
  return s->method == "keyboard-interactive" ? on && usePam : on;
}

std::vector<std::string_view> relevantKeywords() {
  std::vector<std::string_view> keywords{"AuthenticationMethods", "ForceCommand"};
  for (const auto& s : methodSwitches()) keywords.insert(keywords.end(), s.keyword.begin(), s.keyword.end());
  return keywords;
}

void classifySingle(SshLoginPath& path, std::string_view method, const PamMfaAnalysis* pam) {
  const std::string mfaModule = pam && !pam->mfaRules.empty() ? pam->mfaRules.front().moduleName() : "";
  const bool throughPam = method == "keyboard-interactive" || (method == "password" && pam);
  if (throughPam && !pam->missingModule.empty()) {
    path.how = std::string(method) + " through PAM always fails: " + pam->missingModule + " is not installed";
  } else if (method == "password") {
    if (pam && pam->requiresSecondFactor()) {
      path.twoFactor = true;
      path.how = "passwords go through PAM, which also requires " + mfaModule;
    } else {
      path.passwordAlone = true;
      path.how = "a password alone (password authentication)";
    }
  } else if (method == "keyboard-interactive") {
    if (pam->requiresSecondFactor() && pam->passwordRequired) {
      path.twoFactor = true;
      path.how = "keyboard-interactive through PAM asks for a password and " + mfaModule;
    } else if (pam->requiresSecondFactor()) {
      path.how = "keyboard-interactive through PAM asks only for " + mfaModule;
    } else {
      path.passwordAlone = pam->hasPasswordModule;
      path.how = pam->hasPasswordModule ? "a password alone (keyboard-interactive through PAM)"
                                        : "keyboard-interactive through PAM without a second factor";
    }
  } else if (method == "publickey") {
    path.how = "a key alone (publickey)";
  } else {
    path.how = "one method alone (" + std::string(method) + ")";
  }
}

void addUnique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

struct PathReview {
  std::vector<Evidence> evidence;
  std::vector<std::string> good;  // how the global context's paths authenticate
  std::vector<std::string> bad;   // paths that fail the check's predicate, with their context
  std::vector<std::string> goodWithPassword;  // passing paths (any context) that take a password
  bool anyPasswordPath = false;
  std::vector<std::string> impossible;  // ways in that can never succeed
};

// Walks every context's login paths; `isBad` says which paths fail the check.
PathReview reviewPaths(const SshdFacts& facts, const PamMfaAnalysis* pam, const std::string& expected,
                       bool (*isBad)(const SshLoginPath&)) {
  PathReview review;
  for (const auto& settings : sshdContexts(facts.config, relevantKeywords())) {
    review.evidence.push_back(sshdEvidence(settings, kAuthenticationMethods, "any", expected));
    for (const auto& path : sshLoginPaths(settings, pam)) {
      if (path.impossible) {
        addUnique(review.impossible, path.how);
        continue;
      }
      const bool usesPassword = std::any_of(path.methods.begin(), path.methods.end(), [](const std::string& m) {
        return baseMethod(m) == "password" || baseMethod(m) == "keyboard-interactive";
      });
      review.anyPasswordPath = review.anyPasswordPath || usesPassword;
      if (!isBad(path)) {
        addUnique(review.good, settings.block() ? "" : path.how);
        // A Match block that only inherits the global path adds nothing worth repeating.
        const bool inherited = std::find(review.goodWithPassword.begin(), review.goodWithPassword.end(), path.how) !=
                               review.goodWithPassword.end();
        addUnique(review.goodWithPassword, usesPassword && !inherited ? path.how + contextSuffix(settings) : "");
        continue;
      }
      // A Match block that inherits a global failure is already covered by it.
      if (settings.block() && std::find(review.bad.begin(), review.bad.end(), path.how) != review.bad.end()) continue;
      review.bad.push_back(path.how + contextSuffix(settings));
      for (const auto& method : path.methods)
        if (const auto* s = switchFor(method))
          review.evidence.push_back(sshdEvidence(settings, s->keyword, s->defaultOn ? "yes" : "no", expected));
    }
  }
  return review;
}

void dropDuplicates(std::vector<Evidence>& evidence) {
  std::vector<Evidence> unique;
  for (auto& e : evidence)
    if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(std::move(e));
  evidence = std::move(unique);
}

struct PamContext {
  bool usePam = false;
  std::optional<PamMfaAnalysis> analysis;
  std::vector<Evidence> evidence;
  const PamMfaAnalysis* pointer() const { return analysis ? &*analysis : nullptr; }
};

PamContext pamContext(const SshdFacts& facts, const PamServiceStack& sshdAuth, const std::string& expected) {
  PamContext context;
  const SshdSettings global(facts.config);
  context.usePam = sshdValue(global, kUsePam, "no") == "yes";
  context.evidence.push_back(sshdEvidence(global, kUsePam, "no", expected));
  if (!context.usePam || !sshdAuth.readError.empty()) return context;
  if (!sshdAuth.present) {
    context.analysis = PamMfaAnalysis{};
    context.analysis->noConfiguration = true;
    context.evidence.push_back({"/etc/pam.d/sshd, /etc/pam.d/other",
                                "absent: no PAM configuration for sshd (Linux-PAM then fails every PAM "
                                "authentication, so password and keyboard-interactive logins cannot succeed)",
                                expected});
    return context;
  }
  context.analysis = analysePamMfa(sshdAuth);
  auto pamEvidence = pamMfaEvidence(sshdAuth, *context.analysis);
  context.evidence.insert(context.evidence.end(), pamEvidence.begin(), pamEvidence.end());
  return context;
}

}  // namespace

std::vector<SshLoginPath> sshLoginPaths(const SshdSettings& settings, const PamMfaAnalysis* pam) {
  const bool usePam = pam != nullptr;
  std::vector<std::vector<std::string>> lists;
  const auto* methods = settings.find(kAuthenticationMethods);
  if (!methods || text::iequals(text::trim(methods->value), "any")) {
    for (const auto& s : methodSwitches()) lists.push_back({std::string(s.method)});
  } else {
    for (const auto& word : text::splitWords(methods->value)) lists.push_back(text::split(word, ','));
  }
  // login_duo as ForceCommand runs after any successful authentication and asks for the Duo factor.
  const auto forced = sshdValue(settings, kForceCommand, "");
  const bool duo = baseName(forced) == "login_duo";

  std::vector<SshLoginPath> paths;
  for (auto& list : lists) {
    const bool satisfiable = std::all_of(list.begin(), list.end(),
                                         [&](const std::string& m) { return methodEnabled(settings, m, usePam); });
    if (!satisfiable) continue;  // sshd can never complete a list with a disabled method
    std::vector<std::string_view> distinct;
    for (const auto& m : list)
      if (std::find(distinct.begin(), distinct.end(), baseMethod(m)) == distinct.end()) distinct.push_back(baseMethod(m));
    SshLoginPath path{list, false, false, ""};
    if (distinct.size() >= 2) {
      path.twoFactor = true;
      path.how = "AuthenticationMethods " + text::join(list, ",");
    } else {
      classifySingle(path, distinct.front(), pam);
    }
    const bool throughPam = std::any_of(list.begin(), list.end(), [](const std::string& m) {
      return baseMethod(m) == "password" || baseMethod(m) == "keyboard-interactive";
    });
    if (pam && pam->noConfiguration && throughPam) {
      path = SshLoginPath{list, false, false, "", true};
      path.how = text::join(list, ",") + " goes through PAM, which has no configuration for sshd, so it always fails";
    }
    if (duo && !path.twoFactor && !path.impossible) {
      path.twoFactor = true;
      path.passwordAlone = false;
      path.how += ", then ForceCommand login_duo asks for Duo";
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

Outcome evaluateSshMfa(const SshdFacts& facts, const PamServiceStack& sshdAuth) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  const std::string expected = "every way in needs two factors (AuthenticationMethods with two methods per list, "
                               "or PAM requiring an MFA module)";
  const auto pam = pamContext(facts, sshdAuth, expected);
  if (pam.usePam && !sshdAuth.readError.empty())
    return Outcome::error("Cannot read the sshd PAM stack: " + sshdAuth.readError,
                          {{"/etc/pam.d/sshd", sshdAuth.readError, expected}});
  auto review = reviewPaths(facts, pam.pointer(), expected, [](const SshLoginPath& p) { return !p.twoFactor; });
  review.evidence.insert(review.evidence.end(), pam.evidence.begin(), pam.evidence.end());
  dropDuplicates(review.evidence);
  if (!review.bad.empty())
    return Outcome::fail("SSH lets users in with a single factor: " + text::join(review.bad, "; "), review.evidence);
  if (review.good.empty())
    return Outcome::pass("sshd has no usable authentication method" +
                             (review.impossible.empty() ? std::string()
                                                        : ": " + text::join(review.impossible, "; ")),
                         review.evidence);
  return Outcome::pass("Every SSH login needs two factors: " + text::join(review.good, "; "), review.evidence);
}

Outcome evaluateSshPasswordAuthentication(const SshdFacts& facts, const PamServiceStack& sshdAuth) {
  if (auto unavailable = sshdUnavailable(facts)) return *unavailable;
  const std::string expected = "PasswordAuthentication no (and no password-only keyboard-interactive), or passwords "
                               "only together with a second factor";
  const auto pam = pamContext(facts, sshdAuth, expected);
  if (pam.usePam && !sshdAuth.readError.empty())
    return Outcome::error("Cannot read the sshd PAM stack: " + sshdAuth.readError,
                          {{"/etc/pam.d/sshd", sshdAuth.readError, expected}});
  auto review = reviewPaths(facts, pam.pointer(), expected, [](const SshLoginPath& p) { return p.passwordAlone; });
  const SshdSettings global(facts.config);
  review.evidence.insert(review.evidence.begin(), sshdEvidence(global, {"PasswordAuthentication"}, "yes", expected));
  review.evidence.insert(review.evidence.end(), pam.evidence.begin(), pam.evidence.end());
  dropDuplicates(review.evidence);
  if (!review.bad.empty())
    return Outcome::fail("SSH accepts a password alone: " + text::join(review.bad, "; "), review.evidence);
  if (!review.anyPasswordPath && pam.analysis && pam.analysis->noConfiguration)
    return Outcome::pass("SSH cannot accept a password: UsePAM is yes but PAM has no configuration for sshd "
                         "(no /etc/pam.d/sshd or /etc/pam.d/other), so password and keyboard-interactive logins "
                         "always fail",
                         review.evidence);
  if (!review.anyPasswordPath)
    return Outcome::pass("SSH does not accept passwords (PasswordAuthentication " +
                             sshdValue(global, {"PasswordAuthentication"}, "yes") + ", no PAM keyboard-interactive)",
                         review.evidence);
  return Outcome::pass("SSH accepts passwords only with a second factor: " + text::join(review.goodWithPassword, "; "),
                       review.evidence);
}

namespace {

constexpr CheckSpec kMfaRequired{
    "ssh.mfa_required",
    "SSH logins need two factors",
    Severity::High,
    "Remote shell access is the most exposed way into a server. Requiring two factors for every SSH login (two "
    "AuthenticationMethods per list, or a PAM stack that demands an OTP/FIDO factor) is the technical evidence of "
    "secure authentication (A.8.5) for privileged and remote access.",
    "Set `AuthenticationMethods publickey,keyboard-interactive` with `KbdInteractiveAuthentication yes` and `UsePAM "
    "yes` in /etc/ssh/sshd_config, and require an MFA module (e.g. `auth required pam_google_authenticator.so`) in "
    "/etc/pam.d/sshd; remove Match blocks that allow a single method.",
};

constexpr CheckSpec kPasswordAuthentication{
    "ssh.password_authentication",
    "SSH does not accept a password alone",
    Severity::High,
    "Passwords sent to an Internet-facing SSH service are guessed, sprayed and phished. Turning password "
    "authentication off, or allowing it only together with a second factor, is part of secure authentication (A.8.5).",
    "Set `PasswordAuthentication no` and `KbdInteractiveAuthentication no` in /etc/ssh/sshd_config (or pair passwords "
    "with another method in AuthenticationMethods), check Match blocks, and reload sshd.",
};

Outcome runMfaRequired(const CheckContext& ctx) {
  return evaluateSshMfa(probeSshd(ctx, false), sshdPamStack(ctx.system));
}

Outcome runPasswordAuthentication(const CheckContext& ctx) {
  return evaluateSshPasswordAuthentication(probeSshd(ctx, false), sshdPamStack(ctx.system));
}

ANNEXA_REGISTER_CHECK(kMfaRequired, runMfaRequired);
ANNEXA_REGISTER_CHECK(kPasswordAuthentication, runPasswordAuthentication);

}  // namespace
}  // namespace annexa::agent::checks
