// Every check over hostile roots (issue 17): the real binary must not crash or hang, must print a valid report,
// and must not pass a check whose facts it could not read.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include "agent/check.hpp"
#include "common/model.hpp"
#include "common/text.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {

namespace fs = std::filesystem;
using test::FixtureRoot;

fs::path agentBinary() {
  if (const char* env = std::getenv("ANNEXA_AGENT_BINARY")) return env;
  return fs::path(ANNEXA_SOURCE_DIR) / "build/agent/annexa-agent";
}

// A tree on which many checks pass: several fixtures laid over one another.
void layBase(FixtureRoot& root) {
  for (const char* fixture : {"files/base", "auth/hardened", "ssh/hardened", "kernel/hardened", "network/hardened",
                              "network/offline-hardened", "packages/debian-current", "logging/hardened"}) {
    std::error_code ec;
    fs::copy(test::fixturesDirectory() / fixture, root.path(),
             fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing, ec);
  }
  root.write("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
}

std::vector<fs::path> regularFiles(const fs::path& root) {
  std::vector<fs::path> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file() && !it->is_symlink()) out.push_back(it->path());
  return out;
}

struct Run {
  int exitCode = -1;
  std::string out, err;
};

Run runAgent(const fs::path& root, bool asNobody) {
  const fs::path outFile = fs::temp_directory_path() / ("annexa-robust-" + std::to_string(::getpid()) + ".out");
  const fs::path errFile = fs::path(outFile).replace_extension(".err");
  std::string command = "timeout 60 " + agentBinary().string() + " check --root '" + root.string() + "' --format json";
  if (asNobody) command = "setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
  command += " > '" + outFile.string() + "' 2> '" + errFile.string() + "'";
  Run run;
  const int status = std::system(command.c_str());
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream o(outFile), e(errFile);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  run.out = so.str();
  run.err = se.str();
  fs::remove(outFile);
  fs::remove(errFile);
  return run;
}

// Checks that judge metadata (modes, owners, types of directory entries) still read their facts from a tree whose
// files' contents are hostile: they may pass where those facts are fine.
const std::set<std::string> kMetadataChecks = {"logging.log_permissions"};
const std::set<std::string> kRegularFileMetadataChecks = {
    "logging.log_permissions", "files.shadow_permissions", "files.passwd_permissions", "files.sshd_config_permissions",
    "files.home_permissions"};

// Runs every check over the tree and checks the report; `mayPass` lists checks allowed to pass (facts still read).
void expectSafe(const FixtureRoot& root, const std::string& variant, bool noPass, bool asNobody = false,
                const std::set<std::string>& mayPass = kMetadataChecks, const std::string& forbidden = "") {
  const auto run = runAgent(root.path(), asNobody);
  ASSERT_NE(run.exitCode, 124) << variant << ": the agent hung";
  ASSERT_EQ(run.exitCode, 0) << variant << ": " << run.err;
  const auto report = parseReport(run.out);
  ASSERT_TRUE(report.ok()) << variant << ": " << report.error();
  EXPECT_EQ(report->results.size(), CheckRegistry::instance().checks().size()) << variant;
  if (!forbidden.empty()) {
    EXPECT_FALSE(text::contains(run.out, forbidden)) << variant << ": host content leaked";
  }
  if (!noPass) return;
  for (const auto& r : report->results) {
    if (mayPass.count(r.check)) continue;
    EXPECT_NE(r.status, CheckStatus::Pass) << variant << ": " << r.check << ": " << r.message;
  }
}

class Robustness : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(agentBinary())) GTEST_SKIP() << agentBinary() << " not built (set ANNEXA_AGENT_BINARY)";
  }
  // Replaces every regular file of a base tree with what `make` puts at that path.
  void mutateEveryFile(FixtureRoot& root, const std::function<void(const fs::path&)>& make) {
    layBase(root);
    for (const auto& file : regularFiles(root.path())) {
      fs::remove(file);
      make(file);
    }
  }
};

TEST_F(Robustness, BaseTreePassesSomething) {
  FixtureRoot root;
  layBase(root);
  const auto run = runAgent(root.path(), false);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const auto report = parseReport(run.out);
  ASSERT_TRUE(report.ok()) << report.error();
  int passes = 0;
  for (const auto& r : report->results) passes += r.status == CheckStatus::Pass;
  EXPECT_GT(passes, 10);  // so that "no pass" below means something
}

