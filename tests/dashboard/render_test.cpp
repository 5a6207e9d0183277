// Render tests: a real collector (subprocess) with enrolled agents and reports, and the real dashboard binary
// rendering each view under xvfb-run into a PNG that is then checked.
#include <gtest/gtest.h>

#include <stb_image.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "bench/collector_load.hpp"
#include "common/catalog.hpp"
#include "common/text.hpp"
#include "dashboard/options.hpp"

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string findOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const auto& dir : text::split(path ? path : "/usr/bin:/bin", ':'))
    if (!dir.empty() && access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
  return {};
}

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
};

Image loadPng(const fs::path& path) {
  Image image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (!data) return image;
  image.rgb.assign(data, data + static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3);
  stbi_image_free(data);
  return image;
}

std::size_t distinctColours(const Image& image) {
  std::set<std::uint32_t> colours;
  for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3)
    colours.insert(static_cast<std::uint32_t>(image.rgb[i]) << 16 | static_cast<std::uint32_t>(image.rgb[i + 1]) << 8 | image.rgb[i + 2]);
  return colours.size();
}

double differingFraction(const Image& a, const Image& b) {
  if (a.rgb.size() != b.rgb.size() || a.rgb.empty()) return 1.0;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.rgb.size(); i += 3)
    differ += a.rgb[i] != b.rgb[i] || a.rgb[i + 1] != b.rgb[i + 1] || a.rgb[i + 2] != b.rgb[i + 2];
  return static_cast<double>(differ) / static_cast<double>(a.rgb.size() / 3);
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xvfbRun_ = findOnPath("xvfb-run");
    if (xvfbRun_.empty()) GTEST_SKIP() << "xvfb-run is not installed (apt-get install xvfb xauth); CI installs it";
    char pattern[] = "/tmp/annexa-render-test-XXXXXX";
    root_ = mkdtemp(pattern);
  }

  void TearDown() override {
    if (collectorPid_ > 0) bench::stopProcess(collectorPid_, 20s);
    if (!root_.empty() && !HasFailure()) fs::remove_all(root_);
    else if (!root_.empty()) std::printf("kept %s for inspection\n", root_.c_str());
  }

  fs::path data() const { return root_ / "data"; }

  // init + serve on an ephemeral port; returns the port.
  std::uint16_t startCollector() {
    auto init = bench::runCommand({ANNEXA_COLLECTOR_BINARY, "init", "--data", data().string()}, 60s);
    EXPECT_TRUE(init) << init.error();
    const fs::path portFile = root_ / "port";
    auto pid = bench::spawnProcess({ANNEXA_COLLECTOR_BINARY, "serve", "--data", data().string(), "--listen", "127.0.0.1:0",
                                    "--port-file", portFile.string()},
                                   root_ / "collector.log");
    EXPECT_TRUE(pid) << pid.error();
    collectorPid_ = *pid;
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto port = readTextFile(portFile); port && !port->empty() && port->back() == '\n') return static_cast<std::uint16_t>(std::stoi(*port));
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "the collector did not start";
    return 0;
  }

  // Enrolls `count` simulated agents (bench/collector_load.hpp) and sends two reports from each.
  void fillWithAgents(std::uint16_t port, std::size_t count) {
    auto tokenJson = bench::runCommand({ANNEXA_COLLECTOR_BINARY, "token", "create", "--data", data().string(), "--uses",
                                        std::to_string(count), "--format", "json"}, 60s);
    ASSERT_TRUE(tokenJson) << tokenJson.error();
    const auto token = nlohmann::json::parse(*tokenJson)["token"].get<std::string>();
    auto ca = readTextFile(data() / "ca.crt");
    ASSERT_TRUE(ca);
    const ServerEndpoint endpoint{"127.0.0.1", port};
    for (std::size_t i = 0; i < count; ++i) {
      auto identity = bench::makeIdentity(i);
      ASSERT_TRUE(identity) << identity.error();
      auto agent = bench::enroll(endpoint, *ca, token, *identity, i);
      ASSERT_TRUE(agent) << agent.error();
      HttpsClient client(endpoint, agent->tls);
      for (std::uint64_t sequence = 0; sequence < 2; ++sequence) {
        auto sent = bench::sendReport(client, bench::reportBody(*agent, sequence));
        ASSERT_TRUE(sent) << sent.error();
      }
    }
  }

  // Runs the dashboard under xvfb-run; returns the exit status text ("" on success) and the output.
  Result<std::string> screenshot(std::uint16_t port, const std::string& view, const fs::path& png, int timeoutSeconds) {
    return bench::runCommand({xvfbRun_, "-a", "-s", "-screen 0 1280x1024x24", ANNEXA_DASHBOARD_BINARY, "--data",
                              data().string(), "--server", "https://127.0.0.1:" + std::to_string(port), "--screenshot",
                              png.string(), "--view", view, "--size", "1100x720", "--timeout", std::to_string(timeoutSeconds)},
                             std::chrono::seconds(timeoutSeconds + 60));
  }

  std::string xvfbRun_;
  fs::path root_;
  pid_t collectorPid_ = -1;
};

