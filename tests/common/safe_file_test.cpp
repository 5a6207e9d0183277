// The shared "write a file safely" helper (common/safe_file.hpp): links are replaced, never followed.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/safe_file.hpp"

namespace annexa {
namespace {

namespace fs = std::filesystem;

std::string contentOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

mode_t modeOf(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

class SafeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/annexa-safe-file-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    victim_ = dir_ / "victim";
    std::ofstream(victim_) << "precious";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  fs::path victim_;
};

TEST_F(SafeFile, ALinkAtTheTargetIsReplacedAndItsTargetLeftAlone) {
  fs::create_symlink(victim_, dir_ / "key.pem");
  ASSERT_TRUE(safe_file::write(dir_, "key.pem", "secret", 0600).ok());
  EXPECT_EQ(contentOf(victim_), "precious");
  EXPECT_FALSE(fs::is_symlink(dir_ / "key.pem"));
  EXPECT_EQ(contentOf(dir_ / "key.pem"), "secret");
  EXPECT_EQ(modeOf(dir_ / "key.pem"), 0600u);
  // The mode asked for is the mode set (fchmod), whatever the umask.
  const auto old = ::umask(0077);
  ASSERT_TRUE(safe_file::writePath(dir_ / "public.crt", "cert", 0644).ok());
  ::umask(old);
  EXPECT_EQ(modeOf(dir_ / "public.crt"), 0644u);
}

TEST_F(SafeFile, StreamsContentAndLeavesNoTemporaryFileBehind) {
  ASSERT_TRUE(safe_file::write(dir_, "big.csv", [](std::ostream& out) {
                for (int i = 0; i < 100000; ++i) out << i << "\n";
              }, 0644).ok());
  EXPECT_EQ(fs::file_size(dir_ / "big.csv"), 588890u);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 2u);  // victim and big.csv
  EXPECT_FALSE(safe_file::write(dir_, "../escape", "x", 0644).ok());
  EXPECT_FALSE(safe_file::write(dir_, "", "x", 0644).ok());
}

TEST_F(SafeFile, WritesNothingThroughALinkedDirectory) {
  const auto elsewhere = dir_ / "elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, dir_ / "linked");
  EXPECT_FALSE(safe_file::write(dir_ / "linked", "report.json", "{}", 0600).ok());
  EXPECT_TRUE(fs::is_empty(elsewhere));
  const auto checked = safe_file::checkDirectory(dir_ / "linked");
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().find("symbolic link"), std::string::npos) << checked.error();
  EXPECT_FALSE(safe_file::ensureDirectory(dir_ / "linked", 0700).ok());
}

TEST_F(SafeFile, DirectoriesMustBeOursAndWritableByNobodyElse) {
  const auto created = dir_ / "a" / "b";
  ASSERT_TRUE(safe_file::ensureDirectory(created, 0700).ok());
  EXPECT_EQ(modeOf(created), 0700u);
  ::chmod(created.c_str(), 0770);
  EXPECT_NE(safe_file::checkDirectory(created).error().find("writable by group or others"), std::string::npos);
  ::chmod(created.c_str(), 0755);
  EXPECT_TRUE(safe_file::checkDirectory(created).ok());
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(created.c_str(), 65534, 65534), 0);
    EXPECT_NE(safe_file::checkDirectory(created).error().find("not by us"), std::string::npos);
  }
  std::ofstream(dir_ / "file") << "x";
  EXPECT_NE(safe_file::checkDirectory(dir_ / "file").error().find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace annexa
