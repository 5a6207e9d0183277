// The drill-downs driven like a person drives them: the dashboard's real window (GLFW, OpenGL, under Xvfb) on a
// real collector (mutual TLS on loopback), clicks queued as mouse input, and what each click shows checked
// through the item tracker. Without a display each test runs itself again under xvfb-run.
#include <gtest/gtest.h>
#include <imgui.h>

#include <deque>

#include "common/clock.hpp"
#include "dashboard/app.hpp"
#include "dashboard/register_writer.hpp"
#include "tests/dashboard/live_collector.hpp"

// The OpenGL driver (Mesa), X11 and fontconfig keep process-lifetime allocations that are not ours to free
// (the same list as dashboard/main.cpp's).
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libGLX\nleak:libGL\nleak:libgallium\nleak:dri.so\nleak:swrast\nleak:libLLVM\nleak:libX11\nleak:libxcb\n"
         "leak:libglfw\nleak:libdbus\nleak:libfontconfig\n";
}

namespace annexa::dashboard {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// True when this test ran as a child under xvfb-run (its verdict is then the child's); false when there is a
// display and the test should run here.
bool ranUnderXvfb() {
  if (displayAvailable()) return false;
  const auto xvfbRun = test::findOnPath("xvfb-run");
  if (xvfbRun.empty()) {
    ADD_FAILURE() << "no display and no xvfb-run (apt-get install xvfb xauth)";
    return true;
  }
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = std::string(info->test_suite_name()) + "." + info->name();
  annexa::test::FixtureRoot dir;
  const auto self = fs::read_symlink("/proc/self/exe");  // this binary (in the child, /proc/self is xvfb-run)
  auto run = test::runCommand({xvfbRun, "-a", "-s", "-screen 0 1600x1000x24", self.string(), "--gtest_filter=" + filter},
                              dir.path() / "child.log", 300s);
  EXPECT_TRUE(run) << run.error();
  if (run) {
    EXPECT_NE(run->find("[  PASSED  ] 1 test"), std::string::npos) << *run;
  }
  return true;
}

// The dashboard as main.cpp wires it: data source, register writer, window; clicks through a scripted input queue.
class Driver {
 public:
  Driver(test::LiveCollector& live, const std::string& operatorName, int width = 1280, int height = 800)
      : source_(*makeHttpsFetch(live.connection(operatorName)), DataSourceOptions{std::chrono::hours(1), 1000, "test", true},
                unixNow),
        writer_(*makeHttpsExchange(live.connection(operatorName)), [this] { source_.refresh(); }) {
    auto window = DashboardWindow::open(source_, WindowOptions{width, height, false, "annexa test"});
    if (!window) throw std::runtime_error(window.error());
    window_ = std::move(*window);
    ui().writer = &writer_;
    ui().tracker = &items;
    window_->setInputHook([this](ImGuiIO& io) {
      if (!steps_.empty()) {
        std::tie(x_, y_, down_) = steps_.front();
        steps_.pop_front();
      }
      io.MousePos = ImVec2(x_, y_);
      io.MouseDown[0] = down_;
    });
  }

  UiState& ui() { return window_->ui(); }
  DashboardWindow& window() { return *window_; }

  void frame() {
    items.clear();
    window_->frame();
  }

  // Renders until `done` holds (data arrives on the source's thread), at most `timeout`.
  bool until(const std::function<bool()>& done, std::chrono::seconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      frame();
      if (done()) return true;
      window_->waitEvents(0.02);  // woken early by each published snapshot
    }
    return false;
  }

  void show(ViewId view) {
    ui().switchTo = view;
    frame();
    frame();
  }

  // Moves onto the item, presses and releases the left button, one step a frame; then two quiet frames.
  void click(const std::string& name) {
    ASSERT_TRUE(items.count(name)) << "not on screen: " << name;
    const auto& r = items.at(name);
    const float x = (r.x0 + r.x1) * 0.5f, y = (r.y0 + r.y1) * 0.5f;
    steps_.assign({{x, y, false}, {x, y, true}, {x, y, false}});
    for (int i = 0; i < 5; ++i) frame();
  }

  std::size_t itemsWithPrefix(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& [name, rect] : items) n += name.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
  }

  // Keeps a PNG of the current view in ANNEXA_SCREENSHOT_DIR when set (docs/img is refreshed from these).
  void keep(const std::string& name) {
    const char* dir = std::getenv("ANNEXA_SCREENSHOT_DIR");
    if (!dir || !*dir) return;
    window_->frame(false);
    auto written = window_->capture(fs::path(dir) / (name + ".png"));
    EXPECT_TRUE(written) << written.error();
  }

  ItemTracker items;

 private:
  DataSource source_;
  RegisterWriter writer_;
  std::unique_ptr<DashboardWindow> window_;
  std::deque<std::tuple<float, float, bool>> steps_;
  float x_ = -1, y_ = -1;
  bool down_ = false;
};

