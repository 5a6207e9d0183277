// Render tests: a real collector (in process, real TLS and SQLite) with enrolled agents and reports, and the real
// dashboard binary rendering each view under xvfb-run into a PNG that is then checked.
#include <gtest/gtest.h>

#include <stb_image.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"
#include "dashboard/isms_view_model.hpp"
#include "dashboard/options.hpp"
#include "tests/dashboard/live_collector.hpp"

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

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

// The share of pixels from row `top` down that differ from the background (the bottom-right pixel).
double bodyCoverage(const Image& image, int top) {
  if (image.rgb.empty() || top >= image.height) return 0.0;
  const std::size_t last = image.rgb.size() - 3;
  std::size_t drawn = 0, total = 0;
  for (std::size_t i = static_cast<std::size_t>(top) * static_cast<std::size_t>(image.width) * 3; i + 2 < image.rgb.size(); i += 3, ++total)
    drawn += image.rgb[i] != image.rgb[last] || image.rgb[i + 1] != image.rgb[last + 1] || image.rgb[i + 2] != image.rgb[last + 2];
  return static_cast<double>(drawn) / static_cast<double>(total);
}

std::string exceptionOrderFront(const ExceptionRegister& reg) {
  const auto order = exceptionOrder(reg);
  return order.empty() ? std::string() : reg.rows[order.front()].target;
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xvfbRun_ = test::findOnPath("xvfb-run");
    if (xvfbRun_.empty()) GTEST_SKIP() << "xvfb-run is not installed (apt-get install xvfb xauth); CI installs it";
    char pattern[] = "/tmp/annexa-render-test-XXXXXX";
    root_ = mkdtemp(pattern);
  }

  void TearDown() override {
    if (!root_.empty() && !HasFailure()) fs::remove_all(root_);
    else if (!root_.empty()) std::printf("kept %s for inspection\n", root_.c_str());
  }

  // Fills every register through the API: an exception on a failing control (so the posture shows ACCEPTED),
  // one expiring within 30 days, one revoked; a risk on that control; the NC proposals plus one overdue NC;
  // an excluded SoA row; an attestation. Returns the control the exception covers.
  std::string fillIsms(test::LiveCollector& live) {
    const auto posture = [&] { return parsePosture(live.call("GET", "/api/v1/posture", nullptr, 200).dump()); };
    const auto before = posture();
    EXPECT_TRUE(before);
    if (!before) return {};
    const auto now = live.collector.now();
    const auto day = [&](int days) { return test::LiveCollector::day(now, days); };
    // Accept the failures of failing controls until one becomes ACCEPTED (a host with a failure and an error on
    // the same control leaves it PARTIAL once the failure is accepted).
    std::string failing;
    for (const auto& c : before->controls) {
      if (!failing.empty() || c.status != ControlStatus::Failing || c.hostsError > 0 || c.id == "A.8.5") continue;
      live.call("POST", "/api/v1/exceptions",
                {{"scope", "control"}, {"control", c.id}, {"justification", "compensating control: bastion only"},
                 {"approver", "ciso"}, {"expires_at", day(200)}}, 201);
      const auto after = posture();
      for (const auto& a : after ? after->controls : std::vector<ControlRow>{})
        if (a.id == c.id && a.status == ControlStatus::Accepted) failing = c.id;
    }
    EXPECT_FALSE(failing.empty()) << "no control of the simulated fleet became accepted";
    const auto checks = test::fleetChecks();
    live.call("POST", "/api/v1/exceptions",
              {{"scope", "check"}, {"check", checks[1]}, {"justification", "migration of the backup robot"},
               {"approver", "cto"}, {"expires_at", day(10)}}, 201);
    const auto revoked = live.call("POST", "/api/v1/exceptions",
                                   {{"scope", "check"}, {"check", checks[2]}, {"justification", "pilot"},
                                    {"approver", "cto"}, {"expires_at", day(90)}}, 201);
    live.call("POST", "/api/v1/exceptions/" + std::to_string(revoked.value("id", 0)) + "/revoke", nullptr, 200);
    live.call("POST", "/api/v1/risks",
              {{"title", "Unauthorised access through weak SSH configuration"}, {"likelihood", 4}, {"impact", 5},
               {"treatment", "mitigate"}, {"controls", nlohmann::json::array({"A.8.5", failing})}, {"owner", "ops"}, {"due_date", day(60)}}, 201);
    live.call("POST", "/api/v1/risks",
              {{"title", "Loss of a laptop"}, {"likelihood", 2}, {"impact", 2}, {"treatment", "accept"}, {"owner", "it"}}, 201);
    live.call("POST", "/api/v1/nonconformities/proposals", nullptr, 201);
    const auto nc = live.call("POST", "/api/v1/nonconformities",
                              {{"title", "Root login allowed on web servers"}, {"kind", "major"}, {"control", "A.8.5"}}, 201);
    const auto ncPath = "/api/v1/nonconformities/" + std::to_string(nc.value("id", 0)) + "/transition";
    live.call("POST", ncPath, {{"to", "root_cause"}, {"root_cause", "image default"}}, 200);
    live.call("POST", ncPath,
              {{"to", "corrective_action"}, {"corrective_action", "harden the image"}, {"action_owner", "ops"},
               {"action_due", day(-3)}}, 200);
    live.call("PUT", "/api/v1/soa/A.7.4", {{"applicable", false}, {"justification", "cloud only: no premises"}}, 200);
    live.call("PUT", "/api/v1/soa/A.5.1", {{"owner", "ciso"}, {"implementation", "implemented"}}, 200);
    live.call("PUT", "/api/v1/readiness/program.scope",
              {{"attested_by", "ciso"}, {"evidence_ref", "ISMS-SCOPE-v3"}, {"met", true}}, 200);
    // The audit calendar: the overview's readiness panel shows the next audit (the internal audit in 12 days).
    live.call("PUT", "/api/v1/calendar",
              {{"scope", "Production servers and staff laptops"}, {"internal_audit", day(12)}, {"management_review", day(20)},
               {"stage1", day(45)}, {"stage2", day(80)}}, 200);
    return failing;
  }

  // Runs the dashboard under xvfb-run; returns its output, or an error with the exit status and the output.
  Result<std::string> screenshot(const fs::path& dataDir, const std::string& server, const std::string& view,
                                 const fs::path& png, int timeoutSeconds, const std::string& size = "1100x720") {
    return test::runCommand({xvfbRun_, "-a", "-s", "-screen 0 2600x1700x24", ANNEXA_DASHBOARD_BINARY, "--data",
                             dataDir.string(), "--server", server, "--screenshot", png.string(), "--view", view,
                             "--size", size, "--timeout", std::to_string(timeoutSeconds)},
                            root_ / (view + ".log"), std::chrono::seconds(timeoutSeconds + 60));
  }

  std::string xvfbRun_;
  fs::path root_;
};

