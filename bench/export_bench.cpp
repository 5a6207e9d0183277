// Evidence pack export benchmark: a real collector data directory (CA, server key, SQLite) filled through the
// real write path (Store::ingest, evidence log included) with H hosts reporting C checks once a day for D days,
// a few results changing each week, and each day's posture recorded as `serve` does; then `export` for the whole period is timed stage by stage, with the
// pack's size, peak memory, and the time verify-pack needs. Target (issue 7): 10,000 hosts x 30 days < 60 s.
// Usage: annexa_export_bench [--hosts H] [--days D] [--checks C] [--keep]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_args.hpp"

#include "collector/app/data_dir.hpp"
#include "collector/evidence/evidence_signer.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/pack/pack.hpp"
#include "collector/pack/pack_gather.hpp"
#include "collector/posture/posture_at.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/model.hpp"

namespace fs = std::filesystem;
using namespace annexa;
using namespace annexa::collector;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kDay = 86400;

struct Options {
  int hosts = 10000;
  int days = 30;
  int checks = 50;
  bool keep = false;
};

int number(const char* text, const char* flag, int max) { return bench::numberArg("annexa_export_bench", text, flag, max); }

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--hosts" && hasValue) o.hosts = number(argv[++i], "--hosts", 100000);
    else if (arg == "--days" && hasValue) o.days = number(argv[++i], "--days", 400);
    else if (arg == "--checks" && hasValue) o.checks = number(argv[++i], "--checks", 200);
    else if (arg == "--keep") o.keep = true;
    else {
      std::fprintf(stderr, "usage: annexa_export_bench [--hosts H] [--days D] [--checks C] [--keep]\n");
      std::exit(2);
    }
  }
  return o;
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long peakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::uintmax_t directoryBytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir)) total += entry.file_size();
  return total;
}

// Real check ids (the mapping's), cycled when more are asked for than exist.
std::vector<std::string> checkIds(int count) {
  std::vector<std::string> all;
  for (const auto& [id, controls] : CheckMapping::builtin().entries()) all.push_back(id);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(all[static_cast<std::size_t>(i) % all.size()]);
  return out;
}

// Host h on day d: about one check in thirteen fails, and which ones shift every week.
Report dailyReport(int host, int day, std::int64_t at, const std::vector<std::string>& checks) {
  Report r;
  r.reportId = "r-" + std::to_string(host) + "-" + std::to_string(day);
  r.agentVersion = "0.1.0";
  r.host.hostname = "host-" + std::to_string(host);
  r.host.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  r.startedAt = formatRfc3339(at);
  for (std::size_t c = 0; c < checks.size(); ++c) {
    CheckResult result;
    result.check = checks[c];
    result.title = checks[c];
    const bool fails = (host + static_cast<int>(c) + day / 7) % 13 == 0;
    result.status = fails ? CheckStatus::Fail : CheckStatus::Pass;
    result.severity = static_cast<Severity>(c % 4);
    result.evidence = {{"/etc/example/" + checks[c], fails ? "setting=off" : "setting=on", "setting=on"}};
    result.message = fails ? "setting is off" : "setting is on";
    r.results.push_back(std::move(result));
  }
  return r;
}