TEST_F(Robustness, EmptyRoot) {
  FixtureRoot root;
  expectSafe(root, "empty", true);
}

TEST_F(Robustness, FifosWhereFilesBelong) {
  FixtureRoot root;
  mutateEveryFile(root, [](const fs::path& p) { ASSERT_EQ(::mkfifo(p.c_str(), 0644), 0); });
  expectSafe(root, "fifos", true);
}

TEST_F(Robustness, DirectoriesWhereFilesBelong) {
  FixtureRoot root;
  mutateEveryFile(root, [](const fs::path& p) { fs::create_directory(p); });
  expectSafe(root, "directories", true);
}

TEST_F(Robustness, SymlinkLoops) {
  FixtureRoot root;
  mutateEveryFile(root, [&](const fs::path& p) {
    fs::create_symlink("/" + fs::relative(p, root.path()).string(), p);  // an absolute link to itself
  });
  expectSafe(root, "self links", true);
}

TEST_F(Robustness, LinksEscapingToTheHost) {
  // A marker outside the root; every file links to it (absolutely and by climbing), and the top-level directories
  // link to the host's own (etc -> /etc). Nothing of the host may be read, and nothing may pass.
  FixtureRoot outside;
  outside.write("/marker", "HOST-SECRET-7f3a\n");
  FixtureRoot root;
  mutateEveryFile(root, [&](const fs::path& p) {
    static int n = 0;
    if (++n % 2) fs::create_symlink(outside.hostPath("/marker"), p);
    else fs::create_symlink("../../../../../../../../../../.." + outside.hostPath("/marker").string(), p);
  });
  expectSafe(root, "file links out", false, false, kMetadataChecks, "HOST-SECRET-7f3a");
  FixtureRoot top;
  for (const char* dir : {"etc", "proc", "sys", "var", "usr", "lib", "run", "boot", "home", "root"})
    fs::create_symlink(std::string("/") + dir, top.path() / dir);
  expectSafe(top, "etc -> /etc", true);
}

TEST_F(Robustness, DeviceNodesWhereFilesBelong) {
  if (::geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  FixtureRoot root;
  mutateEveryFile(root, [](const fs::path& p) {
    ASSERT_EQ(::mknod(p.c_str(), S_IFCHR | 0644, makedev(1, 5)), 0);  // /dev/zero: endless if ever read
  });
  expectSafe(root, "char devices", true);
}

TEST_F(Robustness, HugeSparseFiles) {
  FixtureRoot root;
  mutateEveryFile(root, [](const fs::path& p) {
    { std::ofstream(p) << ""; }
    ASSERT_EQ(::truncate(p.c_str(), 1LL << 40), 0);
  });
  expectSafe(root, "sparse 1 TiB files", true, false, kRegularFileMetadataChecks);
}

TEST_F(Robustness, UnreadableFilesAsAnUnprivilegedUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the agent as nobody";
  if (std::system("command -v setpriv > /dev/null") != 0) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  FixtureRoot root;
  layBase(root);
  fs::permissions(root.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
  for (const auto& file : regularFiles(root.path())) fs::permissions(file, fs::perms::none);
  // Checks judging modes and owners read metadata, which stays readable: they may pass.
  expectSafe(root, "mode 000 as nobody", true, true, kRegularFileMetadataChecks);
}

TEST_F(Robustness, GarbageAndInvalidUtf8) {
  FixtureRoot root;
  std::mt19937 random(17);
  mutateEveryFile(root, [&](const fs::path& p) {
    std::string bytes(512 + random() % 2048, '\0');
    for (auto& b : bytes) b = static_cast<char>(random() % 256);
    for (std::size_t i = 0; i < bytes.size(); i += 37) bytes[i] = '\n';
    std::ofstream(p, std::ios::binary) << "root:x:0:0:\xe9t\xe9:/home/\xff:/bin/sh\n" << bytes;
  });
  expectSafe(root, "garbage", false);
}

}  // namespace
}  // namespace annexa::agent
