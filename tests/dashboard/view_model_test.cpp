#include <gtest/gtest.h>

#include <set>

#include "dashboard/data_source.hpp"
#include "dashboard/view_model.hpp"
#include "tests/dashboard/fake_api.hpp"

namespace annexa::dashboard {
namespace {

std::shared_ptr<const FleetData> fleetOf(int hosts) {
  test::FakeApi api(hosts);
  DataSource source([&](const std::string& t) { return api(t); },
                    DataSourceOptions{std::chrono::hours(1), 1000, "x", false}, [] { return std::int64_t{0}; });
  source.refreshNow();
  return source.current()->fleet;
}

std::vector<std::string> hostnames(HostTableModel& model) {
  std::vector<std::string> names;
  for (const auto i : model.rows()) names.push_back(model.host(i).hostname);
  return names;
}

TEST(HostTable, SortsByEveryColumnBothWays) {
  HostTableModel model;
  model.setData(fleetOf(50));
  auto names = hostnames(model);
  ASSERT_EQ(names.size(), 50u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  model.setSort(HostColumn::Hostname, false);
  names = hostnames(model);
  EXPECT_TRUE(std::is_sorted(names.rbegin(), names.rend()));

  model.setSort(HostColumn::Fail, false);
  int previous = 1 << 30;
  for (const auto i : model.rows()) {
    EXPECT_LE(model.host(i).fail, previous);
    previous = model.host(i).fail;
  }
  model.setSort(HostColumn::LastSeen, true);
  std::int64_t last = -1;
  for (const auto i : model.rows()) {
    EXPECT_GE(model.host(i).lastSeen, last);
    last = model.host(i).lastSeen;
  }
  model.setSort(HostColumn::Stale, false);
  EXPECT_TRUE(model.host(model.rows().front()).stale);
  EXPECT_FALSE(model.host(model.rows().back()).stale);
}

TEST(HostTable, TiesAreBrokenByHostnameSoTheOrderIsStable) {
  HostTableModel model;
  model.setData(fleetOf(40));
  model.setSort(HostColumn::Os, true);
  const auto& rows = model.rows();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& a = model.host(rows[i - 1]);
    const auto& b = model.host(rows[i]);
    if (a.os == b.os) {
      EXPECT_LE(a.hostname, b.hostname);
    }
  }
}

TEST(HostTable, FiltersCaseInsensitivelyAndByStaleness) {
  HostTableModel model;
  model.setData(fleetOf(30));
  model.setFilter("  UBUNTU ");
  for (const auto i : model.rows()) EXPECT_EQ(model.host(i).os, "Ubuntu 24.04 LTS");
  EXPECT_EQ(model.rows().size(), 10u);
  model.setFilter("host-7");  // by id
  EXPECT_EQ(model.rows().size(), 1u);
  model.setFilter("");
  model.setStaleOnly(true);
  for (const auto i : model.rows()) EXPECT_TRUE(model.host(i).stale);
  EXPECT_EQ(model.rows().size(), 8u);  // 0, 4, ..., 28
  model.setFilter("no such host");
  EXPECT_TRUE(model.rows().empty());
}

TEST(HostTable, RebuildsOnlyWhenDataFilterOrSortChange) {
  HostTableModel model;
  auto fleet = fleetOf(100);
  model.setData(fleet);
  for (int frame = 0; frame < 100; ++frame) {  // what the view does every frame
    model.setData(fleet);
    model.setFilter("");
    model.setSort(HostColumn::Hostname, true);
    (void)model.rows();
  }
  EXPECT_EQ(model.rebuilds(), 1u);
  model.setSort(HostColumn::Fail, true);
  (void)model.rows();
  (void)model.rows();
  EXPECT_EQ(model.rebuilds(), 2u);
  model.setFilter("web");
  (void)model.rows();
  EXPECT_EQ(model.rebuilds(), 3u);
  model.setData(fleetOf(100));  // a new snapshot: new data even if equal
  (void)model.rows();
  EXPECT_EQ(model.rebuilds(), 4u);
}

TEST(HostTable, TenThousandHostsSortQuickly) {
  HostTableModel model;
  model.setData(fleetOf(10000));
  const auto start = std::chrono::steady_clock::now();
  model.setSort(HostColumn::Fail, false);
  EXPECT_EQ(model.rows().size(), 10000u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

TEST(ControlTable, FiltersByTextAnd2013IdAndStatus) {
  ControlTableModel model;
  model.setData(fleetOf(1));
  EXPECT_EQ(model.rows().size(), 5u);
  model.setFilter("a.10.1");  // a 2013 id
  ASSERT_EQ(model.rows().size(), 1u);
  EXPECT_EQ(model.control(model.rows()[0]).id, "A.8.24");
  model.setFilter("technological");
  EXPECT_EQ(model.rows().size(), 3u);
  model.setStatusShown(ControlStatus::Passing, false);
  ASSERT_EQ(model.rows().size(), 2u);  // hiding passing does not hide accepted
  model.setStatusShown(ControlStatus::Accepted, false);
  ASSERT_EQ(model.rows().size(), 1u);
  EXPECT_EQ(model.control(model.rows()[0]).id, "A.8.5");
  model.setFilter("");
  model.setStatusShown(ControlStatus::Passing, true);
  model.setStatusShown(ControlStatus::Accepted, true);
  model.setStatusShown(ControlStatus::NotEvidenced, false);
  EXPECT_EQ(model.rows().size(), 4u);
  const auto rebuilds = model.rebuilds();
  (void)model.rows();
  EXPECT_EQ(model.rebuilds(), rebuilds);
}

TEST(Overview, TopFailingChecksCountEachCheckOnceAcrossControls) {
  const auto fleet = fleetOf(1);
  const auto top = topFailingChecks(fleet->findings, 10);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].check, "ssh.permit_root_login");
  EXPECT_EQ(top[0].hosts, 5);
  EXPECT_EQ(top[0].controls, (std::vector<std::string>{"A.8.5", "A.8.9"}));
  EXPECT_EQ(top[1].check, "pam.mfa");
  EXPECT_EQ(top[2].check, "files.shadow_mode");
  EXPECT_EQ(topFailingChecks(fleet->findings, 1).size(), 1u);
}

TEST(Overview, ChangeSinceYesterdayComparesTheLastTwoDays) {
  const auto fleet = fleetOf(1);
  const auto change = changeSinceYesterday(fleet->history);
  ASSERT_TRUE(change.available);
  EXPECT_EQ(change.fromDay, "2026-11-22");
  EXPECT_EQ(change.toDay, "2026-11-23");
  ASSERT_EQ(change.themes.size(), 2u);
  EXPECT_EQ(change.themes[1].theme, "Technological");
  EXPECT_EQ(change.themes[1].passingDelta, 2);
  EXPECT_EQ(change.themes[1].failingDelta, -2);
  EXPECT_EQ(change.themes[0].passingDelta, 1);

  std::vector<ThemeDay> oneDay = {{"2026-11-23", "People", 1, 0, 0, 7, 0}};
  EXPECT_FALSE(changeSinceYesterday(oneDay).available);
}

TEST(Overview, TheChangeTitleSaysYesterdayOnlyWhenItIsYesterday) {
  const auto change = changeSinceYesterday(fleetOf(1)->history);  // 2026-11-22 -> 2026-11-23
  EXPECT_EQ(dayChangeTitle(change, "2026-11-23"), "Change since yesterday (controls)");
  EXPECT_EQ(dayChangeTitle(change, "2026-11-25"),
            "Change from 2026-11-22 to 2026-11-23 (controls; the last two recorded days)");
  const auto gap = changeSinceYesterday({{"2026-11-20", "People", 1, 0, 0, 7, 0}, {"2026-11-23", "People", 2, 0, 0, 6, 0}});
  EXPECT_EQ(dayChangeTitle(gap, "2026-11-23"),
            "Change from 2026-11-20 to 2026-11-23 (controls; the last two recorded days)");
}

TEST(Findings, GroupedByControlThenSeverityWithHostCounts) {
  const auto fleet = fleetOf(1);
  const auto groups = groupFindings(fleet->findings);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].controlId, "A.8.5");
  EXPECT_EQ(groups[0].severity, Severity::Critical);
  EXPECT_EQ(groups[0].maxHosts, 5);
  EXPECT_EQ(groups[1].controlId, "A.8.5");
  EXPECT_EQ(groups[1].severity, Severity::High);
  EXPECT_EQ(groups[2].controlId, "A.8.9");
  EXPECT_EQ(groups[3].severity, Severity::Low);
  EXPECT_EQ(groups[3].firstSeen, "2026-11-19T10:00:00Z");