TEST_F(RenderTest, EveryViewRendersADistinctNonBlankPng) {
  test::LiveCollector live;
  live.enrollFleet(12);
  const auto accepted = fillIsms(live);
  if (HasFailure()) return;

  {  // The registers as this collector writes them parse into what the views show.
    auto fetch = makeHttpsFetch(live.connection());
    ASSERT_TRUE(fetch) << fetch.error();
    auto posture = parsePosture(*(*fetch)("/api/v1/posture"));
    ASSERT_TRUE(posture) << posture.error();
    const auto control = std::find_if(posture->controls.begin(), posture->controls.end(),
                                      [&](const ControlRow& c) { return c.id == accepted; });
    ASSERT_NE(control, posture->controls.end());
    EXPECT_GT(control->hostsAccepted, 0);
    EXPECT_EQ(control->hostsFailing, 0);
    EXPECT_EQ(control->status, ControlStatus::Accepted);  // its own status: not passing, not hidden
    int acceptedThemes = 0;
    for (const auto& t : posture->themes) acceptedThemes += t.accepted;
    EXPECT_GE(acceptedThemes, 1);

    auto soa = parseSoa(*(*fetch)("/api/v1/soa"));
    ASSERT_TRUE(soa) << soa.error();
    ASSERT_EQ(soa->rows.size(), 93u);
    EXPECT_EQ(soa->excluded, 1);
    const auto physical = std::find_if(soa->rows.begin(), soa->rows.end(), [](const SoaRow& r) { return r.control == "A.7.4"; });
    ASSERT_NE(physical, soa->rows.end());
    EXPECT_FALSE(physical->applicable);
    EXPECT_EQ(physical->justification, "cloud only: no premises");
    EXPECT_EQ(soa->rows[0].owner, "ciso");
    EXPECT_EQ(soa->rows[0].implementation, "implemented");
    EXPECT_GT(soa->noEvidence, 0);  // organisational controls: applicable, nothing evidences them yet

    auto exceptions = parseExceptions(*(*fetch)("/api/v1/exceptions"));
    ASSERT_TRUE(exceptions) << exceptions.error();
    ASSERT_GE(exceptions->rows.size(), 3u);
    EXPECT_EQ(exceptions->expiringWithin30Days, 1);
    EXPECT_EQ(exceptions->rows[exceptions->rows.size() - 3].target, accepted);
    EXPECT_EQ(exceptions->rows.back().state, ExceptionState::Revoked);
    EXPECT_EQ(exceptionOrderFront(*exceptions), test::fleetChecks()[1]);

    auto risks = parseRisks(*(*fetch)("/api/v1/risks"));
    ASSERT_TRUE(risks) << risks.error();
    ASSERT_EQ(risks->size(), 2u);
    EXPECT_EQ((*risks)[0].score, 20);
    EXPECT_EQ((*risks)[0].level, RiskLevel::Critical);
    EXPECT_EQ((*risks)[1].level, RiskLevel::Low);

    auto ncs = parseNonConformities(*(*fetch)("/api/v1/nonconformities"));
    ASSERT_TRUE(ncs) << ncs.error();
    ASSERT_GE(ncs->rows.size(), 2u);
    EXPECT_GE(ncs->overdue, 1);
    const auto& manual = ncs->rows.back();
    EXPECT_EQ(manual.kind, NcKind::Major);
    EXPECT_EQ(manual.state, "corrective_action");
    EXPECT_EQ(manual.actionOwner, "ops");
    EXPECT_TRUE(manual.overdue);

    auto readiness = parseReadiness(*(*fetch)("/api/v1/readiness"));
    ASSERT_TRUE(readiness) << readiness.error();
    EXPECT_EQ(readiness->maxScore, 27);
    EXPECT_EQ(readiness->areas.size(), 7u);
    EXPECT_GE(readiness->score, 1);
    EXPECT_FALSE(readiness->assessment.empty());
    EXPECT_EQ(readiness->areas[0].items[0].evidence.rfind("attested by ciso: ISMS-SCOPE-v3", 0), 0u)
        << readiness->areas[0].items[0].evidence;

    auto calendar = parseCalendar(*(*fetch)("/api/v1/calendar"));
    ASSERT_TRUE(calendar) << calendar.error();
    EXPECT_EQ(calendar->scope, "Production servers and staff laptops");
    ASSERT_TRUE(calendar->nextAudit);
    EXPECT_EQ(calendar->nextAudit->kind, "internal_audit");
    EXPECT_EQ(calendar->nextAudit->days, 12);
    EXPECT_EQ(calendar->readinessMaxScore, 27);
    EXPECT_EQ(calendar->readinessScore, readiness->score);
    EXPECT_GE(calendar->openMajorNonConformities, 1);  // the manual major NC
    EXPECT_FALSE(calendar->ready);
    EXPECT_NE(calendar->reason.find("major non-conformit"), std::string::npos) << calendar->reason;
  }

  std::vector<std::pair<std::string, Image>> images;
  for (const auto view : kAllViews) {
    const std::string name(viewName(view));
    const auto png = root_ / (name + ".png");
    auto run = screenshot(live.dataDir(), live.collector.url(), name, png, 60);
    ASSERT_TRUE(run) << name << ": " << run.error();
    auto image = loadPng(png);
    ASSERT_EQ(image.width, 1100) << name;
    ASSERT_EQ(image.height, 720) << name;
    // The Export view is a form (text, inputs, a progress bar) with no charts or status colours: fewer colours,
    // so its body is checked directly: below the tab bar, a real share of pixels is not background.
    EXPECT_GE(distinctColours(image), view == ViewId::Export ? 16u : 24u) << name << " looks blank";
    if (view == ViewId::Export) {
      EXPECT_GT(bodyCoverage(image, 80), 0.04) << name << " has an empty body";
    }
    images.emplace_back(name, std::move(image));
  }
  for (std::size_t a = 0; a < images.size(); ++a)
    for (std::size_t b = a + 1; b < images.size(); ++b)
      EXPECT_GT(differingFraction(images[a].second, images[b].second), 0.02)
          << images[a].first << " and " << images[b].first << " look the same";
  // The smallest and the largest width the layout is made for: a narrow SoA keeps its titles, a wide overview
  // is drawn larger (the UI scale steps up with the window) rather than left half empty.
  std::vector<std::string> extra;
  for (const auto& [view, size] : {std::pair<std::string, std::string>{"soa", "1024x768"}, {"overview", "2560x1440"}}) {
    const auto name = view + "-" + size.substr(0, size.find('x'));
    auto run = screenshot(live.dataDir(), live.collector.url(), view, root_ / (name + ".png"), 60, size);
    ASSERT_TRUE(run) << name << ": " << run.error();
    const auto image = loadPng(root_ / (name + ".png"));
    EXPECT_EQ(std::to_string(image.width) + "x" + std::to_string(image.height), size);
    EXPECT_GE(distinctColours(image), 24u) << name;
    EXPECT_GT(bodyCoverage(image, image.height / 2), 0.03) << name << ": the lower half is empty";
    extra.push_back(name);
  }
  if (const char* keep = std::getenv("ANNEXA_SCREENSHOT_DIR"); keep && *keep) {
    for (const auto view : kAllViews) extra.emplace_back(viewName(view));
    for (const auto& name : extra)
      fs::copy_file(root_ / (name + ".png"), fs::path(keep) / ("dashboard-" + name + ".png"), fs::copy_options::overwrite_existing);
  }
}

