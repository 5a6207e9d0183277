#include <gtest/gtest.h>

#include <algorithm>

#include "agent/checks/auth.hpp"
#include "agent/facts/login_defs.hpp"
#include "agent/facts/pam.hpp"
#include "common/text.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

constexpr std::string_view kDebianCommonAuth =
    "auth [success=1 default=ignore] pam_unix.so nullok\n"
    "auth requisite pam_deny.so\n"
    "auth required pam_permit.so\n";

PamServiceStack authStack(std::string_view service, std::string_view content) {
  return pamServiceStackFromText(service, content, PamType::Auth);
}
PamServiceStack passwordStack(std::string_view content) {
  return pamServiceStackFromText("common-password", content, PamType::Password);
}
PamServiceStack absent(std::string_view service) {
  PamServiceStack stack;
  stack.service = std::string(service);
  return stack;
}

ConfFiles conf(std::string_view content, std::string_view file = "/etc/security/faillock.conf") {
  return ConfFiles{parseKeyValueConf(content, file), ""};
}

Result<LoginDefs> loginDefs(std::string_view content) { return parseLoginDefs(content); }

bool anyEvidence(const std::vector<Evidence>& evidence, std::string_view observedPart) {
  return std::any_of(evidence.begin(), evidence.end(),
                     [&](const Evidence& e) { return e.observed.find(observedPart) != std::string::npos; });
}

// Can the stack succeed when every module named `failing` fails?
bool succeedsWithout(const PamStack& stack, std::string_view failing) {
  return pamStackCanSucceed(stack, [&](const PamRule& rule) {
    return rule.moduleName() == failing ? unsigned{kPamFailure} : anyPamOutcome(rule);
  });
}

// ---- the PAM parser ----------------------------------------------------------------------------------------------

TEST(PamStackParser, ParsesControlsModulesAndArguments) {
  const auto lines = parsePamFile(
      "#%PAM-1.0\n"
      "auth  [success=2 default=ignore]  pam_unix.so nullok   # comment\n"
      "-auth sufficient pam_systemd_home.so\n"
      "password requisite pam_pwquality.so \\\n    retry=3 minlen=14\n"
      "@include common-account\n"
      "session optional pam_motd.so [motd=/run/motd dynamic]\n"
      "broken-line\n");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].control, "[success=2 default=ignore]");
  EXPECT_EQ(lines[0].module, "pam_unix.so");
  EXPECT_EQ(lines[0].args, (std::vector<std::string>{"nullok"}));
  EXPECT_TRUE(lines[1].dashed);
  EXPECT_EQ(lines[1].type, "auth");
  EXPECT_EQ(lines[2].args, (std::vector<std::string>{"retry=3", "minlen=14"}));
  EXPECT_EQ(lines[2].line, 4);
  EXPECT_EQ(lines[3].type, "@include");
  EXPECT_EQ(lines[3].module, "common-account");
  EXPECT_EQ(lines[4].args, (std::vector<std::string>{"[motd=/run/motd dynamic]"}));
}

TEST(PamStackParser, RuleHelpers) {
  const auto stack = pamStackFromText("auth required /usr/lib/security/pam_faillock.so preauth deny=4 deny=3\n",
                                      PamType::Auth, "/etc/pam.d/common-auth");
  ASSERT_EQ(stack.rules.size(), 1u);
  const auto& rule = stack.rules[0];
  EXPECT_EQ(rule.moduleName(), "pam_faillock");
  EXPECT_TRUE(rule.hasArg("preauth"));
  EXPECT_EQ(rule.argValue("deny"), "3");
  EXPECT_EQ(rule.argValue("unlock_time"), std::nullopt);
  EXPECT_EQ(rule.location(), "/etc/pam.d/common-auth:1");
  EXPECT_EQ(rule.text(), "auth required /usr/lib/security/pam_faillock.so preauth deny=4 deny=3");
}

