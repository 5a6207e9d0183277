// `annexa-collector backup|restore` (collector/backup.hpp) against a real collector on loopback: a backup taken
// while reports stream in restores into a new directory whose evidence log verifies INTACT and which holds every
// report acknowledged before the backup began; damaged or hostile archives are refused and leave nothing behind.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "collector/app/backup.hpp"
#include "collector/app/cli.hpp"
#include "tests/collector/collector_harness.hpp"

namespace annexa::collector {
namespace {
namespace fs = std::filesystem;
using test::InProcessCollector;

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

CliRun cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = runCollectorCli(args, out, err);
  return {status, out.str(), err.str()};
}

// Posts reports as one agent until stopped, remembering each one the collector acknowledged (2xx: committed).
class ReportStream {
 public:
  ReportStream(InProcessCollector& collector, test::TestAgent agent) : agent_(std::move(agent)) {
    thread_ = std::thread([this, &collector] {
      auto client = collector.client(agent_.tls);
      while (!stop_) {
        const auto report = test::makeReport(agent_.id, agent_.machineId);
        auto response = client->request("POST", "/api/v1/reports", test::reportBody(report));
        if (response && response->status >= 200 && response->status < 300) {
          std::lock_guard lock(mutex_);
          acknowledged_.push_back(report.reportId);
        }
      }
    });
  }
  ~ReportStream() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<std::string> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  bool waitForAtLeast(std::size_t count) {
    return test::waitFor([&] { return acknowledged().size() >= count; }, std::chrono::seconds(30));
  }

 private:
  test::TestAgent agent_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> acknowledged_;
  std::thread thread_;
};

TEST(Backup, WhileReportsStreamInRestoresIntactWithEveryAcknowledgedReport) {
  InProcessCollector collector;
  const std::string data = collector.data().root.string();
  // A document: its file goes into the content-addressed evidence store, and verify-log checks it by hash.
  const fs::path policy = collector.scratch() / "policy.txt";
  std::ofstream(policy) << "Information security policy\n";
  const auto added = cli({"docs", "add", policy.string(), "--title", "Security policy", "--controls", "A.5.1",
                          "--owner", "CISO", "--approved-by", "Board", "--approved-on", "2026-10-01", "--data", data});
  ASSERT_EQ(added.status, 0) << added.err;

  const auto agent = collector.enrollOrThrow();
  ReportStream stream(collector, agent);
  ASSERT_TRUE(stream.waitForAtLeast(20));
  const auto beforeBackup = stream.acknowledged();
  const fs::path archive = collector.scratch() / "collector.tar.zst";
  const auto backup = cli({"backup", "--data", data, "--out", archive.string()});
  ASSERT_EQ(backup.status, 0) << backup.err;
  EXPECT_NE(backup.out.find("Backed up " + data + " to " + archive.string()), std::string::npos) << backup.out;
  // The collector went on taking reports across the backup.
  ASSERT_TRUE(stream.waitForAtLeast(stream.acknowledged().size() + 20));
  stream.stop();

  struct stat st {};
  ASSERT_EQ(::stat(archive.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the backup holds the CA key";

  const fs::path restored = collector.scratch() / "restored";
  const auto restore = cli({"restore", "--data", restored.string(), "--from", archive.string()});
  ASSERT_EQ(restore.status, 0) << restore.err;
  EXPECT_NE(restore.out.find("every one as the manifest says"), std::string::npos) << restore.out;

  const auto verify = cli({"verify-log", "--data", restored.string()});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("\nINTACT\n"), std::string::npos) << verify.out;

  auto store = openSqliteStore(restored / "annexa.db");
  for (const auto& reportId : beforeBackup)
    EXPECT_TRUE(store->rawReport(agent.id, reportId).has_value()) << "acknowledged before the backup: " << reportId;
  EXPECT_LE(store->reportCount(), static_cast<std::int64_t>(stream.acknowledged().size()));
  EXPECT_EQ(test::readFileOrEmpty(restored / "ca.key"), test::readFileOrEmpty(collector.data().caKey()));
  EXPECT_TRUE(store->findAgent(agent.id).has_value());
  ASSERT_EQ(::stat(restored.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // The restored directory serves: its CA and server key load as `serve` loads them.
  EXPECT_TRUE(loadCertificateAuthority(DataDir{restored}).ok());
  EXPECT_TRUE(loadCollectorConfig(DataDir{restored}).ok());
}

class BackupRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto made = cli({"backup", "--data", collector_.data().root.string(), "--out", archive_.string()});
    ASSERT_EQ(made.status, 0) << made.err;
  }
  // Restores `archive` into a new directory; expects a refusal naming `reason` and nothing left behind.
  void expectRefused(const fs::path& archive, const std::string& reason) {
    const fs::path target = collector_.scratch() / "target";
    const auto run = cli({"restore", "--data", target.string(), "--from", archive.string()});
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find(reason), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(target)) << "a failed restore leaves nothing behind";
  }

  InProcessCollector collector_;
  fs::path archive_ = collector_.scratch() / "backup.tar.zst";
};

TEST_F(BackupRefusalTest, NeverOverwritesAFileOrADirectory) {
  const auto again = cli({"backup", "--data", collector_.data().root.string(), "--out", archive_.string()});
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("exists; a backup never overwrites a file"), std::string::npos) << again.err;

