#include <gtest/gtest.h>
#include <unistd.h>

#include "agent/checks/files.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent::checks {
namespace {

using test::FixtureRoot;
using test::runCheckOn;

// Git keeps no modes: give the base tree a hardened Debian layout.
void harden(FixtureRoot& root) {
  root.chmod("/etc/shadow", 0640);
  root.chmod("/etc/gshadow", 0640);
  root.chmod("/etc/passwd", 0644);
  root.chmod("/etc/group", 0644);
  root.chmod("/etc/ssh/sshd_config", 0600);
  root.chmod("/etc/ssh/sshd_config.d/50-hardening.conf", 0600);
  root.chmod("/root", 0700);
  root.chmod("/home/alice", 0750);
  root.chmod("/home/shared", 0750);
}

// Copied fixture files belong to whoever runs the tests; "owner root" can only pass as root.
#define SKIP_UNLESS_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: fixture files must be owned by uid 0"

FileState fileState(std::string path, mode_t mode, uid_t uid = 0) {
  FileState state;
  state.path = std::move(path);
  FileInfo info;
  info.type = FileType::Regular;
  info.mode = mode;
  info.uid = uid;
  state.info = info;
  return state;
}

FileState missingFile(std::string path) {
  FileState state;
  state.path = std::move(path);
  state.missing = true;
  return state;
}

TEST(FilesPermissions, Evaluation) {
  EXPECT_EQ(evaluateFilePermissions({{fileState("/etc/shadow", 0640), true}, {fileState("/etc/gshadow", 0), true}},
                                    0640)
                .status,
            CheckStatus::Pass);
  // Any bit outside the allowed mask fails, including setuid/sticky bits and group write.
  for (const mode_t mode : {0644, 0660, 04640, 0641}) {
    const auto result = evaluateFilePermissions({{fileState("/etc/shadow", mode), true}}, 0640);
    EXPECT_EQ(result.status, CheckStatus::Fail) << formatMode(mode);
  }
  const auto owner = evaluateFilePermissions({{fileState("/etc/passwd", 0644, 1000), true}}, 0644);
  EXPECT_EQ(owner.status, CheckStatus::Fail);
  EXPECT_EQ(owner.evidence[0].observed, "mode 0644, owner uid 1000, group gid 0");
  EXPECT_EQ(owner.evidence[0].expected, "mode 0644 or stricter, owner root");

  // Missing: an error for a required file, only reported for an optional one.
  EXPECT_EQ(evaluateFilePermissions({{missingFile("/etc/passwd"), true}}, 0644).status, CheckStatus::Error);
  EXPECT_EQ(evaluateFilePermissions({{fileState("/etc/shadow", 0640), true}, {missingFile("/etc/gshadow"), false}},
                                    0640)
                .status,
            CheckStatus::Pass);
  FileState denied;
  denied.path = "/etc/shadow";
  denied.error = "/etc/shadow: Permission denied";
  EXPECT_EQ(evaluateFilePermissions({{denied, true}}, 0640).status, CheckStatus::Error);

  EXPECT_EQ(evaluateSshdConfigPermissions({{missingFile("/etc/ssh/sshd_config"), true}}).status,
            CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateSshdConfigPermissions({{fileState("/etc/ssh/sshd_config", 0600), true}}).status,
            CheckStatus::Pass);
  EXPECT_EQ(evaluateSshdConfigPermissions({{fileState("/etc/ssh/sshd_config", 0644), true}}).status,
            CheckStatus::Fail);
}

TEST(FilesPermissions, StatDistinguishesMissingFromUnreadable) {
  FixtureRoot root("files/base");
  const auto system = root.view();
  EXPECT_TRUE(statFile(system, "/etc/nothing").missing);
  const auto present = statFile(system, "/etc/passwd");
  EXPECT_FALSE(present.missing);
  ASSERT_TRUE(present.info.has_value());
  // A path through a regular file: ENOTDIR, which is not "missing".
  const auto broken = statFile(system, "/etc/passwd/x");
  EXPECT_FALSE(broken.missing);
  EXPECT_FALSE(broken.error.empty());
}

TEST(FilesShadowPermissions, FixtureTrees) {
  SKIP_UNLESS_ROOT();
  FixtureRoot root("files/base");
  harden(root);
  auto result = runCheckOn(root, "files.shadow_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.controls, (std::vector<std::string>{"A.8.3"}));

  root.chmod("/etc/shadow", 0644);
  result = runCheckOn(root, "files.shadow_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "/etc/shadow");
  EXPECT_NE(result.evidence[0].observed.find("mode 0644"), std::string::npos);

  root.remove("/etc/shadow");
  EXPECT_EQ(runCheckOn(root, "files.shadow_permissions").status, CheckStatus::Error);
}

TEST(FilesPasswdPermissions, FixtureTrees) {
  SKIP_UNLESS_ROOT();
  FixtureRoot root("files/base");
  harden(root);
  auto result = runCheckOn(root, "files.passwd_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;

  root.chmod("/etc/group", 0664);
  result = runCheckOn(root, "files.passwd_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/group");

  root.chmod("/etc/group", 0644);
  ASSERT_EQ(::chown(root.hostPath("/etc/passwd").c_str(), 1000, 0), 0);
  result = runCheckOn(root, "files.passwd_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_NE(result.evidence[0].observed.find("owner uid 1000"), std::string::npos);
}

TEST(FilesSshdConfigPermissions, FixtureTrees) {
  SKIP_UNLESS_ROOT();
  FixtureRoot root("files/base");
  harden(root);
  auto result = runCheckOn(root, "files.sshd_config_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  EXPECT_EQ(result.evidence.size(), 2u);  // the main file and its drop-in

  // Debian's package default (0644) fails; so does a world-readable drop-in.
  root.chmod("/etc/ssh/sshd_config.d/50-hardening.conf", 0644);
  result = runCheckOn(root, "files.sshd_config_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  EXPECT_EQ(result.evidence[0].source, "/etc/ssh/sshd_config.d/50-hardening.conf");

  root.remove("/etc/ssh");
  result = runCheckOn(root, "files.sshd_config_permissions");
  EXPECT_EQ(result.status, CheckStatus::NotApplicable) << result.message;
}

TEST(FilesHomePermissions, Evaluation) {
  HomeFacts facts;
  auto home = [](std::string account, mode_t mode) {
    auto state = fileState("/home/" + account, mode, 1000);
    state.info->type = FileType::Directory;
    return HomeDirectory{account, 1000, state};
  };
  facts.homes = {home("a", 0700), home("b", 0755), {"c", 1001, missingFile("/home/c")}};
  auto result = evaluateHomePermissions(facts);
  EXPECT_EQ(result.status, CheckStatus::Pass);
  EXPECT_EQ(result.evidence[0].observed, "/home/a 0700, /home/b 0755");

  facts.homes.push_back(home("d", 0775));
  facts.homes.push_back(home("e", 01777));
  result = evaluateHomePermissions(facts);
  EXPECT_EQ(result.status, CheckStatus::Fail);
  ASSERT_EQ(result.evidence.size(), 2u);
  EXPECT_EQ(result.evidence[0].observed, "/home/d (d): mode 0775, owner uid 1000, group gid 0");

  HomeFacts none;
  none.homes = {{"c", 1001, missingFile("/home/c")}};
  EXPECT_EQ(evaluateHomePermissions(none).status, CheckStatus::NotApplicable);
  EXPECT_EQ(evaluateHomePermissions(Result<HomeFacts>(makeError("cannot read /etc/passwd"))).status,
            CheckStatus::Error);
}

TEST(FilesHomePermissions, FixtureTrees) {
  FixtureRoot root("files/base");
  harden(root);
  auto result = runCheckOn(root, "files.home_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
  // bob's home does not exist and nobody's is /nonexistent: skipped, not failed.
  EXPECT_EQ(result.evidence[0].observed, "/root 0700, /home/alice 0750, /home/shared 0750");

  root.chmod("/home/shared", 0770);
  result = runCheckOn(root, "files.home_permissions");
  EXPECT_EQ(result.status, CheckStatus::Fail) << result.message;
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0].source, "/home/shared");

  // Accounts below UID_MIN are not checked (daemon's home is /usr/sbin).
  root.write("/etc/login.defs", "UID_MIN 1002\n");
  root.chmod("/home/shared", 0750);
  root.chmod("/home/alice", 0777);
  result = runCheckOn(root, "files.home_permissions");
  EXPECT_EQ(result.status, CheckStatus::Pass) << result.message;
}

}  // namespace
}  // namespace annexa::agent::checks