TEST(PamStackParser, FollowsIncludesSubstacksAndDebianIncludes) {
  FixtureRoot root;
  root.write("/etc/pam.d/sshd", "@include common-auth\nauth substack extra\nauth include missing\n"
                                "account required pam_nologin.so\n");
  root.write("/etc/pam.d/common-auth", kDebianCommonAuth);
  root.write("/usr/lib/pam.d/extra", "auth required pam_env.so\npassword required pam_unix.so\n");
  auto stack = loadPamStack(root.view(), "sshd", PamType::Auth);
  ASSERT_TRUE(stack.ok()) << stack.error();
  ASSERT_EQ(stack->rules.size(), 5u);  // 3 from common-auth, the substack marker, pam_env
  EXPECT_EQ(stack->rules[0].file, "/etc/pam.d/common-auth");
  EXPECT_TRUE(stack->rules[3].isSubstack());
  EXPECT_EQ(stack->rules[3].substackEnd, 5u);
  EXPECT_EQ(stack->rules[4].moduleName(), "pam_env");
  EXPECT_EQ(stack->files, (std::vector<std::string>{"/etc/pam.d/sshd", "/etc/pam.d/common-auth", "/usr/lib/pam.d/extra"}));
  ASSERT_EQ(stack->problems.size(), 1u);
  EXPECT_NE(stack->problems[0].find("missing"), std::string::npos);

  root.makeDirectory("/etc/pam.d/missing");  // exists, unreadable as a file
  EXPECT_FALSE(loadPamStack(root.view(), "sshd", PamType::Auth).ok());
  EXPECT_FALSE(loadPamStack(root.view(), "nosuchservice", PamType::Auth).ok());
}

// ---- walking the stack -------------------------------------------------------------------------------------------

TEST(PamStackWalk, DebianCommonAuthNeedsThePassword) {
  const auto stack = pamStackFromText(kDebianCommonAuth, PamType::Auth, "/etc/pam.d/common-auth");
  EXPECT_TRUE(pamStackCanSucceed(stack, anyPamOutcome));
  EXPECT_FALSE(succeedsWithout(stack, "pam_unix"));
  EXPECT_FALSE(pamStackCanSucceed(pamStackFromText("", PamType::Auth, "/x"), anyPamOutcome));  // nothing decided
}

TEST(PamStackWalk, SufficientBeforeTheOtpSkipsIt) {
  // pam_faillock's documented authsucc line is "sufficient": anything after it never runs on success.
  const auto skipped = pamStackFromText(
      "auth requisite pam_faillock.so preauth\n"
      "auth [success=1 default=ignore] pam_unix.so\n"
      "auth [default=die] pam_faillock.so authfail\n"
      "auth sufficient pam_faillock.so authsucc\n"
      "auth required pam_google_authenticator.so\n",
      PamType::Auth, "/etc/pam.d/common-auth");
  EXPECT_TRUE(succeedsWithout(skipped, "pam_google_authenticator"));
  EXPECT_FALSE(succeedsWithout(skipped, "pam_unix"));
  EXPECT_FALSE(succeedsWithout(skipped, "pam_faillock"));
}

TEST(PamStackWalk, JumpsAndBracketDefaults) {
  // A jump over pam_deny is how Debian requires a module; default=ignore on failure falls into pam_deny.
  const auto jump = pamStackFromText("auth [success=1 default=ignore] pam_google_authenticator.so\n"
                                     "auth requisite pam_deny.so\nauth required pam_permit.so\n",
                                     PamType::Auth, "/x");
  EXPECT_FALSE(succeedsWithout(jump, "pam_google_authenticator"));
  // Without "default", unnamed results count as bad.
  const auto noDefault = pamStackFromText("auth [success=ok] pam_google_authenticator.so\n"
                                          "auth required pam_permit.so\n",
                                          PamType::Auth, "/x");
  EXPECT_FALSE(succeedsWithout(noDefault, "pam_google_authenticator"));
  // A specific failure code that is ignored opens a way round the module.
  const auto fallback = pamStackFromText("auth [success=done authinfo_unavail=ignore default=die] pam_sss.so\n"
                                         "auth sufficient pam_unix.so\nauth required pam_deny.so\n",
                                         PamType::Auth, "/x");
  EXPECT_TRUE(succeedsWithout(fallback, "pam_sss"));
}