void fill(Store& store, const Options& o, std::int64_t day0) {
  for (int h = 0; h < o.hosts; ++h) {
    AgentRecord agent;
    agent.id = "agent-" + std::to_string(h);
    agent.hostname = "host-" + std::to_string(h);
    agent.certSerial = "serial-" + std::to_string(h);
    agent.enrolledAt = day0 - 3600;
    agent.intervalSeconds = kDay;
    store.addAgent(agent);
  }
  const auto checks = checkIds(o.checks);
  const auto start = Clock::now();
  const bool onTerminal = ::isatty(STDERR_FILENO) == 1;
  std::vector<IngestRequest> batch;
  for (int d = 0; d < o.days; ++d) {
    for (int h = 0; h < o.hosts; ++h) {
      const std::int64_t at = day0 + d * kDay + 43200 + h % 3600;
      auto report = dailyReport(h, d, at, checks);
      auto body = toJson(report).dump();
      batch.push_back({"agent-" + std::to_string(h), std::move(report), std::move(body), at, {}});
      if (batch.size() == 500) {
        store.ingest(batch);
        batch.clear();
      }
    }
    if (!batch.empty()) store.ingest(batch);
    batch.clear();
    // The collector records each day's posture as it runs; the trend in the pack reads it back.
    const std::int64_t endOfDay = day0 + (d + 1) * kDay - 1;
    store.saveDailyPosture(dailyPostureRows(postureAt(store, Catalog::builtin(), CheckMapping::builtin(), endOfDay),
                                            formatRfc3339(endOfDay).substr(0, 10)));
    // Rewritten in place on a terminal; whole lines in a log, where '\r' would run them together.
    std::fprintf(stderr, "%sfilling: day %d/%d, %.0f s%s", onTerminal ? "\r" : "", d + 1, o.days, secondsSince(start),
                 onTerminal ? "" : "\n");
  }
  if (onTerminal) std::fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const fs::path root = fs::temp_directory_path() / ("annexa-export-bench-" + std::to_string(::getpid()));
  const DataDir data{root / "data"};
  auto init = initDataDir(data, {});
  if (!init) return std::fprintf(stderr, "annexa_export_bench: %s\n", init.error().c_str()), 2;

  const std::int64_t now = unixNow();
  const std::int64_t day0 = (now / kDay - o.days - 1) * kDay;
  auto store = openSqliteStore(data.database());
  auto registers = isms::IsmsStore::open(data.database());
  auto key = pki::loadPrivateKey(data.serverKey());
  auto server = pki::loadCertificate(data.serverChain());
  auto ca = pki::loadCertificate(data.caCertificate());
  if (!key || !server || !ca) return std::fprintf(stderr, "annexa_export_bench: cannot load the collector keys\n"), 2;

  std::printf("annexa_export_bench: %d hosts x %d checks, one report a day for %d days (%d reports), real SQLite "
              "store at %s\n", o.hosts, o.checks, o.days, o.hosts * o.days, data.database().c_str());
  auto phase = Clock::now();
  fill(*store, o, day0);
  std::printf("  fill through Store::ingest (not timed as export): %.1f s, database %.0f MB\n", secondsSince(phase),
              static_cast<double>(fs::file_size(data.database())) / 1e6);
  EvidenceHeadSigner signer(*store, pki::parsePrivateKeyPem(pki::privateKeyPem(key->get())).value(),
                            pki::fingerprint(server->get()), 60, [now] { return now; });
  if (auto signedHead = signer.signIfDue(true); !signedHead) std::fprintf(stderr, "signing: %s\n", signedHead.error().c_str());

  const ExportRequest scope{day0, day0 + o.days * kDay, day0 + o.days * kDay, ""};
  const pack::GatherInputs inputs{*store, *registers, Catalog::builtin(), CheckMapping::builtin(), {},
                                  {pki::certificatePem(server->get()), pki::certificatePem(ca->get()),
                                   pki::fingerprint(ca->get())}};
  const fs::path out = root / "pack";
  const auto exportStart = Clock::now();
  phase = exportStart;
  auto gathered = pack::gatherPack(inputs, scope, now);
  if (!gathered) return std::fprintf(stderr, "annexa_export_bench: %s\n", gathered.error().c_str()), 1;
  const double gatherSeconds = secondsSince(phase);
  phase = Clock::now();
  auto written = pack::writePack(*gathered, out, key->get());
  if (!written) return std::fprintf(stderr, "annexa_export_bench: %s\n", written.error().c_str()), 1;
  const double writeSeconds = secondsSince(phase);
  const double exportSeconds = secondsSince(exportStart);
  phase = Clock::now();
  const auto verification = pack::verifyPack(out, pki::fingerprint(ca->get()));
  const double verifySeconds = secondsSince(phase);

  std::printf("  export: gather %.2f s (%zu hosts, %zu results at --at, evidence log %lld..%lld), write %.2f s\n",
              gatherSeconds, gathered->hosts.size(), gathered->results.size(),
              static_cast<long long>(gathered->evidenceLog.firstSeq), static_cast<long long>(gathered->evidenceLog.lastSeq),
              writeSeconds);
  for (const auto& f : written->files) std::printf("    %-26s %10.1f MB\n", f.name.c_str(), static_cast<double>(f.size) / 1e6);
  std::printf("  pack %.0f MB; verify-pack %.2f s (%s); peak RSS of this process %.0f MB\n",
              static_cast<double>(directoryBytes(out)) / 1e6, verifySeconds, verification.intact() ? "intact" : "NOT intact",
              static_cast<double>(peakRssKb()) / 1024.0);
  std::printf("RESULT export of %d hosts x %d days: %.1f s (target < 60 s: %s)\n", o.hosts, o.days, exportSeconds,
              exportSeconds < 60 ? "met" : "NOT met");
  if (!o.keep) fs::remove_all(root);
  else std::printf("kept %s\n", root.c_str());
  return verification.intact() ? 0 : 1;
}