TEST_F(RenderTest, EveryViewRendersADistinctNonBlankPng) {
  const auto port = startCollector();
  ASSERT_NE(port, 0);
  fillWithAgents(port, 12);
  if (HasFatalFailure()) return;

  std::vector<std::pair<std::string, Image>> images;
  for (const auto view : kAllViews) {
    const std::string name(viewName(view));
    const auto png = root_ / (name + ".png");
    auto run = screenshot(port, name, png, 60);
    ASSERT_TRUE(run) << name << ": " << run.error();
    auto image = loadPng(png);
    ASSERT_EQ(image.width, 1100) << name;
    ASSERT_EQ(image.height, 720) << name;
    EXPECT_GE(distinctColours(image), 24u) << name << " looks blank";
    images.emplace_back(name, std::move(image));
  }
  for (std::size_t a = 0; a < images.size(); ++a)
    for (std::size_t b = a + 1; b < images.size(); ++b)
      EXPECT_GT(differingFraction(images[a].second, images[b].second), 0.02)
          << images[a].first << " and " << images[b].first << " look the same";
  if (const char* keep = std::getenv("ANNEXA_SCREENSHOT_DIR"); keep && *keep)
    for (const auto view : kAllViews) {
      const std::string name(viewName(view));
      fs::copy_file(root_ / (name + ".png"), fs::path(keep) / ("dashboard-" + name + ".png"), fs::copy_options::overwrite_existing);
    }
}

TEST_F(RenderTest, CollectorDownStillRendersAndSaysSo) {
  // Nothing listens on this port: the window must still render (no freeze), and the exit code says no data came.
  const auto png = root_ / "down.png";
  fs::create_directories(data() / "operators");
  for (const char* f : {"ca.crt", "operators/admin.crt", "operators/admin.key"}) std::ofstream(data() / f) << "x";
  std::ofstream(data() / "collector.json") << R"({"listen": "127.0.0.1:1"})";
  auto run = screenshot(1, "overview", png, 3);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("exit 3"), std::string::npos) << run.error();
  EXPECT_NE(run.error().find("did not arrive"), std::string::npos) << run.error();
  const auto image = loadPng(png);
  EXPECT_EQ(image.width, 1100);
  EXPECT_GE(distinctColours(image), 8u);
}

TEST(Dashboard, WithoutADisplayItExplainsAndFails) {
  auto run = bench::runCommand({"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", ANNEXA_DASHBOARD_BINARY,
                                "--server", "https://127.0.0.1:1", "--cert", "/a", "--key", "/b", "--ca", "/c"},
                               30s);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("no display"), std::string::npos) << run.error();
  EXPECT_NE(run.error().find("xvfb-run"), std::string::npos) << run.error();
}

}  // namespace
}  // namespace annexa::dashboard