bool fleetArrived(Driver& d) { return d.ui().snapshot && d.ui().snapshot->fleet && d.ui().snapshot->isms; }

TEST(DrillDown, AnnexAControlToItsFailingHostsEvidenceAndFix) {
  if (ranUnderXvfb()) return;
  test::LiveCollector live;
  live.enrollFleet(8);
  Driver d(live, "admin");
  ASSERT_TRUE(d.until([&] { return fleetArrived(d); }));
  std::string failing;
  for (const auto& c : d.ui().snapshot->fleet->controls)
    if (failing.empty() && c.status == ControlStatus::Failing) failing = c.id;
  ASSERT_FALSE(failing.empty());

  d.show(ViewId::AnnexA);
  std::snprintf(d.ui().controlFilter, sizeof d.ui().controlFilter, "%s", failing.c_str());  // typed into the filter
  d.frame();
  d.click("annex-a:control:" + failing);  // click 1: the control
  ASSERT_TRUE(d.until([&] { return d.items.count("annex-a:row:0") > 0; })) << "no host rows for " << failing;
  const auto* detail = d.ui().controlResults.detail();
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->control.id, failing);
  const auto first = d.ui().controlResults.rows().front();
  const auto& host = detail->hosts[first.host];
  const auto& result = host.results[first.result];
  EXPECT_EQ(result.status, ResultStatus::Fail);  // failing hosts first
  EXPECT_EQ(d.items["annex-a:row:0"].text, host.hostname + " " + result.check);

  d.click("annex-a:row:0");  // click 2: the failing host: its evidence and the fix, in full
  ASSERT_TRUE(d.until([&] { return d.items.count("annex-a:detail:remediation") > 0; }));
  EXPECT_EQ(d.items["annex-a:detail:host"].text, host.hostname);
  EXPECT_EQ(d.items["annex-a:detail:remediation"].text, result.remediation);
  EXPECT_EQ(result.remediation, "Set the option for " + result.check + " in its drop-in file and reload the service.");
  d.keep("dashboard-annex-a-drilldown");

  d.click("annex-a:detail:open-host");  // click 3: the host
  ASSERT_TRUE(d.until([&] {
    return d.ui().view == ViewId::Host && d.ui().snapshot->host && d.ui().snapshot->host->host.id == host.id;
  }));
  EXPECT_EQ(d.items["host:status:" + result.check].text, "FAIL");

  // Another control starts from the top with nothing selected.
  d.show(ViewId::AnnexA);
  std::string other;
  for (const auto& c : d.ui().snapshot->fleet->controls)
    if (other.empty() && c.id != failing && !c.checks.empty()) other = c.id;
  ASSERT_FALSE(other.empty());
  std::snprintf(d.ui().controlFilter, sizeof d.ui().controlFilter, "%s", other.c_str());
  d.frame();
  d.click("annex-a:control:" + other);
  ASSERT_TRUE(d.until([&] { return d.items.count("annex-a:control") && d.items["annex-a:control"].text == other; }));
  EXPECT_TRUE(d.ui().selectedResultHost.empty());
}

TEST(DrillDown, ATopFailingCheckListsEveryFailingHostEachAClickToHostDetail) {
  if (ranUnderXvfb()) return;
  test::LiveCollector live;
  const auto ids = live.enrollFleet(8);
  Driver d(live, "admin");
  ASSERT_TRUE(d.until([&] { return fleetArrived(d) && !d.ui().topFailing.empty(); }));
  d.show(ViewId::Overview);
  const auto top = d.ui().topFailing.front();
  d.click("overview:top:" + top.check);
  ASSERT_TRUE(d.until([&] { return d.ui().view == ViewId::Findings && d.itemsWithPrefix("findings:host:") > 0; }));
  // Every host the fleet made fail this check is listed, with what was observed there.
  const auto checks = test::fleetChecks();
  const auto k = static_cast<std::size_t>(std::find(checks.begin(), checks.end(), top.check) - checks.begin());
  ASSERT_LT(k, checks.size());
  std::size_t expected = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (test::fleetStatus(i, k) != CheckStatus::Fail) continue;
    ++expected;
    const auto hostname = test::fleetHostname(i);
    ASSERT_TRUE(d.items.count("findings:host:" + hostname)) << hostname;
    EXPECT_EQ(d.items["findings:host:" + hostname].text, "value " + std::to_string(i) + "  (want: expected value)");
    EXPECT_EQ(d.items["findings:status:" + hostname].text, "FAIL");
  }
  EXPECT_EQ(d.itemsWithPrefix("findings:host:"), expected);
  EXPECT_EQ(static_cast<int>(expected), top.hosts);
  d.keep("dashboard-findings-drilldown");

  const auto& name = d.items.lower_bound("findings:host:")->first;
  const auto hostname = name.substr(std::string("findings:host:").size());
  d.click(name);
  ASSERT_TRUE(d.until([&] { return d.ui().view == ViewId::Host && d.ui().snapshot->host && d.ui().snapshot->host->host.hostname == hostname; }));

  // A control chip of the same row opens the same place, on that control.
  d.show(ViewId::Overview);
  const auto chip = "overview:chip:" + top.check + ":" + top.controls.back();
  d.click(chip);
  ASSERT_TRUE(d.until([&] { return d.ui().view == ViewId::Findings && d.itemsWithPrefix("findings:host:") == expected; }));
  EXPECT_EQ(d.ui().findingFocus.control, top.controls.back());
}

