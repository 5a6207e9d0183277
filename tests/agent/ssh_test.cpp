#include <gtest/gtest.h>

#include <algorithm>

#include "agent/checks/ssh.hpp"
#include "agent/facts/sshd_config.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

SshdFacts facts(std::string_view config, std::string version = "") {
  SshdFacts out;
  out.config = parseSshdConfig(config);
  out.packageVersion = std::move(version);
  return out;
}

// The sshd PAM auth stack from text, as /etc/pam.d/sshd with common-auth's lines inlined.
PamServiceStack sshdPam(std::string_view content) { return pamServiceStackFromText("sshd", content, PamType::Auth); }

constexpr std::string_view kDebianCommonAuth =
    "auth [success=1 default=ignore] pam_unix.so nullok\n"
    "auth requisite pam_deny.so\n"
    "auth required pam_permit.so\n";

bool anyEvidence(const std::vector<Evidence>& evidence, std::string_view observedPart) {
  return std::any_of(evidence.begin(), evidence.end(),
                     [&](const Evidence& e) { return e.observed.find(observedPart) != std::string::npos; });
}

// ---- the sshd_config parser --------------------------------------------------------------------------------------

TEST(SshdConfigParser, KeywordsAreCaseInsensitiveAndTheFirstValueWins) {
  const auto config = parseSshdConfig("# comment\npermitrootlogin no\nPermitRootLogin yes\n");
  const auto* setting = SshdSettings(config).find({"PermitRootLogin"});
  ASSERT_NE(setting, nullptr);
  EXPECT_EQ(setting->value, "no");
  EXPECT_EQ(setting->line, 2);
  EXPECT_EQ(setting->location(), "/etc/ssh/sshd_config:2");
  EXPECT_EQ(SshdSettings(config).find({"MaxAuthTries"}), nullptr);
}

TEST(SshdConfigParser, AcceptsEqualsQuotesAndTrailingComments) {
  const auto config = parseSshdConfig("MaxAuthTries=3 # three\nBanner \"/etc/issue net\"\nCiphers = aes256-ctr\n");
  const SshdSettings settings(config);
  EXPECT_EQ(settings.find({"MaxAuthTries"})->value, "3");
  EXPECT_EQ(settings.find({"Banner"})->value, "/etc/issue net");
  EXPECT_EQ(settings.find({"Ciphers"})->value, "aes256-ctr");
}

TEST(SshdConfigParser, MatchEndsTheGlobalSection) {
  const auto config = parseSshdConfig(
      "PasswordAuthentication no\nMatch User bob\n  PasswordAuthentication yes\n  PermitRootLogin yes\n");
  ASSERT_EQ(config.matchBlocks.size(), 1u);
  EXPECT_EQ(config.matchBlocks[0].criteria, "User bob");
  const SshdSettings global(config);
  EXPECT_EQ(global.find({"PermitRootLogin"}), nullptr);
  const SshdSettings bob(config, &config.matchBlocks[0]);
  EXPECT_EQ(bob.find({"PasswordAuthentication"})->value, "yes");
  EXPECT_TRUE(bob.blockSets({"PermitRootLogin"}));
}

TEST(SshdConfigParser, IncludeExpandsGlobsRelativeToEtcSshInPlace) {
  FixtureRoot root;
  root.write("/etc/ssh/sshd_config", "Include sshd_config.d/*.conf\nPermitRootLogin yes\nMaxAuthTries 2\n");
  root.write("/etc/ssh/sshd_config.d/b.conf", "PermitRootLogin no\n");
  root.write("/etc/ssh/sshd_config.d/a.conf", "Match User x\nMaxAuthTries 9\n");
  root.write("/etc/ssh/sshd_config.d/ignored.txt", "PermitRootLogin without-password\n");
  auto config = loadSshdConfig(root.view());
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->files, (std::vector<std::string>{"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/a.conf",
                                                     "/etc/ssh/sshd_config.d/b.conf"}));
  const SshdSettings global(*config);
  EXPECT_EQ(global.find({"PermitRootLogin"})->value, "no");
  EXPECT_EQ(global.find({"PermitRootLogin"})->file, "/etc/ssh/sshd_config.d/b.conf");
  // The Match block in a.conf ended with a.conf: the main file's MaxAuthTries is global again.
  EXPECT_EQ(global.find({"MaxAuthTries"})->value, "2");
  ASSERT_EQ(config->matchBlocks.size(), 1u);
  EXPECT_EQ(config->matchBlocks[0].settings.at(0).value, "9");
}