TEST(PamStackWalk, DoneInASubstackEndsOnlyTheSubstack) {
  FixtureRoot root;
  root.write("/etc/pam.d/quick", "auth sufficient pam_permit.so\nauth required pam_deny.so\n");
  root.write("/etc/pam.d/sub", "auth substack quick\nauth required pam_google_authenticator.so\n");
  root.write("/etc/pam.d/inc", "auth include quick\nauth required pam_google_authenticator.so\n");
  auto substack = loadPamStack(root.view(), "sub", PamType::Auth);
  auto include = loadPamStack(root.view(), "inc", PamType::Auth);
  ASSERT_TRUE(substack.ok() && include.ok());
  EXPECT_FALSE(succeedsWithout(*substack, "pam_google_authenticator"));
  EXPECT_TRUE(succeedsWithout(*include, "pam_google_authenticator"));
}

TEST(PamStackWalk, JumpCountsASubstackAsOneModule) {
  FixtureRoot root;
  root.write("/etc/pam.d/two", "auth required pam_env.so\nauth required pam_deny.so\n");
  root.write("/etc/pam.d/svc", "auth [success=1 default=die] pam_unix.so\nauth substack two\n"
                               "auth required pam_permit.so\n");
  auto stack = loadPamStack(root.view(), "svc", PamType::Auth);
  ASSERT_TRUE(stack.ok());
  EXPECT_TRUE(pamStackCanSucceed(*stack, anyPamOutcome));  // jumps over the whole substack, pam_deny included
}

// ---- pam.mfa_module ----------------------------------------------------------------------------------------------

TEST(PamMfaModule, RequiredOtpAfterThePasswordPasses) {
  const auto sshd = authStack("sshd", std::string(kDebianCommonAuth) + "auth required pam_google_authenticator.so\n");
  const auto outcome = evaluatePamMfaModule({absent("login"), sshd, absent("common-auth")});
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.message, "A second factor is required at login: the sshd auth stack requires "
                             "pam_google_authenticator");
  ASSERT_EQ(outcome.evidence.size(), 1u);
  EXPECT_EQ(outcome.evidence[0].source, "/etc/pam.d/sshd:4");
}

TEST(PamMfaModule, SmartcardRequiredThroughSssCounts) {
  const auto login = authStack("login", "auth [success=done ignore=ignore default=die] pam_sss.so require_cert_auth\n"
                                        "auth sufficient pam_unix.so\n");
  EXPECT_EQ(evaluatePamMfaModule({login}).status, CheckStatus::Pass);
}

TEST(PamMfaModule, OptionalSufficientOrOptOutModulesFail) {
  for (const char* line : {"auth optional pam_u2f.so\n", "auth sufficient pam_u2f.so\n",
                           "auth required pam_u2f.so nouserok\n", "auth required pam_google_authenticator.so nullok\n"}) {
    const auto outcome = evaluatePamMfaModule({authStack("common-auth", std::string(kDebianCommonAuth) + line)});
    EXPECT_EQ(outcome.status, CheckStatus::Fail) << line;
    EXPECT_TRUE(anyEvidence(outcome.evidence, text::trim(line))) << line;
  }
}

TEST(PamMfaModule, MissingModuleFailsNoModuleFailsNothingIsNotApplicable) {
  auto sshd = authStack("sshd", "auth required pam_google_authenticator.so\n");
  sshd.missingModules.insert("pam_google_authenticator.so");
  auto outcome = evaluatePamMfaModule({sshd});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("not installed"), std::string::npos) << outcome.message;

  outcome = evaluatePamMfaModule({authStack("common-auth", kDebianCommonAuth)});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "No MFA PAM module is in the auth stack of common-auth");

  EXPECT_EQ(evaluatePamMfaModule({absent("login"), absent("sshd")}).status, CheckStatus::NotApplicable);

  auto broken = absent("login");
  broken.present = true;
  broken.readError = "cannot read /etc/pam.d/login: Permission denied";
  EXPECT_EQ(evaluatePamMfaModule({broken}).status, CheckStatus::Error);
}