TEST(DrillDown, AnAcceptedFailureShowsItsExceptionAndAnExcludedControlIsNotApplicable) {
  if (ranUnderXvfb()) return;
  test::LiveCollector live;
  const auto ids = live.enrollFleet(6);
  const auto check = test::fleetChecks()[0];  // host 0 fails check 0
  ASSERT_EQ(test::fleetStatus(0, 0), CheckStatus::Fail);
  const auto created = live.call("POST", "/api/v1/exceptions",
                                 {{"scope", "host_check"}, {"host", ids[0]}, {"check", check}, {"justification", "legacy appliance"},
                                  {"approver", "ciso"}, {"expires_at", test::LiveCollector::day(live.collector.now(), 30)}}, 201);
  const auto label = "ACCEPTED (exception #" + std::to_string(created.value("id", 0)) + ")";
  const auto controls = CheckMapping::builtin().controlsFor(check);
  live.call("PUT", "/api/v1/soa/" + controls.front(), {{"applicable", false}, {"justification", "out of scope: no such systems"}}, 200);

  Driver d(live, "admin");
  ASSERT_TRUE(d.until([&] { return fleetArrived(d); }));
  d.ui().selectHost(ids[0]);
  d.show(ViewId::Host);
  ASSERT_TRUE(d.until([&] { return d.items.count("host:status:" + check) > 0; }));
  EXPECT_EQ(d.items["host:status:" + check].text, label);

  d.ui().openFinding(controls.back(), check);
  ASSERT_TRUE(d.until([&] { return d.items.count("findings:status:web-01.example") > 0; }));
  EXPECT_EQ(d.items["findings:status:web-01.example"].text, label);

  // The excluded control is N/A in Annex A and in the overview's counts, whatever the fleet says.
  const auto& fleet = *d.ui().snapshot->fleet;
  const auto row = std::find_if(fleet.controls.begin(), fleet.controls.end(), [&](const ControlRow& c) { return c.id == controls.front(); });
  ASSERT_NE(row, fleet.controls.end());
  EXPECT_NE(row->status, ControlStatus::NotApplicable);
  EXPECT_EQ(d.ui().controls.status(*row), ControlStatus::NotApplicable);
  int notApplicable = 0, fleetNotApplicable = 0;
  for (const auto& t : d.ui().shownThemes) notApplicable += t.notApplicable;
  for (const auto& t : fleet.themes) fleetNotApplicable += t.notApplicable;
  EXPECT_EQ(notApplicable, fleetNotApplicable + 1);
}