TEST(SshdConfigParser, IncludeInsideMatchBelongsToTheBlock) {
  FixtureRoot root;
  root.write("/etc/ssh/sshd_config", "Match Group admins\nInclude /etc/ssh/admins.conf\n");
  root.write("/etc/ssh/admins.conf", "PasswordAuthentication yes\n");
  auto config = loadSshdConfig(root.view());
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_TRUE(config->global.empty());
  ASSERT_EQ(config->matchBlocks.size(), 1u);
  EXPECT_EQ(config->matchBlocks[0].settings.at(0).keyword, "PasswordAuthentication");
}

TEST(SshdConfigParser, MissingIncludesAreSkippedUnreadableOnesAreErrors) {
  FixtureRoot root;
  root.write("/etc/ssh/sshd_config", "Include /etc/ssh/none.d/*.conf missing.conf\nPermitRootLogin no\n");
  auto config = loadSshdConfig(root.view());
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->global.size(), 1u);

  root.makeDirectory("/etc/ssh/missing.conf");  // exists, cannot be read as a file
  config = loadSshdConfig(root.view());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("missing.conf"), std::string::npos);

  FixtureRoot empty;
  EXPECT_FALSE(loadSshdConfig(empty.view()).ok());
}

TEST(SshdConfigParser, OpenSshVersionFromPackageVersion) {
  EXPECT_EQ(parseOpenSshVersion("1:9.2p1-2+deb12u6"), (std::pair<int, int>{9, 2}));
  EXPECT_EQ(parseOpenSshVersion("8.7p1-38.el9"), (std::pair<int, int>{8, 7}));
  EXPECT_EQ(parseOpenSshVersion(""), std::nullopt);
  EXPECT_EQ(parseOpenSshVersion("garbage"), std::nullopt);
}

// ---- availability ------------------------------------------------------------------------------------------------

TEST(SshAvailability, NotInstalledIsNotApplicableUnreadableIsError) {
  SshdFacts missing;
  missing.installed = false;
  EXPECT_EQ(evaluatePermitRootLogin(missing).status, CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateSshMfa(missing, {}).status, CheckStatus::NotApplicable);

  SshdFacts unreadable;
  unreadable.readError = "/etc/ssh/sshd_config: Permission denied";
  const auto outcome = evaluateStrongCrypto(unreadable);
  EXPECT_EQ(outcome.status, CheckStatus::Error);
  EXPECT_NE(outcome.message.find("Permission denied"), std::string::npos);
}

TEST(SshAvailability, FixtureWithoutSshdIsNotApplicableForEveryCheck) {
  FixtureRoot root;
  root.write("/var/lib/dpkg/status", "Package: openssh-client\nStatus: install ok installed\nVersion: 1:9.2p1\n\n");
  for (const char* id : {"ssh.strong_crypto", "ssh.mfa_required", "ssh.password_authentication",
                         "ssh.permit_root_login", "ssh.permit_empty_passwords", "ssh.max_auth_tries"}) {
    const auto result = runCheckOn(root, id);
    EXPECT_EQ(result.status, CheckStatus::NotApplicable) << id << ": " << result.message;
  }
  // Installed (package present) but no configuration: sshd cannot start; say so rather than guess.
  root.write("/var/lib/dpkg/status", "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1\n\n");
  const auto result = runCheckOn(root, "ssh.permit_root_login");
  EXPECT_EQ(result.status, CheckStatus::Error);
  EXPECT_NE(result.message.find("missing"), std::string::npos);
}

// ---- ssh.permit_root_login ---------------------------------------------------------------------------------------

