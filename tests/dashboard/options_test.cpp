#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "dashboard/options.hpp"

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/annexa-dashboard-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& content) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name) << content;
  }

 private:
  fs::path path_;
};

TEST(Options, DataDirectoryGivesOperatorCertificateAndListenAddress) {
  TempDir dir;
  dir.write("collector.json", R"({"listen": "0.0.0.0:9443", "threads": 0})");
  auto options = parseOptions({"--data", dir.path().string()});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->connection.serverUrl, "https://127.0.0.1:9443");
  EXPECT_EQ(options->connection.certificate, dir.path() / "operators" / "admin.crt");
  EXPECT_EQ(options->connection.privateKey, dir.path() / "operators" / "admin.key");
  EXPECT_EQ(options->connection.caCertificate, dir.path() / "ca.crt");
  EXPECT_TRUE(options->screenshot.empty());
}

TEST(Options, EphemeralPortNeedsAnExplicitServer) {
  TempDir dir;
  dir.write("collector.json", R"({"listen": "127.0.0.1:0"})");
  auto options = parseOptions({"--data", dir.path().string()});
  ASSERT_FALSE(options);
  EXPECT_NE(options.error().find("--server"), std::string::npos);
  options = parseOptions({"--data", dir.path().string(), "--server", "https://127.0.0.1:4000"});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->connection.serverUrl, "https://127.0.0.1:4000");
}

TEST(Options, IPv6WildcardIsReachedOnLoopback) {
  TempDir dir;
  dir.write("collector.json", R"({"listen": "[::]:8443"})");
  auto config = connectionFromDataDir(dir.path());
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->serverUrl, "https://[::1]:8443");
}

TEST(Options, ExplicitServerAndCertificates) {
  auto options = parseOptions({"--server", "https://collector.example:8443", "--cert", "/a.crt", "--key", "/a.key", "--ca",
                               "/ca.crt", "--screenshot", "/tmp/x.png", "--view", "annex-a", "--frames", "5", "--size",
                               "1024x700", "--refresh", "10"});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->connection.serverUrl, "https://collector.example:8443");
  EXPECT_EQ(options->view, ViewId::AnnexA);
  EXPECT_EQ(options->frames, 5);
  EXPECT_EQ(options->width, 1024);
  EXPECT_EQ(options->height, 700);
  EXPECT_EQ(options->connection.refreshInterval, std::chrono::seconds(10));
  EXPECT_EQ(options->screenshot, "/tmp/x.png");
}

TEST(Options, ConfigFileWithRelativePaths) {
  TempDir dir;
  dir.write("dash.json", R"({"server": "https://10.0.0.5:8443", "cert": "ops/me.crt", "key": "ops/me.key", "ca": "/etc/annexa/ca.crt", "refresh_seconds": 60})");
  auto options = parseOptions({"--config", (dir.path() / "dash.json").string()});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->connection.certificate, dir.path() / "ops/me.crt");
  EXPECT_EQ(options->connection.caCertificate, "/etc/annexa/ca.crt");
  EXPECT_EQ(options->connection.refreshInterval, std::chrono::seconds(60));
  dir.write("bad.json", R"({"server": "https://x:1", "cert": "a", "key": "b", "ca": "c", "colour": "red"})");
  EXPECT_FALSE(parseOptions({"--config", (dir.path() / "bad.json").string()}));
}

TEST(Options, ClearErrors) {
  EXPECT_FALSE(parseOptions({}));
  EXPECT_FALSE(parseOptions({"--server", "http://plain:80", "--cert", "a", "--key", "b", "--ca", "c"}));
  EXPECT_FALSE(parseOptions({"--server", "https://x:1"}));  // no certificate
  EXPECT_FALSE(parseOptions({"--server", "https://x:1", "--cert", "a", "--key", "b", "--ca", "c", "--view", "nope"}));
  EXPECT_FALSE(parseOptions({"--server", "https://x:1", "--cert", "a", "--key", "b", "--ca", "c", "--size", "10x10"}));
  EXPECT_FALSE(parseOptions({"--data", "/nonexistent/dir"}));
  EXPECT_FALSE(parseOptions({"--data", "/tmp", "--config", "/tmp/x.json"}));
  EXPECT_TRUE(parseOptions({"--help"}));
  for (const auto view : kAllViews) EXPECT_EQ(*parseViewName(viewName(view)), view);
}

}  // namespace
}  // namespace annexa::dashboard