TEST(PamMfaModule, FixtureTrees) {
  FixtureRoot hardened("auth/hardened");
  auto result = runCheckOn(hardened, "pam.mfa_module");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.5"}));
  EXPECT_EQ(result.evidence.at(0).source, "/etc/pam.d/common-auth:6");

  FixtureRoot debian("auth/debian-default");
  result = runCheckOn(debian, "pam.mfa_module");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidence(result.evidence, "no MFA module in the auth stack"));
}

// ---- auth.lockout ------------------------------------------------------------------------------------------------

constexpr std::string_view kFaillockAuth =
    "auth requisite pam_faillock.so preauth\n"
    "auth [success=1 default=ignore] pam_unix.so\n"
    "auth [default=die] pam_faillock.so authfail\n"
    "auth sufficient pam_faillock.so authsucc\n";

TEST(AuthLockout, FaillockThresholdFromConfigArgumentsOrDefault) {
  const auto stack = authStack("common-auth", kFaillockAuth);
  auto outcome = evaluateLockout({stack}, conf("deny = 5\n"), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_TRUE(anyEvidence(outcome.evidence, "deny = 5"));
  EXPECT_EQ(evaluateLockout({stack}, conf("deny = 10\n"), 5).status, CheckStatus::Fail);
  outcome = evaluateLockout({stack}, conf("deny = 0\n"), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("disables"), std::string::npos);
  outcome = evaluateLockout({stack}, conf(""), 5);  // pam_faillock's default is 3
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  EXPECT_NE(outcome.message.find("pam_faillock default"), std::string::npos);
  const auto withArg = authStack("common-auth", "auth requisite pam_faillock.so preauth deny=4\n"
                                                "auth [default=die] pam_faillock.so authfail\n");
  EXPECT_EQ(evaluateLockout({withArg}, conf("deny = 10\n"), 5).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateLockout({stack}, conf("deny = many\n"), 5).status, CheckStatus::Error);
}

TEST(AuthLockout, IncompleteOrOptionalFaillockFails) {
  auto outcome = evaluateLockout({authStack("common-auth", "auth requisite pam_faillock.so preauth\n" +
                                                               std::string(kDebianCommonAuth))},
                                 conf("deny = 3\n"), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("never counted"), std::string::npos) << outcome.message;
  outcome = evaluateLockout({authStack("common-auth", "auth optional pam_faillock.so preauth\n"
                                                      "auth [success=1 default=ignore] pam_unix.so\n"
                                                      "auth [default=die] pam_faillock.so authfail\n"
                                                      "auth required pam_permit.so\n")},
                            conf("deny = 3\n"), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("not required"), std::string::npos) << outcome.message;
  outcome = evaluateLockout({authStack("common-auth", kDebianCommonAuth)}, conf(""), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "Repeated failed logins do not lock the account: common-auth: no pam_faillock or "
                             "pam_tally2 in the auth stack");
}

TEST(AuthLockout, PamTally2NeedsDeny) {
  EXPECT_EQ(evaluateLockout({authStack("login", "auth required pam_tally2.so deny=3 onerr=fail\n" +
                                                    std::string(kDebianCommonAuth))},
                            conf(""), 5)
                .status,
            CheckStatus::Pass);
  EXPECT_EQ(evaluateLockout({authStack("login", "auth required pam_tally2.so\n" + std::string(kDebianCommonAuth))},
                            conf(""), 5)
                .status,
            CheckStatus::Fail);
}

TEST(AuthLockout, EveryLoginServiceMustLock) {
  const auto locked = authStack("login", kFaillockAuth);
  const auto open = authStack("sshd", kDebianCommonAuth);
  const auto outcome = evaluateLockout({locked, open}, conf("deny = 3\n"), 5);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("sshd"), std::string::npos);
  EXPECT_EQ(evaluateLockout({absent("login"), absent("sshd")}, conf(""), 5).status, CheckStatus::NotApplicable);
}