TEST(SshPermitRootLogin, DefaultIsProhibitPassword) {
  const auto outcome = evaluatePermitRootLogin(facts("Port 22\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  ASSERT_EQ(outcome.evidence.size(), 1u);
  EXPECT_EQ(outcome.evidence[0].observed, "PermitRootLogin not set (default prohibit-password)");
  EXPECT_EQ(outcome.evidence[0].source, "/etc/ssh/sshd_config");
}

TEST(SshPermitRootLogin, OldOpenSshDefaultsToYes) {
  EXPECT_EQ(evaluatePermitRootLogin(facts("", "1:6.6p1-2ubuntu2")).status, CheckStatus::Fail);
}

TEST(SshPermitRootLogin, YesFailsAliasesPass) {
  const auto yes = evaluatePermitRootLogin(facts("PermitRootLogin yes\n"));
  EXPECT_EQ(yes.status, CheckStatus::Fail);
  EXPECT_EQ(yes.evidence.at(0).observed, "PermitRootLogin yes");
  EXPECT_EQ(yes.evidence.at(0).source, "/etc/ssh/sshd_config:1");
  EXPECT_EQ(evaluatePermitRootLogin(facts("PermitRootLogin without-password\n")).status, CheckStatus::Pass);
  EXPECT_EQ(evaluatePermitRootLogin(facts("PermitRootLogin forced-commands-only\n")).status, CheckStatus::Pass);
  const auto no = evaluatePermitRootLogin(facts("PermitRootLogin no\n"));
  EXPECT_EQ(no.status, CheckStatus::Pass);
  EXPECT_EQ(no.message, "Root cannot log in over SSH (PermitRootLogin no)");
  EXPECT_EQ(evaluatePermitRootLogin(facts("PermitRootLogin maybe\n")).status, CheckStatus::Error);
}

TEST(SshPermitRootLogin, MatchBlockOverrideFails) {
  const auto outcome =
      evaluatePermitRootLogin(facts("PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("Match Address 10.0.0.0/8"), std::string::npos) << outcome.message;
  EXPECT_TRUE(anyEvidence(outcome.evidence, "Match Address 10.0.0.0/8: PermitRootLogin yes"));
}

// ---- ssh.permit_empty_passwords / ssh.max_auth_tries -------------------------------------------------------------

TEST(SshPermitEmptyPasswords, DefaultNoPassesYesFails) {
  EXPECT_EQ(evaluatePermitEmptyPasswords(facts("")).status, CheckStatus::Pass);
  const auto yes = evaluatePermitEmptyPasswords(facts("PermitEmptyPasswords yes\n"));
  EXPECT_EQ(yes.status, CheckStatus::Fail);
  EXPECT_EQ(yes.evidence.at(0).observed, "PermitEmptyPasswords yes");
  EXPECT_EQ(evaluatePermitEmptyPasswords(facts("PermitEmptyPasswords sometimes\n")).status, CheckStatus::Error);
}

TEST(SshMaxAuthTries, ComparesWithTheThresholdAndSshdDefault) {
  const auto byDefault = evaluateMaxAuthTries(facts(""), 4);
  EXPECT_EQ(byDefault.status, CheckStatus::Fail);
  EXPECT_EQ(byDefault.evidence.at(0).observed, "MaxAuthTries not set (default 6)");
  EXPECT_EQ(evaluateMaxAuthTries(facts(""), 6).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateMaxAuthTries(facts("MaxAuthTries 3\n"), 4).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateMaxAuthTries(facts("MaxAuthTries 3\nMatch User ci\nMaxAuthTries 20\n"), 4).status,
            CheckStatus::Fail);
  EXPECT_EQ(evaluateMaxAuthTries(facts("MaxAuthTries lots\n"), 4).status, CheckStatus::Error);
}

// ---- ssh.strong_crypto -------------------------------------------------------------------------------------------

TEST(SshStrongCrypto, WeakAlgorithmsNamedByTheConfiguration) {
  using Kind = SshAlgorithmKind;
  EXPECT_EQ(weakSshAlgorithms(Kind::Cipher, "+aes128-cbc"), (std::vector<std::string>{"aes128-cbc"}));
  EXPECT_EQ(weakSshAlgorithms(Kind::Cipher, "chacha20-poly1305@openssh.com,aes256-ctr"), std::vector<std::string>{});
  EXPECT_EQ(weakSshAlgorithms(Kind::Cipher, "arcfour256,3des-cbc"),
            (std::vector<std::string>{"arcfour256", "3des-cbc"}));
  EXPECT_EQ(weakSshAlgorithms(Kind::Cipher, "aes256-*"), (std::vector<std::string>{"aes256-cbc"}));
  EXPECT_EQ(weakSshAlgorithms(Kind::Mac, "-hmac-sha1*"), std::vector<std::string>{});
  EXPECT_EQ(weakSshAlgorithms(Kind::Mac, "^hmac-sha1-etm@openssh.com"),
            (std::vector<std::string>{"hmac-sha1-etm@openssh.com"}));
  EXPECT_EQ(weakSshAlgorithms(Kind::Mac, "hmac-md5-96,hmac-sha2-256"), (std::vector<std::string>{"hmac-md5-96"}));
  EXPECT_EQ(weakSshAlgorithms(Kind::Kex, "diffie-hellman-group14-sha256,curve25519-sha256"),
            std::vector<std::string>{});
  EXPECT_EQ(weakSshAlgorithms(Kind::Kex, "+diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1"),
            (std::vector<std::string>{"diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1"}));
}

TEST(SshStrongCrypto, DefaultsPassAndSayDefault) {
  const auto outcome = evaluateStrongCrypto(facts("Port 22\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Pass);
  ASSERT_EQ(outcome.evidence.size(), 3u);
  EXPECT_EQ(outcome.evidence[0].observed, "Ciphers not set (default OpenSSH default list)");
  EXPECT_NE(outcome.message.find("default"), std::string::npos);
}

TEST(SshStrongCrypto, AnyWeakAlgorithmFails) {
  const auto outcome = evaluateStrongCrypto(facts("MACs umac-128-etm@openssh.com,hmac-sha1\n"));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "sshd enables weak algorithms: hmac-sha1");
  EXPECT_EQ(outcome.evidence[1].observed, "MACs umac-128-etm@openssh.com,hmac-sha1");
  EXPECT_EQ(evaluateStrongCrypto(facts("KexAlgorithms -diffie-hellman-group14-sha256\n")).status, CheckStatus::Pass);
}

// ---- ssh.mfa_required / ssh.password_authentication --------------------------------------------------------------

TEST(SshMfa, TwoMethodsInEveryListPass) {
  const auto f = facts("AuthenticationMethods publickey,password publickey,keyboard-interactive\nUsePAM yes\n");
  const auto pam = sshdPam(kDebianCommonAuth);
  const auto outcome = evaluateSshMfa(f, pam);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_NE(outcome.message.find("AuthenticationMethods publickey,password"), std::string::npos);
  EXPECT_EQ(evaluateSshPasswordAuthentication(f, pam).status, CheckStatus::Pass);
}

TEST(SshMfa, OpenSshDefaultsAllowSingleFactors) {
  const auto f = facts("");  // no AuthenticationMethods, UsePAM no
  const auto mfa = evaluateSshMfa(f, {});
  EXPECT_EQ(mfa.status, CheckStatus::Fail);
  EXPECT_NE(mfa.message.find("a key alone (publickey)"), std::string::npos) << mfa.message;
  EXPECT_TRUE(anyEvidence(mfa.evidence, "AuthenticationMethods not set (default any)"));
  const auto password = evaluateSshPasswordAuthentication(f, {});
  EXPECT_EQ(password.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidence(password.evidence, "PasswordAuthentication not set (default yes)"));
}

TEST(SshMfa, AListWithOneMethodFails) {
  const auto outcome = evaluateSshMfa(facts("AuthenticationMethods publickey,password publickey\n"), {});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("a key alone"), std::string::npos);
}

TEST(SshMfa, ListsWithADisabledMethodCannotBeUsed) {
  // publickey,password can never complete with passwords off: only the publickey list is a way in.
  const auto outcome =
      evaluateSshMfa(facts("PasswordAuthentication no\nAuthenticationMethods publickey,password publickey\n"), {});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "SSH lets users in with a single factor: a key alone (publickey)");
}

TEST(SshMfa, KeyboardInteractiveThroughPamWithPasswordAndOtpPasses) {
  const auto f = facts(
      "PubkeyAuthentication no\nPasswordAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n");
  const auto pam = sshdPam(std::string(kDebianCommonAuth) + "auth required pam_google_authenticator.so\n");
  const auto outcome = evaluateSshMfa(f, pam);
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_NE(outcome.message.find("asks for a password and pam_google_authenticator"), std::string::npos);
  EXPECT_TRUE(anyEvidence(outcome.evidence, "auth required pam_google_authenticator.so"));
  EXPECT_EQ(evaluateSshPasswordAuthentication(f, pam).status, CheckStatus::Pass);
}

TEST(SshMfa, PasswordsThroughPamThatAlsoRequiresOtpAreNotSingleFactor) {
  // The classic tutorial set-up: PasswordAuthentication and PAM's OTP module, no AuthenticationMethods; public keys
  // stay a single factor.
  const auto f = facts("PubkeyAuthentication no\nUsePAM yes\n");
  const auto pam = sshdPam(std::string(kDebianCommonAuth) + "auth required pam_google_authenticator.so\n");
  EXPECT_EQ(evaluateSshMfa(f, pam).status, CheckStatus::Pass);
  EXPECT_EQ(evaluateSshMfa(facts("UsePAM yes\n"), pam).status, CheckStatus::Fail);
}

TEST(SshMfa, NullokOrOptionalOtpIsNotASecondFactor) {
  const auto f = facts("AuthenticationMethods keyboard-interactive\nUsePAM yes\n");
  for (const char* line : {"auth required pam_google_authenticator.so nullok\n",
                           "auth optional pam_google_authenticator.so\n"}) {
    const auto pam = sshdPam(std::string(kDebianCommonAuth) + line);
    const auto mfa = evaluateSshMfa(f, pam);
    EXPECT_EQ(mfa.status, CheckStatus::Fail) << line;
    const auto password = evaluateSshPasswordAuthentication(f, pam);
    EXPECT_EQ(password.status, CheckStatus::Fail) << line;
    EXPECT_NE(password.message.find("keyboard-interactive through PAM"), std::string::npos) << password.message;
  }
}

TEST(SshMfa, MatchBlockWithASingleMethodFails) {
  const auto outcome = evaluateSshMfa(
      facts("AuthenticationMethods publickey,password\nMatch Address 10.0.0.0/8\n  AuthenticationMethods publickey\n"),
      {});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("for connections matching `Match Address 10.0.0.0/8`"), std::string::npos)
      << outcome.message;
}

TEST(SshMfa, MatchBlockInheritingAGlobalFailureIsNotRepeated) {
  const auto outcome =
      evaluateSshMfa(facts("PasswordAuthentication no\nMatch Group sftp\n  ForceCommand internal-sftp\n"), {});
  EXPECT_EQ(outcome.message, "SSH lets users in with a single factor: a key alone (publickey)");
}

TEST(SshMfa, LoginDuoForceCommandAddsTheSecondFactor) {
  const auto outcome = evaluateSshMfa(facts("PasswordAuthentication no\nForceCommand /usr/sbin/login_duo\n"), {});
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_NE(outcome.message.find("login_duo"), std::string::npos);
}

TEST(SshMfa, UnreadablePamStackIsAnErrorWhenUsed) {
  PamServiceStack broken;
  broken.service = "sshd";
  broken.present = true;
  broken.readError = "cannot read /etc/pam.d/common-auth: Permission denied";
  EXPECT_EQ(evaluateSshMfa(facts("UsePAM yes\n"), broken).status, CheckStatus::Error);
  EXPECT_EQ(evaluateSshPasswordAuthentication(facts("UsePAM yes\n"), broken).status, CheckStatus::Error);
  EXPECT_EQ(evaluateSshMfa(facts("UsePAM no\nAuthenticationMethods publickey,password\n"), broken).status,
            CheckStatus::Pass);
}

TEST(SshPasswordAuthentication, NoPasswordsAtAll) {
  const auto outcome = evaluateSshPasswordAuthentication(
      facts("PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n"), sshdPam(kDebianCommonAuth));
  EXPECT_EQ(outcome.status, CheckStatus::Pass) << outcome.message;
  EXPECT_EQ(outcome.evidence.at(0).observed, "PasswordAuthentication no");
}

TEST(SshPasswordAuthentication, KeyboardInteractiveStillTakesPasswords) {
  // PasswordAuthentication no is not enough when PAM keyboard-interactive asks for the same password.
  const auto outcome =
      evaluateSshPasswordAuthentication(facts("PasswordAuthentication no\nUsePAM yes\n"), sshdPam(kDebianCommonAuth));
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_EQ(outcome.message, "SSH accepts a password alone: a password alone (keyboard-interactive through PAM)");
  EXPECT_TRUE(anyEvidence(outcome.evidence, "KbdInteractiveAuthentication not set (default yes)"));
}

TEST(SshPasswordAuthentication, MatchBlockReenablingPasswordsFails) {
  const auto outcome = evaluateSshPasswordAuthentication(
      facts("PasswordAuthentication no\nKbdInteractiveAuthentication no\nMatch User legacy\n"
            "  PasswordAuthentication yes\n"),
      {});
  EXPECT_EQ(outcome.status, CheckStatus::Fail);
  EXPECT_NE(outcome.message.find("Match User legacy"), std::string::npos);
}

// ---- fixture trees -----------------------------------------------------------------------------------------------

TEST(SshFixtures, HardenedPassesEveryCheck) {
  FixtureRoot root("ssh/hardened");
  for (const char* id : {"ssh.strong_crypto", "ssh.mfa_required", "ssh.password_authentication",
                         "ssh.permit_root_login", "ssh.permit_empty_passwords", "ssh.max_auth_tries"}) {
    const auto result = runCheckOn(root, id);
    EXPECT_EQ(result.status, CheckStatus::Pass) << id << ": " << result.message;
    EXPECT_FALSE(result.evidence.empty()) << id;
  }
  EXPECT_EQ(runCheckOn(root, "ssh.password_authentication").message,
            "SSH accepts passwords only with a second factor: AuthenticationMethods "
            "publickey,keyboard-interactive:pam");
  const auto rootLogin = runCheckOn(root, "ssh.permit_root_login");
  EXPECT_EQ(rootLogin.controls, (std::vector<std::string>{"A.8.2", "A.8.5"}));
  EXPECT_EQ(rootLogin.evidence.at(0).source, "/etc/ssh/sshd_config.d/10-hardening.conf:2");
  // The drop-in's Match block (MaxAuthTries 2) is judged too, and passes.
  const auto tries = runCheckOn(root, "ssh.max_auth_tries");
  EXPECT_TRUE(anyEvidence(tries.evidence, "Match Group sftponly: MaxAuthTries 2"));
}

TEST(SshFixtures, WeakFailsWithTheLinesAsEvidence) {
  FixtureRoot root("ssh/weak");
  agent::AgentConfig config;
  auto result = runCheckOn(root, "ssh.permit_root_login", config);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.evidence.at(0).source, "/etc/ssh/sshd_config:2");  // the first value wins, not line 12
  result = runCheckOn(root, "ssh.permit_empty_passwords", config);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  result = runCheckOn(root, "ssh.max_auth_tries", config);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.evidence.at(0).observed, "MaxAuthTries 10");
  config.thresholds.sshMaxAuthTries = 10;
  EXPECT_EQ(runCheckOn(root, "ssh.max_auth_tries", config).status, CheckStatus::Pass);
  result = runCheckOn(root, "ssh.strong_crypto");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_EQ(result.message, "sshd enables weak algorithms: aes128-cbc, hmac-sha1, diffie-hellman-group1-sha1");
  result = runCheckOn(root, "ssh.password_authentication");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidence(result.evidence, "PasswordAuthentication yes"));
  result = runCheckOn(root, "ssh.mfa_required");
  EXPECT_EQ(result.status, CheckStatus::Fail);
  EXPECT_TRUE(anyEvidence(result.evidence, "no MFA module in the auth stack"));
}