  const auto critical = groupFindings(fleet->findings, Severity::Critical);
  ASSERT_EQ(critical.size(), 2u);
  for (const auto& g : critical) EXPECT_EQ(g.severity, Severity::Critical);
  const auto filtered = groupFindings(fleet->findings, Severity::Low, "MFA");
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].checks.at(0).check, "pam.mfa");
}

TEST(Trends, ThemeSeriesArePercentPassingPerDay) {
  const auto fleet = fleetOf(1);
  const auto chart = themeTrend(fleet->history);
  ASSERT_EQ(chart.days, (std::vector<std::string>{"2026-11-22", "2026-11-23"}));
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].name, "Technological");
  // Of the applicable, evidenced controls (passing, failing, partial, accepted): not evidenced ones are left out.
  EXPECT_NEAR(chart.series[0].values[0], 100.0f * 10 / 19, 0.01);
  EXPECT_NEAR(chart.series[0].values[1], 100.0f * 12 / 19, 0.01);
  EXPECT_NEAR(chart.series[1].values[0], 0.0f, 0.01);  // nothing evidenced that day
  EXPECT_NEAR(chart.series[1].values[1], 100.0f, 0.01);  // 1 passing, 7 not evidenced
  EXPECT_EQ(chart.maxValue, 100.0f);
  // An accepted control is in the denominator but never passing; not applicable ones are not in it.
  const auto withAccepted = themeTrend({{"2026-11-23", "People", 1, 0, 0, 2, 3, 1}});
  EXPECT_NEAR(withAccepted.series[0].values[0], 50.0f, 0.01);

  ControlHistory history{"A.8.5", {{"2026-11-22", ControlStatus::Failing, 1, 4, 0, 0}, {"2026-11-23", ControlStatus::Passing, 5, 0, 0, 0}}};
  const auto control = controlTrend(history);
  EXPECT_EQ(control.series.at(0).values, (std::vector<float>{1, 5}));
  EXPECT_EQ(control.series.at(1).values, (std::vector<float>{4, 0}));
  EXPECT_EQ(control.maxValue, 8.0f);  // 5 rounded up to four whole steps
  EXPECT_EQ(controlTrend(ControlHistory{}).maxValue, 4.0f);
}