// What an admin changes in a detail pane reaches the collector, and the view shows it after the refresh.
TEST(DrillDown, AnAdminEditsEveryRegisterAndSeesTheCollectorsAnswer) {
  if (ranUnderXvfb()) return;
  test::LiveCollector live;
  live.enrollFleet(4);
  live.call("POST", "/api/v1/nonconformities", {{"title", "Root login allowed"}, {"kind", "minor"}, {"control", "A.8.5"}}, 201);
  Driver d(live, "admin");
  ASSERT_TRUE(d.until([&] { return fleetArrived(d) && d.ui().writer->role() == OperatorRole::Admin; }));
  const auto isms = [&] { return d.ui().snapshot->isms; };
  const auto today = test::LiveCollector::day(live.collector.now(), 0);

  // SoA: the owner of A.5.1.
  d.show(ViewId::Soa);
  EXPECT_EQ(d.items["edit-note"].text, "admin");
  d.click("soa:row:A.5.1");
  ASSERT_TRUE(d.until([&] { return d.items.count("soa:save") > 0; }));
  d.ui().forms.soa.field("owner")->value = "ciso office";
  d.click("soa:save");
  ASSERT_TRUE(d.until([&] { return isms()->soa.rows[0].owner == "ciso office"; })) << d.ui().writer->outcome("soa").error;

  // Exceptions: refused without an approver (shown next to that field), then added, then revoked.
  d.show(ViewId::Exceptions);
  auto& form = d.ui().forms.exception;
  ASSERT_FALSE(form.fields.empty());
  form.field("scope")->value = "check";
  form.field("check")->value = test::fleetChecks()[0];
  form.field("justification")->value = "vendor freeze until the upgrade";
  form.field("expires_at")->value = test::LiveCollector::day(live.collector.now(), 40);
  d.click("exception-new:save");
  ASSERT_TRUE(d.until([&] { return d.items.count("exception-new:error:approver") > 0; }));
  EXPECT_NE(d.items["exception-new:error:approver"].text.find("needs an approver"), std::string::npos);
  form.field("approver")->value = "ciso";
  d.click("exception-new:save");
  ASSERT_TRUE(d.until([&] { return isms()->exceptions.rows.size() == 1; }));
  EXPECT_EQ(isms()->exceptions.rows[0].justification, "vendor freeze until the upgrade");
  ASSERT_TRUE(d.until([&] { return d.ui().forms.exception.value("check").empty(); }));  // a new, empty form
  d.click("exceptions:row:" + std::to_string(isms()->exceptions.rows[0].id));
  d.click("exceptions:revoke");
  d.click("exceptions:confirm-revoke");
  ASSERT_TRUE(d.until([&] { return isms()->exceptions.rows[0].state == ExceptionState::Revoked; }));

  // Risks: a likelihood out of range is refused next to it; then the risk is recorded.
  d.show(ViewId::Risks);
  d.click("risks:new");
  ASSERT_TRUE(d.until([&] { return d.items.count("risk-new:save") > 0; }));
  auto& risk = d.ui().forms.risk;
  risk.field("title")->value = "Ransomware on the file server";
  risk.field("likelihood")->value = "9";
  risk.field("impact")->value = "5";
  d.click("risk-new:save");
  ASSERT_TRUE(d.until([&] { return d.items.count("risk-new:error:likelihood") > 0; }));
  risk.field("likelihood")->value = "3";
  d.click("risk-new:save");
  ASSERT_TRUE(d.until([&] { return isms()->risks.size() == 1; }));
  EXPECT_EQ(isms()->risks[0].score, 15);

  // Non-conformity: open -> root_cause.
  d.show(ViewId::Nc);
  d.click("nc:row:" + std::to_string(isms()->nonConformities.rows[0].id));
  ASSERT_TRUE(d.until([&] { return d.items.count("nc:save") > 0; }));
  EXPECT_EQ(d.ui().forms.nc.value("to"), "root_cause");
  d.ui().forms.nc.field("root_cause")->value = "the base image allows it";
  d.click("nc:save");
  ASSERT_TRUE(d.until([&] { return isms()->nonConformities.rows[0].state == "root_cause"; }));

  // Readiness: an attestation, and the audit calendar.
  d.show(ViewId::Readiness);
  d.click("readiness:row:program.scope");
  ASSERT_TRUE(d.until([&] { return d.items.count("attestation:save") > 0; }));
  d.ui().forms.attestation.field("attested_by")->value = "ciso";
  d.ui().forms.attestation.field("evidence_ref")->value = "ISMS-SCOPE-v4";
  d.click("attestation:save");
  ASSERT_TRUE(d.until([&] { return isms()->readiness.areas[0].items[0].met; }));
  d.ui().forms.calendar.field("internal_audit")->value = today;
  d.click("calendar:save");
  ASSERT_TRUE(d.until([&] { return isms()->calendar.internalAudit == today; }));
  d.keep("dashboard-readiness-edit");
}

TEST(DrillDown, AViewerGetsReadOnlyRegistersAndIsToldSo) {
  if (ranUnderXvfb()) return;
  test::LiveCollector live;
  live.enrollFleet(2);
  live.collector.operatorTls("auditor", pki::Role::Viewer);
  Driver d(live, "auditor");
  ASSERT_TRUE(d.until([&] { return fleetArrived(d) && d.ui().writer->role() == OperatorRole::Viewer; }));
  d.show(ViewId::Soa);
  EXPECT_EQ(d.items["edit-note"].text, "Read-only: connected with a viewer certificate.");
  d.click("soa:row:A.5.1");
  ASSERT_TRUE(d.until([&] { return d.items.count("soa:detail:title") > 0; }));
  EXPECT_EQ(d.items["soa:detail:title"].text, "Policies for information security");
  EXPECT_EQ(d.items.count("soa:save"), 0u);  // no Save for a viewer
  EXPECT_FALSE(d.ui().canEdit());
}

}  // namespace
}  // namespace annexa::dashboard