TEST(AuthLockout, FixtureTrees) {
  FixtureRoot hardened("auth/hardened");
  auto result = runCheckOn(hardened, "auth.lockout");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidence(result.evidence, "deny = 5"));
  agent::AgentConfig strict;
  strict.thresholds.lockoutMaxFailures = 3;
  EXPECT_EQ(runCheckOn(hardened, "auth.lockout", strict).status, CheckStatus::Fail);

  FixtureRoot rhel("auth/rhel");  // login and sshd reach faillock through substacks
  result = runCheckOn(rhel, "auth.lockout");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_TRUE(anyEvidence(result.evidence, "deny = 4"));

  FixtureRoot debian("auth/debian-default");
  result = runCheckOn(debian, "auth.lockout");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_NE(result.message.find("login: no pam_faillock"), std::string::npos) << result.message;
}

// ---- auth.password_hashing ---------------------------------------------------------------------------------------

TEST(AuthPasswordHashing, LoginDefsAndPamUnixMustBothBeStrong) {
  const auto yescrypt = passwordStack("password [success=1 default=ignore] pam_unix.so obscure yescrypt\n");
  auto outcome = evaluatePasswordHashing(loginDefs("ENCRYPT_METHOD SHA512\n"), yescrypt);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  ASSERT_EQ(outcome.evidence.size(), 2u);
  EXPECT_EQ(outcome.evidence[0].observed, "ENCRYPT_METHOD SHA512");
  EXPECT_EQ(outcome.evidence[1].source, "/etc/pam.d/common-password:1");

  outcome = evaluatePasswordHashing(loginDefs("ENCRYPT_METHOD SHA512\n"),
                                    passwordStack("password required pam_unix.so sha512 md5\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("pam_unix md5"), std::string::npos) << outcome.message;

  outcome = evaluatePasswordHashing(loginDefs("ENCRYPT_METHOD MD5\n"), yescrypt);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("ENCRYPT_METHOD MD5"), std::string::npos);
}

TEST(AuthPasswordHashing, DefaultsAndInheritance) {
  // Unset ENCRYPT_METHOD falls back to DES; pam_unix without a hash option inherits it.
  auto outcome = evaluatePasswordHashing(loginDefs("PASS_MAX_DAYS 90\n"),
                                         passwordStack("password required pam_unix.so obscure\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence[0].observed, "ENCRYPT_METHOD not set (default DES)");
  EXPECT_TRUE(anyEvidence(outcome.evidence, "no hash option: DES from login.defs"));
  outcome = evaluatePasswordHashing(loginDefs("ENCRYPT_METHOD yescrypt\n"),
                                    passwordStack("password required pam_unix.so obscure\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(evaluatePasswordHashing(Error{"/etc/login.defs: Permission denied"}, absent("passwd")).status,
            CheckStatus::Error);
}

TEST(AuthPasswordHashing, FixtureTrees) {
  FixtureRoot debian("auth/debian-default");
  auto result = runCheckOn(debian, "auth.password_hashing");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "New passwords get a strong hash: login.defs SHA512, pam_unix yescrypt");
  EXPECT_TRUE(anyEvidence(result.evidence, "pam_unix.so obscure yescrypt"));
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.5.17", "A.8.24"}));
  FixtureRoot rhel("auth/rhel");
  EXPECT_EQ(runCheckOn(rhel, "auth.password_hashing").status, CheckStatus::Pass);
  rhel.write("/etc/login.defs", "ENCRYPT_METHOD MD5\n");
  EXPECT_EQ(runCheckOn(rhel, "auth.password_hashing").status, CheckStatus::Fail);
}

// ---- auth.password_max_age ---------------------------------------------------------------------------------------

TEST(AuthPasswordMaxAge, ComparesPassMaxDaysWithTheThreshold) {
  EXPECT_EQ(evaluatePasswordMaxAge(loginDefs("PASS_MAX_DAYS 90\n"), 365).status, CheckStatus::Pass);
  const auto never = evaluatePasswordMaxAge(loginDefs("PASS_MAX_DAYS\t99999\n"), 365);
  EXPECT_EQ(never.status, CheckStatus::Fail);
  EXPECT_EQ(never.evidence.at(0).observed, "PASS_MAX_DAYS 99999");
  EXPECT_EQ(never.evidence.at(0).source, "/etc/login.defs:1");
  EXPECT_EQ(evaluatePasswordMaxAge(loginDefs("PASS_MAX_DAYS -1\n"), 365).status, CheckStatus::Fail);
  const auto unset = evaluatePasswordMaxAge(loginDefs("# nothing\n"), 365);
  EXPECT_EQ(unset.status, CheckStatus::Fail);
  EXPECT_EQ(unset.evidence.at(0).observed, "PASS_MAX_DAYS not set (no maximum age)");
  // shadow-utils cannot parse it and uses -1 (no maximum): issue 17.
  EXPECT_EQ(evaluatePasswordMaxAge(loginDefs("PASS_MAX_DAYS ninety\n"), 365).status, CheckStatus::Fail);
  EXPECT_EQ(evaluatePasswordMaxAge(Error{"/etc/login.defs: Permission denied"}, 365).status, CheckStatus::Error);
}

TEST(AuthPasswordMaxAge, FixtureTrees) {
  FixtureRoot hardened("auth/hardened");  // 99999 first, 90 later: the later line wins
  auto result = runCheckOn(hardened, "auth.password_max_age");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.at(0).observed, "PASS_MAX_DAYS 90");
  agent::AgentConfig strict;
  strict.thresholds.passwordMaxDays = 60;
  EXPECT_EQ(runCheckOn(hardened, "auth.password_max_age", strict).status, CheckStatus::Fail);
  FixtureRoot debian("auth/debian-default");
  EXPECT_EQ(runCheckOn(debian, "auth.password_max_age").status, CheckStatus::Fail);
  FixtureRoot empty;  // no login.defs: shadow-utils defaults, no maximum
  EXPECT_EQ(runCheckOn(empty, "auth.password_max_age").status, CheckStatus::Fail);
}

// ---- auth.password_quality ---------------------------------------------------------------------------------------

constexpr std::string_view kDebianPassword =
    "password requisite pam_pwquality.so retry=3\n"
    "password [success=1 default=ignore] pam_unix.so obscure use_authtok try_first_pass yescrypt\n"
    "password requisite pam_deny.so\n"
    "password required pam_permit.so\n";

TEST(AuthPasswordQuality, MinlenFromConfigOrArguments) {
  const auto stack = passwordStack(kDebianPassword);
  auto outcome = evaluatePasswordQuality(stack, conf("minlen = 14\n", "/etc/security/pwquality.conf"), 12);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_TRUE(anyEvidence(outcome.evidence, "minlen = 14"));
  outcome = evaluatePasswordQuality(stack, conf(""), 12);  // pwquality's default minlen is 8
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("accepts 8 characters"), std::string::npos) << outcome.message;
  const auto withArg = passwordStack("password requisite pam_pwquality.so minlen=12\n"
                                     "password required pam_unix.so sha512\n");
  EXPECT_EQ(evaluatePasswordQuality(withArg, conf("minlen = 8\n"), 12).status, CheckStatus::Pass);
  EXPECT_EQ(evaluatePasswordQuality(stack, conf("minlen = long\n"), 12).status, CheckStatus::Error);
}

TEST(AuthPasswordQuality, CreditsShortenTheMinimum) {
  EXPECT_EQ(evaluatePasswordQuality(passwordStack(kDebianPassword), conf("minlen = 12\ndcredit = 2\n"), 12).status,
            CheckStatus::Fail);
  EXPECT_EQ(evaluatePasswordQuality(passwordStack(kDebianPassword), conf("minlen = 12\ndcredit = -1\n"), 12).status,
            CheckStatus::Pass);
  // pam_cracklib grants one credit per character class by default: minlen=12 accepts 8 characters.
  const auto outcome =
      evaluatePasswordQuality(passwordStack("password requisite pam_cracklib.so minlen=12\n"), conf(""), 12);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("less 4 credits accepts 8"), std::string::npos) << outcome.message;
}

