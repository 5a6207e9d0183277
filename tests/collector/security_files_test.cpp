// Files written as root where someone else may have planted a link or prepared a directory (docs/security.md,
// item 4): the evidence pack, the operator's --out files and the agent's spool.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "agent/spool.hpp"
#include "collector/app/isms_cli.hpp"
#include "collector/pack/pack.hpp"
#include "tests/collector/isms_fixture.hpp"
#include "tests/collector/pack_fixture.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::pack::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

std::string contentOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct SafeFiles : ::testing::Test {
  annexa::test::FixtureRoot root;
  CollectorKeys keys;
  PackData data = samplePack(keys);
  fs::path victim = root.path() / "victim";

  void SetUp() override { std::ofstream(victim) << "precious"; }
};

TEST_F(SafeFiles, APackIsNotWrittenIntoADirectoryAnotherUserOwnsOrMayWrite) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to another user";
  const auto theirs = root.path() / "theirs";
  fs::create_directory(theirs);
  ASSERT_EQ(::chown(theirs.c_str(), kNobody, kNobody), 0);
  const auto refused = writePack(data, theirs, keys.key.get());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("not by us"), std::string::npos) << refused.error();
  EXPECT_TRUE(fs::is_empty(theirs));
}

TEST_F(SafeFiles, APackIsNotWrittenIntoAGroupWritableDirectoryOrThroughALinkedOne) {
  const auto shared = root.path() / "shared";
  fs::create_directory(shared);
  ::chmod(shared.c_str(), 0777);
  const auto refused = writePack(data, shared, keys.key.get());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("writable by group or others"), std::string::npos) << refused.error();

  const auto elsewhere = root.path() / "elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, root.path() / "linked");
  const auto linked = writePack(data, root.path() / "linked", keys.key.get());
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.error().find("symbolic link"), std::string::npos) << linked.error();
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

TEST_F(SafeFiles, LinksPlantedInAnEarlierPackAreNeverFollowed) {
  const auto pack = root.path() / "pack";
  ASSERT_TRUE(writePack(data, pack, keys.key.get()).ok());
  // Someone swaps pack files (and a crash's temporary name) for links to a file root must not write.
  for (const auto* name : {"results.csv", "SHA256SUMS", ".results.csv.tmp"}) {
    fs::remove(pack / name);
    fs::create_symlink(victim, pack / name);
  }
  const auto again = writePack(data, pack, keys.key.get(), {}, {.overwrite = true});
  EXPECT_FALSE(again.ok()) << "an overwrite that meets a link must stop";
  EXPECT_EQ(contentOf(victim), "precious");
}

TEST_F(SafeFiles, AnOperatorsOutFileReplacesALinkInsteadOfWritingThroughIt) {
  isms::test::IsmsFixture f;
  const auto out = root.path() / "soa.csv";
  fs::create_symlink(victim, out);
  std::ostringstream stdoutText, stderrText;
  ASSERT_EQ(runIsmsCli({"soa", "export-csv", "--out", out.string(), "--data", f.dir.path().string()}, stdoutText,
                       stderrText, isms::test::kNow),
            0)
      << stderrText.str();
  EXPECT_EQ(contentOf(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(out));
  EXPECT_NE(contentOf(out).find("control,"), std::string::npos);
}

TEST_F(SafeFiles, TheAgentRefusesASymlinkedSpoolDirectory) {
  const auto elsewhere = root.path() / "elsewhere";
  fs::create_directory(elsewhere);
  const auto spoolDir = root.path() / "state" / "spool";
  fs::create_directories(spoolDir.parent_path());
  fs::create_directory_symlink(elsewhere, spoolDir);
  agent::Spool spool(spoolDir);
  const auto opened = spool.open();
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("symbolic link"), std::string::npos) << opened.error();
  EXPECT_FALSE(spool.add("{\"report\": 1}").ok());
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

TEST_F(SafeFiles, TheAgentsStateFilesReplaceALinkInsteadOfWritingThroughIt) {
  const auto spoolDir = root.path() / "spool";
  agent::Spool spool(spoolDir);
  ASSERT_TRUE(spool.open().ok());
  fs::create_symlink(victim, spoolDir / "dropped");
  ASSERT_TRUE(agent::writeFileDurably(spoolDir / "dropped", "3", 0600).ok());
  EXPECT_EQ(contentOf(victim), "precious");
  EXPECT_EQ(contentOf(spoolDir / "dropped"), "3");
  struct stat st {};
  ASSERT_EQ(::lstat((spoolDir / "dropped").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

}  // namespace
}  // namespace annexa::collector::pack::test
