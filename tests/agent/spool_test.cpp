// The agent's durable outbox: limits, drop accounting, crash leftovers, quarantine, and kill -9 during writes.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/spool.hpp"
#include "common/text_file.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::agent {
namespace {
namespace fs = std::filesystem;

std::string reportJson(int n, std::size_t padding = 0) {
  return nlohmann::json{{"n", n}, {"padding", std::string(padding, 'p')}}.dump();
}

std::vector<int> spooledNumbers(const Spool& spool) {
  std::vector<int> out;
  for (const auto& r : spool.list()) out.push_back(nlohmann::json::parse(spool.read(r).value()).at("n").get<int>());
  return out;
}

TEST(Spool, KeepsReportsOldestFirst) {
  test::FixtureRoot dir;
  Spool spool(dir.path() / "spool");
  ASSERT_TRUE(spool.open().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(spool.add(reportJson(i)).ok());
  EXPECT_EQ(spooledNumbers(spool), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(fs::status(dir.path() / "spool").permissions() & fs::perms::all, fs::perms::owner_all);
  ASSERT_TRUE(spool.remove(spool.list().front()).ok());
  EXPECT_EQ(spooledNumbers(spool), (std::vector<int>{1, 2, 3, 4}));
}

TEST(Spool, CountLimitDropsTheOldestAndCountsThem) {
  test::FixtureRoot dir;
  Spool spool(dir.path() / "spool", SpoolLimits{3, 1 << 20});
  ASSERT_TRUE(spool.open().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(spool.add(reportJson(i)).ok());
  EXPECT_EQ(spooledNumbers(spool), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(spool.droppedCount(), 2u);
  // The count survives a restart of the agent.
  EXPECT_EQ(Spool(dir.path() / "spool").droppedCount(), 2u);
}

TEST(Spool, ByteLimitDropsTheOldestAndRefusesAReportThatCanNeverFit) {
  test::FixtureRoot dir;
  Spool spool(dir.path() / "spool", SpoolLimits{100, 3000});
  ASSERT_TRUE(spool.open().ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(spool.add(reportJson(i, 900)).ok());
  EXPECT_EQ(spooledNumbers(spool), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(spool.droppedCount(), 1u);
  const auto tooBig = spool.add(reportJson(99, 5000));
  ASSERT_FALSE(tooBig.ok());
  EXPECT_NE(tooBig.error().find("exceeds the spool limit"), std::string::npos);
  EXPECT_EQ(spooledNumbers(spool), (std::vector<int>{1, 2, 3}));  // nothing was thrown away for it
  EXPECT_EQ(spool.droppedCount(), 1u);
}

TEST(Spool, DropsMadeForAnAnnouncingReportTravelInTheNextOne) {
  test::FixtureRoot dir;
  Spool spool(dir.path() / "spool", SpoolLimits{2, 1 << 20});
  ASSERT_TRUE(spool.open().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(spool.add(reportJson(i)).ok());
  ASSERT_EQ(spool.droppedCount(), 1u);
  // The run loop: the next report announces 1 drop, but spooling it drops another.
  const auto announced = spool.droppedCount();
  ASSERT_TRUE(spool.add(reportJson(3)).ok());
  spool.acknowledgeDropped(announced);
  EXPECT_EQ(spool.droppedCount(), 1u);
  spool.acknowledgeDropped(spool.droppedCount());
  EXPECT_EQ(spool.droppedCount(), 0u);
  EXPECT_FALSE(fs::exists(dir.path() / "spool" / "dropped"));
}

TEST(Spool, OpenRemovesTempFilesOfAnInterruptedWrite) {
  test::FixtureRoot dir;
  const auto path = dir.path() / "spool";
  {
    Spool spool(path);
    ASSERT_TRUE(spool.open().ok());
    ASSERT_TRUE(spool.add(reportJson(1)).ok());
  }
  std::ofstream(path / "00000000000000000002-000000.report.json.tmp") << "{\"n\": 2, \"trunc";
  std::ofstream(path / "dropped.tmp") << "7";
  Spool reopened(path);
  EXPECT_EQ(reopened.list().size(), 1u);  // a temp file is never listed as a report
  ASSERT_TRUE(reopened.open().ok());
  EXPECT_FALSE(fs::exists(path / "00000000000000000002-000000.report.json.tmp"));
  EXPECT_FALSE(fs::exists(path / "dropped.tmp"));
  EXPECT_EQ(spooledNumbers(reopened), (std::vector<int>{1}));
}

TEST(Spool, QuarantineMovesAsideAndKeepsTheNewestTwenty) {
  test::FixtureRoot dir;
  Spool spool(dir.path() / "spool");
  ASSERT_TRUE(spool.open().ok());
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(spool.add(reportJson(i)).ok());
  for (const auto& r : spool.list()) ASSERT_TRUE(spool.quarantine(r).ok());
  EXPECT_TRUE(spool.list().empty());
  std::vector<int> rejected;
  for (const auto& entry : fs::directory_iterator(dir.path() / "spool" / "rejected"))
    rejected.push_back(nlohmann::json::parse(readTextFile(entry.path()).value()).at("n").get<int>());
  std::sort(rejected.begin(), rejected.end());
  ASSERT_EQ(rejected.size(), 20u);
  EXPECT_EQ(rejected.front(), 5);
  EXPECT_EQ(rejected.back(), 24);
}

// A child process spools large reports as fast as it can and is killed with SIGKILL partway through a write.
TEST(Spool, KillDuringWriteLeavesAReadableSpool) {
  test::FixtureRoot dir;
  const auto path = dir.path() / "spool";
  const std::size_t padding = 2 * 1024 * 1024;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Spool spool(path, SpoolLimits{8, 1ull << 32});  // bounded: at most 8 reports on disk
    if (!spool.open().ok()) ::_exit(3);
    for (int i = 0;; ++i) (void)spool.add(reportJson(i, padding));
  }
  // Kill once a write is under way after a few completed ones: a temp file exists next to some reports.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool midWrite = false;
  while (!midWrite && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    int reports = 0;
    bool temp = false;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const auto name = entry.path().filename().string();
      reports += name.ends_with(".report.json");
      temp = temp || name.ends_with(".tmp");
    }
    midWrite = reports >= 3 && temp;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(midWrite) << "the child never got three reports written";
  ASSERT_TRUE(WIFSIGNALED(status));

  Spool spool(path, SpoolLimits{8, 1ull << 32});
  ASSERT_TRUE(spool.open().ok());
  const auto reports = spool.list();
  ASSERT_GE(reports.size(), 3u);
  int expected = -1;
  for (const auto& r : reports) {
    auto content = spool.read(r);
    ASSERT_TRUE(content.ok()) << content.error();
    const auto parsed = nlohmann::json::parse(*content, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << r.path << " is not whole";
    // Whole reports, in order, none missing between the oldest kept and the newest.
    if (expected >= 0) {
      EXPECT_EQ(parsed.at("n"), expected);
    }
    expected = parsed.at("n").get<int>() + 1;
    EXPECT_EQ(parsed.at("padding").get<std::string>().size(), padding);
  }
  for (const auto& entry : fs::directory_iterator(path))
    EXPECT_FALSE(entry.path().filename().string().ends_with(".tmp")) << entry.path();
}

}  // namespace
}  // namespace annexa::agent