TEST(AuthPasswordQuality, ModuleMustBeEnforced) {
  auto outcome = evaluatePasswordQuality(passwordStack(kDebianPassword), conf("minlen = 14\nenforcing = 0\n"), 12);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("only warns"), std::string::npos);
  outcome = evaluatePasswordQuality(passwordStack("password optional pam_pwquality.so minlen=20\n"
                                                  "password required pam_unix.so\n"),
                                    conf(""), 12);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("not required"), std::string::npos);
  outcome = evaluatePasswordQuality(passwordStack("password required pam_unix.so obscure\n"), conf(""), 12);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidence(outcome.evidence, "no pam_pwquality or pam_cracklib"));
  EXPECT_EQ(evaluatePasswordQuality(absent("passwd"), conf(""), 12).status, CheckStatus::NotApplicable);
}

TEST(AuthPasswordQuality, FixtureTrees) {
  FixtureRoot hardened("auth/hardened");  // pwquality.conf (14) is read after pwquality.conf.d (8) and wins
  auto result = runCheckOn(hardened, "auth.password_quality");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.message, "New passwords need at least 14 characters (pam_pwquality minlen 14 accepts 14 "
                            "characters)");
  FixtureRoot rhel("auth/rhel");  // passwd → substack system-auth
  EXPECT_EQ(runCheckOn(rhel, "auth.password_quality").status, CheckStatus::Pass);
  FixtureRoot debian("auth/debian-default");
  EXPECT_EQ(runCheckOn(debian, "auth.password_quality").status, CheckStatus::Fail);
}