TEST(HostDetail, FailuresFirstThenErrorsThenPasses) {
  HostDetail detail;
  detail.results = {{"a", "", ResultStatus::Pass, Severity::Low, {}, "", "", "", {}, ""},
                    {"b", "", ResultStatus::Fail, Severity::Low, {}, "", "", "", {}, ""},
                    {"c", "", ResultStatus::Error, Severity::High, {}, "", "", "", {}, ""},
                    {"d", "", ResultStatus::Fail, Severity::Critical, {}, "", "", "", {}, ""}};
  EXPECT_EQ(hostResultOrder(detail), (std::vector<std::uint32_t>{3, 1, 2, 0}));
}

TEST(Snapshot, StatusLabelsAreTextNotJustColour) {
  EXPECT_EQ(label(ControlStatus::Passing), "PASS");
  EXPECT_EQ(label(ControlStatus::Failing), "FAIL");
  EXPECT_EQ(label(ControlStatus::NotEvidenced), "NO EVIDENCE");
  EXPECT_EQ(label(ControlStatus::Accepted), "ACCEPTED");
  EXPECT_EQ(parseControlStatus("accepted"), ControlStatus::Accepted);
  EXPECT_EQ(parseControlStatus("something new"), ControlStatus::NotEvidenced);  // never a pass by accident
  // Every status has its own label, and the overview's list of statuses holds each once.
  std::set<std::string_view> labels;
  for (const auto s : kAllControlStatuses) labels.insert(label(s));
  EXPECT_EQ(labels.size(), 6u);
  ThemeCounts t{"T", 1, 2, 3, 4, 5, 6};
  int sum = 0;
  for (const auto s : kAllControlStatuses) sum += t.count(s);
  EXPECT_EQ(sum, t.total());
  EXPECT_EQ(t.count(ControlStatus::Accepted), 6);
  EXPECT_EQ(parseResultStatus("weird"), ResultStatus::Error);
}

TEST(Snapshot, MalformedJsonIsAnErrorNotACrash) {
  EXPECT_FALSE(parsePosture("{"));
  EXPECT_FALSE(parsePosture("[]"));
  EXPECT_FALSE(parsePosture(R"({"summary": {}, "controls": []})"));
  EXPECT_FALSE(parseHostPage("nope"));
  auto page = parseHostPage(R"({"total": 1, "hosts": [{"id": 5, "hostname": ["x"]}]})");  // wrong types: defaults
  ASSERT_TRUE(page);
  EXPECT_EQ(page->hosts.at(0).hostname, "");
}

TEST(Time, HourMinute) {
  EXPECT_EQ(formatHourMinute(0, true), "00:00");
  EXPECT_EQ(formatHourMinute(13 * 3600 + 7 * 60 + 59, true), "13:07");
}

}  // namespace
}  // namespace annexa::dashboard