  const auto onto = cli({"restore", "--data", collector_.data().root.string(), "--from", archive_.string()});
  EXPECT_EQ(onto.status, 2);
  EXPECT_NE(onto.err.find("exists and is not empty; restore into a new or empty directory"), std::string::npos) << onto.err;
}

TEST_F(BackupRefusalTest, RestoresIntoAnEmptyDirectoryAndCleansItOnFailure) {
  // The packaged /var/lib/annexa exists, empty, before anything is restored into it.
  const fs::path empty = collector_.scratch() / "empty";
  fs::create_directory(empty);
  fs::permissions(empty, fs::perms::owner_all);
  const fs::path truncated = collector_.scratch() / "truncated.tar.zst";
  fs::copy_file(archive_, truncated);
  fs::resize_file(truncated, fs::file_size(archive_) - 100);
  EXPECT_EQ(cli({"restore", "--data", empty.string(), "--from", truncated.string()}).status, 2);
  ASSERT_TRUE(fs::is_directory(empty)) << "not ours to delete";
  EXPECT_TRUE(fs::is_empty(empty)) << "what the failed restore wrote is gone";

  const auto restored = cli({"restore", "--data", empty.string(), "--from", archive_.string()});
  ASSERT_EQ(restored.status, 0) << restored.err;
  EXPECT_EQ(cli({"verify-log", "--data", empty.string()}).status, 0);
}

TEST_F(BackupRefusalTest, ATruncatedBackupIsRefused) {
  const fs::path truncated = collector_.scratch() / "truncated.tar.zst";
  fs::copy_file(archive_, truncated);
  fs::resize_file(truncated, fs::file_size(archive_) / 2);
  expectRefused(truncated, "restore: ");
}

TEST_F(BackupRefusalTest, AnArchiveWithOtherNamesIsRefused) {
  // A plain tar whose member escapes the directory: "../x".
  const fs::path work = collector_.scratch() / "evil";
  fs::create_directories(work);
  std::ofstream(work / "x") << "planted\n";
  const fs::path evil = collector_.scratch() / "evil.tar";
  const std::string command = "tar -C " + work.string() + " -P --transform 's,^,../,' -cf " + evil.string() + " x";
  ASSERT_EQ(std::system(command.c_str()), 0);
  expectRefused(evil, "unexpected entry ../x: not a data directory file");
  EXPECT_FALSE(fs::exists(collector_.scratch() / "x"));
}

TEST_F(BackupRefusalTest, UnknownOptionsAndMissingOnesAreUsageErrors) {
  const auto unknown = cli({"backup", "--data", "d", "--out", "f", "--compress", "yes"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown option --compress"), std::string::npos) << unknown.err;
  const auto missing = cli({"restore", "--data", "d"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("usage: annexa-collector backup --data DIR --out FILE.tar.zst"), std::string::npos);
}

}  // namespace
}  // namespace annexa::collector