// ---- auth.empty_passwords ----------------------------------------------------------------------------------------

TEST(AuthEmptyPasswords, EmptyFieldsInShadowOrPasswdFail) {
  const Result<std::string> passwd = std::string("root:x:0:0::/root:/bin/bash\n+::::::\n");
  auto outcome = evaluateEmptyPasswords(std::string("root:$y$abc:1::::::\nguest::1::::::\nlocked:!:1::::::\n"), passwd);
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "1 account(s) can log in without a password: guest");
  EXPECT_EQ(outcome.evidence.at(0).observed, "empty password field: guest");
  outcome = evaluateEmptyPasswords(std::string("root:!:1::::::\n"), std::string("legacy::1000:1000::/:/bin/sh\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.evidence.at(1).source, "/etc/passwd");
  EXPECT_EQ(evaluateEmptyPasswords(std::string("root:*:1::::::\n"), passwd).status, CheckStatus::Pass);
}

TEST(AuthEmptyPasswords, UnreadableShadowIsAnError) {
  const auto outcome = evaluateEmptyPasswords(Error{"/etc/shadow: Permission denied"}, std::string("root:x:0:0\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_NE(outcome.message.find("Permission denied"), std::string::npos);
}

TEST(AuthEmptyPasswords, FixtureTrees) {
  FixtureRoot debian("auth/debian-default");
  auto result = runCheckOn(debian, "auth.empty_passwords");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_NE(result.message.find("guest"), std::string::npos);
  FixtureRoot hardened("auth/hardened");
  EXPECT_EQ(runCheckOn(hardened, "auth.empty_passwords").status, CheckStatus::Pass);
  hardened.remove("/etc/shadow");
  hardened.makeDirectory("/etc/shadow");  // cannot be read as a file, even by root
  result = runCheckOn(hardened, "auth.empty_passwords");
  EXPECT_EQ(result.status, CheckStatus::Error);
  EXPECT_EQ(result.evidence.at(0).source, "/etc/shadow");
}

}  // namespace
}  // namespace annexa::agent::checks