TEST_F(RenderTest, CollectorDownStillRendersAndSaysSo) {
  // Nothing listens on this port: the window must still render (no freeze), and the exit code says no data came.
  const auto png = root_ / "down.png";
  const auto data = root_ / "data";
  fs::create_directories(data / "operators");
  for (const char* f : {"ca.crt", "operators/admin.crt", "operators/admin.key"}) std::ofstream(data / f) << "x";
  std::ofstream(data / "collector.json") << R"({"listen": "127.0.0.1:1"})";
  auto run = screenshot(data, "https://127.0.0.1:1", "overview", png, 3);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("exit 3"), std::string::npos) << run.error();
  EXPECT_NE(run.error().find("did not arrive"), std::string::npos) << run.error();
  const auto image = loadPng(png);
  EXPECT_EQ(image.width, 1100);
  EXPECT_GE(distinctColours(image), 8u);
}

TEST(Dashboard, WithoutADisplayItExplainsAndFails) {
  annexa::test::FixtureRoot dir;
  auto run = test::runCommand({"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", ANNEXA_DASHBOARD_BINARY,
                               "--server", "https://127.0.0.1:1", "--cert", "/a", "--key", "/b", "--ca", "/c"},
                              dir.path() / "out.log", 30s);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("no display"), std::string::npos) << run.error();
  EXPECT_NE(run.error().find("xvfb-run"), std::string::npos) << run.error();
}

}  // namespace
}  // namespace annexa::dashboard
