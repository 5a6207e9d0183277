#include "tests/support/fixture.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "agent/check.hpp"
#include "agent/facts/host_facts.hpp"
#include "agent/runner.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result_digest.hpp"

namespace annexa::test {
namespace fs = std::filesystem;

fs::path fixturesDirectory() { return fs::path(ANNEXA_FIXTURES_DIR); }

FixtureRoot::FixtureRoot() {
  std::string templ = (fs::temp_directory_path() / "annexa-fixture-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  root_ = templ;
}

FixtureRoot::FixtureRoot(std::string_view fixture) : FixtureRoot() {
  const fs::path source = fixturesDirectory() / fixture;
  if (!fs::is_directory(source)) throw std::runtime_error("no fixture " + source.string());
  fs::copy(source, root_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

FixtureRoot::~FixtureRoot() {
  std::error_code ec;
  // Make everything writable again so tests that chmod 000 can still be cleaned up.
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!it->is_symlink()) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(root_, ec);
}

fs::path FixtureRoot::hostPath(std::string_view path) const {
  return root_ / fs::path(path).relative_path();
}

void FixtureRoot::write(std::string_view path, std::string_view content, mode_t mode) {
  const auto target = hostPath(path);
  fs::create_directories(target.parent_path());
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + target.string());
    out << content;
  }
  chmod(path, mode);
}

void FixtureRoot::makeDirectory(std::string_view path, mode_t mode) {
  fs::create_directories(hostPath(path));
  chmod(path, mode);
}

void FixtureRoot::symlink(std::string_view target, std::string_view path) {
  const auto link = hostPath(path);
  fs::create_directories(link.parent_path());
  fs::create_symlink(fs::path(target), link);
}

void FixtureRoot::chmod(std::string_view path, mode_t mode) {
  if (::chmod(hostPath(path).c_str(), mode) != 0) throw std::runtime_error("chmod failed on " + std::string(path));
}

void FixtureRoot::setMtime(std::string_view path, std::int64_t unixSeconds) {
  fs::last_write_time(hostPath(path), fs::file_time_type::clock::from_sys(
                                          std::chrono::system_clock::time_point(std::chrono::seconds(unixSeconds))));
}

void FixtureRoot::remove(std::string_view path) { fs::remove_all(hostPath(path)); }

Report fleetLikeReport(int seed) {
  static const char* const kAreas[] = {"ssh", "kernel", "auditd", "firewall", "accounts", "time", "disk", "updates"};
  Report report;
  report.reportId = "report-" + std::to_string(seed);
  report.agentVersion = "0.1.0";
  report.host = {"host-" + std::to_string(seed % 7), {"debian", "12", "Debian GNU/Linux 12 (bookworm)"}, "6.1.0-18-amd64", ""};
  report.startedAt = "2026-11-01T10:00:00Z";
  for (int i = 0; i < 50; ++i) {
    const std::string area = kAreas[i % 8];
    CheckResult r;
    r.check = area + ".setting_" + std::to_string(i);
    r.title = "The " + area + " setting number " + std::to_string(i) + " meets the hardening baseline";
    r.status = (seed + i) % 5 == 0 ? CheckStatus::Fail : CheckStatus::Pass;
    r.severity = static_cast<Severity>(i % 4);
    r.controls = {"A.8." + std::to_string(i % 34 + 1)};
    r.evidence = {{"/etc/" + area + "/" + area + ".conf", "setting_" + std::to_string(i) + " = " + std::to_string((seed * 31 + i) % 97),
                   "setting_" + std::to_string(i) + " = 1"}};
    r.message = r.status == CheckStatus::Pass ? "as expected" : "differs from the baseline";
    r.remediation = "Set setting_" + std::to_string(i) + " in /etc/" + area + "/" + area + ".conf and reload the service.";
    report.results.push_back(r);
  }
  return report;
}

Report unchangedSince(const Report& full, const std::string& startedAt) {
  Report shortReport = full;
  shortReport.reportId = uuid4();
  shortReport.startedAt = startedAt;
  shortReport.results.clear();
  shortReport.unchangedSince = UnchangedSince{full.reportId, digestResults(full.results).resultsDigest};
  return shortReport;
}

CheckResult runCheckOn(const FixtureRoot& root, std::string_view checkId, const agent::AgentConfig& config,
                       std::int64_t now) {
  const auto* check = agent::CheckRegistry::instance().find(checkId);
  if (!check) throw std::runtime_error("no check " + std::string(checkId));
  const auto system = root.view();
  agent::HostFacts facts(system);
  agent::CheckContext context{system, config, facts, now ? now : unixNow()};
  return agent::runCheck(*check, context, CheckMapping::builtin());
}

}  // namespace annexa::test