TEST(SshFixtures, DebianDefaultConfiguration) {
  FixtureRoot root("ssh/debian-default");
  EXPECT_EQ(runCheckOn(root, "ssh.strong_crypto").status, CheckStatus::Pass);
  EXPECT_EQ(runCheckOn(root, "ssh.permit_root_login").status, CheckStatus::Pass);
  EXPECT_EQ(runCheckOn(root, "ssh.permit_empty_passwords").status, CheckStatus::Pass);
  EXPECT_EQ(runCheckOn(root, "ssh.max_auth_tries").status, CheckStatus::Fail);
  const auto password = runCheckOn(root, "ssh.password_authentication");
  EXPECT_EQ(password.status, CheckStatus::Fail);
  EXPECT_EQ(password.message, "SSH accepts a password alone: a password alone (password authentication)");
  EXPECT_EQ(runCheckOn(root, "ssh.mfa_required").status, CheckStatus::Fail);
}

TEST(SshFixtures, OtpModuleNotInstalledIsNotASecondFactor) {
  FixtureRoot root("ssh/hardened");
  root.remove("/usr/lib/x86_64-linux-gnu/security/pam_google_authenticator.so");
  root.write("/etc/ssh/sshd_config.d/05-otp-only.conf", "AuthenticationMethods keyboard-interactive\n");
  const auto result = runCheckOn(root, "ssh.mfa_required");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_NE(result.message.find("pam_google_authenticator.so is not installed"), std::string::npos);
  EXPECT_TRUE(anyEvidence(result.evidence, "auth required pam_google_authenticator.so"));
}

}  // namespace
}  // namespace annexa::agent::checks
