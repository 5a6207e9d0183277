#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>

#include "dashboard/data_source.hpp"
#include "dashboard/isms_snapshot.hpp"
#include "dashboard/view_model.hpp"
#include "tests/dashboard/fake_api.hpp"

namespace annexa::dashboard {
namespace {

using test::FakeApi;

struct Manual {
  FakeApi api;
  std::int64_t now = 1'700'000'000;
  DataSource source;
  explicit Manual(int hosts, int pageSize = 1000)
      : api(hosts),
        source([this](const std::string& t) { return api(t); }, DataSourceOptions{std::chrono::hours(1), pageSize, "https://test:1", false},
               [this] { return now; }) {}
};

TEST(DataSource, AnIsmsRegisterMissingDoesNotMakeTheCollectorOffline) {
  // An older collector without the ISMS API answers 404: the fleet views keep working, the ISMS views say why.
  struct NoIsms {
    FakeApi api{3};
    Result<std::string> operator()(const std::string& t) {
      if (t == "/api/v1/risks") return makeError("GET /api/v1/risks: HTTP 404 no such endpoint");
      if (t == "/api/v1/calendar") return makeError("GET /api/v1/calendar: HTTP 404 no such endpoint");
      return api(t);
    }
  } fake;
  DataSource source([&](const std::string& t) { return fake(t); }, DataSourceOptions{std::chrono::hours(1), 1000, "x", false},
                    [] { return std::int64_t{1}; });
  source.refreshNow();
  const auto s = source.current();
  EXPECT_TRUE(s->connection.connected);
  ASSERT_TRUE(s->fleet);
  ASSERT_TRUE(s->isms);
  EXPECT_NE(s->isms->error.find("/api/v1/risks"), std::string::npos) << s->isms->error;
  EXPECT_TRUE(s->isms->risks.empty());
  EXPECT_EQ(s->isms->exceptions.rows.size(), 3u);  // the others still arrived
  EXPECT_FALSE(s->isms->calendar.received);  // the overview says so; the readiness register still arrived
  EXPECT_EQ(s->isms->readiness.score, 2);
}

TEST(DataSource, AControlTheSoaExcludesIsNotApplicableInTheThemeHistory) {
  // A.7.4 (Physical) is excluded in the fake SoA; its own series says it failed on both days.
  struct WithPhysical {
    FakeApi api{3};
    Result<std::string> operator()(const std::string& t) {
      if (t != "/api/v1/history") return api(t);
      auto history = FakeApi::history();
      for (const char* day : {"2026-11-22", "2026-11-23"})
        history["series"].push_back({{"day", day}, {"theme", "Physical"}, {"passing", 0}, {"failing", 1}, {"partial", 1},
                                     {"not_evidenced", 12}, {"not_applicable", 0}});
      return history.dump();
    }
  } fake;
  DataSource source([&](const std::string& t) { return fake(t); }, DataSourceOptions{std::chrono::hours(1), 1000, "x", false},
                    [] { return std::int64_t{1}; });
  source.refreshNow();
  const auto s = source.current();
  ASSERT_TRUE(s->fleet);
  EXPECT_NE(std::find(fake.api.targets.begin(), fake.api.targets.end(), "/api/v1/history?control=A.7.4"), fake.api.targets.end());
  int physicalDays = 0;
  for (const auto& d : s->fleet->history) {
    if (d.theme != "Physical") continue;
    ++physicalDays;
    EXPECT_EQ(d.failing, 0) << d.day;
    EXPECT_EQ(d.notApplicable, 1) << d.day;
    EXPECT_EQ(d.partial, 1) << d.day;  // the other Physical control is untouched
  }
  EXPECT_EQ(physicalDays, 2);
}

TEST(DataSource, StartsEmptyAndConnecting) {
  Manual m(3);
  const auto s = m.source.current();
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->fleet);
  EXPECT_FALSE(s->connection.connected);
  EXPECT_FALSE(s->stale());
  EXPECT_EQ(connectionBanner(s->connection), "connecting to https://test:1 ...");
}

TEST(DataSource, RefreshFetchesEveryHostPageAndPublishesOneSnapshot) {
  Manual m(2500, 1000);
  m.source.refreshNow();
  const auto s = m.source.current();
  ASSERT_TRUE(s->fleet);
  EXPECT_TRUE(s->connection.connected);
  EXPECT_EQ(s->generation, 1u);
  EXPECT_EQ(s->fleet->hosts.size(), 2500u);
  EXPECT_EQ(s->fleet->controls.size(), 5u);
  EXPECT_EQ(s->fleet->themes.size(), 4u);
  EXPECT_EQ(s->fleet->hostsStale, 1);
  EXPECT_EQ(s->fleet->findings.controls.size(), 2u);
  EXPECT_EQ(s->fleet->history.size(), 4u);
  int pages = 0;
  for (const auto& t : m.api.targets) pages += t.rfind("/api/v1/hosts?", 0) == 0;
  EXPECT_EQ(pages, 3);  // 1000 + 1000 + 500
  const auto& c = s->fleet->controls[1];
  EXPECT_EQ(c.id, "A.8.5");
  EXPECT_EQ(c.status, ControlStatus::Failing);
  EXPECT_EQ(c.iso2013Text, "A.9.4.2");
  EXPECT_EQ(c.hostsFailing, 1);
  EXPECT_EQ(c.hostsFailingStale, 1);  // a stale host's last failure, still failing
  EXPECT_EQ(controlHostCounts(c),
            "hosts: 2 passing, 1 failing (1 of them stale), 0 accepted, 0 error, 0 stale without failures");
  EXPECT_EQ(s->fleet->findings.controls[0].checks[1].hostsStale, 1);
  EXPECT_EQ(s->fleet->controls[4].iso2013Text, "new in 2022");
  const auto& accepted = s->fleet->controls[3];  // failures covered by an exception: own status, never passing
  EXPECT_EQ(accepted.status, ControlStatus::Accepted);
  EXPECT_EQ(accepted.hostsAccepted, 1);
  EXPECT_EQ(s->fleet->themes[3].accepted, 1);
  EXPECT_EQ(s->fleet->themes[3].total(), 3);
  ASSERT_TRUE(s->isms);  // the registers arrive in the same snapshot
  EXPECT_TRUE(s->isms->error.empty()) << s->isms->error;
  EXPECT_EQ(s->isms->soa.rows.size(), 3u);
  EXPECT_EQ(s->isms->readiness.score, 2);
  EXPECT_TRUE(s->isms->calendar.received);
  EXPECT_EQ(s->isms->calendar.openMajorNonConformities, 1);
  EXPECT_EQ(s->fleet->hosts[9].lastSeenText, "never");
  EXPECT_EQ(s->fleet->hosts[9].lastSeen, 0);
}

TEST(DataSource, OldSnapshotsStayValidAndUnchangedAfterASwap) {
  Manual m(10);
  m.source.refreshNow();
  const auto first = m.source.current();
  const auto* firstFleet = first->fleet.get();
  m.api.hostCount = 20;
  m.source.refreshNow();
  const auto second = m.source.current();
  EXPECT_NE(first, second);
  EXPECT_GT(second->generation, first->generation);
  EXPECT_EQ(first->fleet.get(), firstFleet);
  EXPECT_EQ(first->fleet->hosts.size(), 10u);  // the UI may still be drawing it: it must not change
  EXPECT_EQ(second->fleet->hosts.size(), 20u);
}

TEST(DataSource, DisconnectionKeepsTheLastDataMarkedStale) {
  Manual m(5);
  m.now = 1000;
  m.source.refreshNow();
  const auto good = m.source.current();
  m.api.down = true;
  m.now = 1600;
  m.source.refreshNow();
  auto s = m.source.current();
  EXPECT_FALSE(s->connection.connected);
  EXPECT_TRUE(s->stale());
  EXPECT_EQ(s->fleet, good->fleet);  // the same data, still shown
  EXPECT_EQ(s->connection.disconnectedSince, 1600);
  EXPECT_EQ(s->connection.lastSuccess, 1000);
  EXPECT_NE(s->connection.lastError.find("Connection refused"), std::string::npos);
  EXPECT_NE(connectionBanner(s->connection).find("disconnected since " + formatHourMinute(1600)), std::string::npos);
  EXPECT_NE(connectionBanner(s->connection).find("STALE"), std::string::npos);

  m.now = 1900;  // still down: the outage started at 1600, not now
  m.source.refreshNow();
  EXPECT_EQ(m.source.current()->connection.disconnectedSince, 1600);

  m.api.down = false;
  m.now = 2000;
  m.source.refreshNow();
  s = m.source.current();
  EXPECT_TRUE(s->connection.connected);
  EXPECT_FALSE(s->stale());
  EXPECT_EQ(s->connection.disconnectedSince, 0);
  EXPECT_TRUE(s->connection.lastError.empty());
}

TEST(DataSource, NeverConnectedHasNoFleetAndSaysWhy) {
  Manual m(5);
  m.api.down = true;
  m.source.refreshNow();
  const auto s = m.source.current();
  EXPECT_FALSE(s->fleet);
  EXPECT_FALSE(s->stale());
  EXPECT_NE(connectionBanner(s->connection).find("cannot reach https://test:1"), std::string::npos);
}

TEST(DataSource, SelectionsAreFetchedWithoutCopyingTheFleet) {
  Manual m(5);
  m.source.refreshNow();
  const auto before = m.source.current();
  m.source.selectHost("host-3");
  m.source.selectControl("A.8.5");
  m.source.refreshNow();
  const auto s = m.source.current();
  ASSERT_TRUE(s->host);
  EXPECT_EQ(s->host->host.id, "host-3");
  EXPECT_EQ(s->host->results.size(), 3u);
  EXPECT_EQ(s->host->host.fail, 1);
  EXPECT_EQ(s->host->results[0].evidence.at(0).expected, "permitrootlogin no");
  EXPECT_EQ(s->host->results[0].controlsText, "A.8.5, A.8.9");
  ASSERT_TRUE(s->control);
  EXPECT_EQ(s->control->control.id, "A.8.5");
  EXPECT_EQ(s->control->hosts.at(0).results.at(0).status, ResultStatus::Fail);
  ASSERT_TRUE(s->controlHistory);
  EXPECT_EQ(s->controlHistory->controlId, "A.8.5");
  EXPECT_EQ(s->controlHistory->days.size(), 2u);
  EXPECT_NE(s->generation, before->generation);
}

TEST(DataSource, RefusesIdsThatAreNotPathSegments) {
  Manual m(1);
  m.source.selectHost("../../etc");
  m.source.refreshNow();
  for (const auto& t : m.api.targets) EXPECT_EQ(t.find(".."), std::string::npos) << t;
  EXPECT_FALSE(m.source.current()->host);
}

TEST(DataSource, BackgroundThreadNeverBlocksTheReader) {
  // The fetch blocks until released; current() must answer meanwhile (the UI thread never waits on I/O).
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  FakeApi api(3);
  std::promise<void> published;
  auto publishedFuture = published.get_future();
  bool once = false;  // declared before the source: its worker may still call the callback while stopping
  DataSourceOptions options;
  options.refreshInterval = std::chrono::hours(1);
  DataSource source(
      [&](const std::string& target) {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return release; });
        return api(target);
      },
      options, [] { return std::int64_t{1000}; });
  source.onPublish([&] {
    if (!std::exchange(once, true)) published.set_value();
  });
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(source.current()->fleet);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  ASSERT_EQ(publishedFuture.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(source.current()->fleet);
}

TEST(DataSource, RefreshRequestWakesTheWorker) {
  std::atomic<int> postures{0};
  FakeApi api(2);
  DataSourceOptions options;
  options.refreshInterval = std::chrono::hours(1);
  std::mutex mutex;
  std::condition_variable cv;
  int publications = 0;
  DataSource source(
      [&](const std::string& t) {
        if (t == "/api/v1/posture") ++postures;
        return api(t);
      },
      options, [] { return std::int64_t{1}; });
  source.onPublish([&] {
    std::lock_guard lock(mutex);
    ++publications;
    cv.notify_all();
  });
  // The worker may publish its first snapshot before onPublish is registered: count by generation too.
  const auto waitFor = [&](int n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] {
      return publications >= n || source.current()->generation >= static_cast<std::uint64_t>(n);
    });
  };
  ASSERT_TRUE(waitFor(1));
  source.refresh();
  ASSERT_TRUE(waitFor(2));
  EXPECT_EQ(postures.load(), 2);
}

}  // namespace
}  // namespace annexa::dashboard
