// A collector database in a temp dir with a hand-built fleet, for the ISMS tests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collector/isms/isms_service.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/store/store.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "tests/support/fixture.hpp"

namespace annexa::collector::isms::test {

inline constexpr std::int64_t kNow = 1795424427;  // 2026-11-23T09:00:27Z

struct Result1 {
  std::string check;
  CheckStatus status;
  Severity severity = Severity::High;
};

class IsmsFixture {
 public:
  IsmsFixture()
      : store(openSqliteStore(dir.path() / "annexa.db")),
        isms(IsmsStore::open(dir.path() / "annexa.db")),
        service(*store, *isms, Catalog::builtin(), CheckMapping::builtin(), {}) {}

  // Enrolls a host (reported at `seen`) and stores one report with these results.
  void host(const std::string& id, const std::vector<Result1>& results, std::int64_t seen = kNow) {
    AgentRecord agent;
    agent.id = id;
    agent.hostname = id;
    agent.certSerial = "serial-" + id;
    agent.enrolledAt = seen - 100;
    store->addAgent(agent);
    report(id, results, seen);
  }

  void report(const std::string& id, const std::vector<Result1>& results, std::int64_t seen = kNow) {
    Report report;
    report.reportId = uuid4();
    report.startedAt = formatRfc3339(seen);
    report.host.hostname = id;
    for (const auto& r : results) {
      CheckResult c;
      c.check = r.check;
      c.title = r.check;
      c.status = r.status;
      c.severity = r.severity;
      report.results.push_back(c);
    }
    store->ingest({{id, report, toJson(report).dump(), seen, {}}});  // the writer hashes it
  }

  // n hosts named prefix-0…, of which the first `failing` fail `check` and the rest pass it.
  void fleet(const std::string& prefix, int n, int failing, const std::string& check, Severity severity) {
    for (int i = 0; i < n; ++i)
      host(prefix + "-" + std::to_string(i), {{check, i < failing ? CheckStatus::Fail : CheckStatus::Pass, severity}});
  }

  ::annexa::test::FixtureRoot dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<IsmsStore> isms;
  IsmsService service;
};

}  // namespace annexa::collector::isms::test
