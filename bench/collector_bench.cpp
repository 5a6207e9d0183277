// Collector load generator: starts the real annexa-collector on 127.0.0.1, enrolls simulated agents (each with
// its own key and certificate) and measures enrollment, keep-alive report throughput (after a warm-up that lasts
// until the collector has trained its body dictionary; once with three results changing in every report, once
// with heartbeats, and GET /healthz for the floor TLS and HTTP set), fresh mTLS handshakes and a 10,000-host
// ingest, with the collector's CPU time and RSS after each phase. Short "unchanged since" reports are measured
// alone and in a fleet's mix, where one report in --full-every is a full report whose results changed (default 32:
// a host reporting every 15 minutes whose results change twice a day, and its daily full report).
// Usage: annexa_collector_bench [--agents N] [--threads K] [--seconds D] [--reports R] [--hosts H]
//                               [--full-every F] [--collector PATH] [--keep] [--quick] [--pin]
// --pin: the collector on the first half of the CPUs, the load generator on the rest (on 2 cores: one each), so
// the figures say what the collector does with the cores it has rather than how it shares them with its load.
#include <sched.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_args.hpp"
#include "bench/collector_load.hpp"
#include "common/text_file.hpp"

namespace fs = std::filesystem;
using namespace annexa;
using namespace annexa::bench;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::size_t agents = 200;
  int threads = 4;
  int seconds = 10;
  std::size_t reportCap = 0;  // 0: the keep-alive phase is bounded by time only
  std::size_t hosts = 10000;
  std::uint64_t fullEvery = 32;  // the fleet mix: one report in this many is full, with changed results
  std::string collector;
  bool keep = false;  // keep the temporary data directory for inspection
  bool pin = false;
};

struct BenchFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string& message) { throw BenchFailure(message); }

std::size_t number(const char* text, const char* flag, int max) {
  return static_cast<std::size_t>(numberArg("annexa_collector_bench", text, flag, max));
}

// Asked for (--help): on stdout, exit 0; a wrong command line: on stderr, exit 2.
[[noreturn]] void usage(bool asked = false) {
  std::fprintf(asked ? stdout : stderr, "usage: annexa_collector_bench [--agents N] [--threads K] [--seconds D] [--reports R] [--hosts H]\n"
                       "                              [--full-every F] [--collector PATH] [--keep] [--quick] [--pin]\n");
  std::exit(asked ? 0 : 2);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  o.collector = (fs::canonical("/proc/self/exe").parent_path() / "../collector/annexa-collector").lexically_normal().string();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--agents") o.agents = number(next(), "--agents", 1000000);
    else if (arg == "--threads") o.threads = static_cast<int>(number(next(), "--threads", 256));
    else if (arg == "--seconds") o.seconds = static_cast<int>(number(next(), "--seconds", 600));
    else if (arg == "--reports") o.reportCap = number(next(), "--reports", 1000000);
    else if (arg == "--hosts") o.hosts = number(next(), "--hosts", 1000000);
    else if (arg == "--full-every") o.fullEvery = number(next(), "--full-every", 100000);
    else if (arg == "--collector") o.collector = next();
    else if (arg == "--keep") o.keep = true;
    else if (arg == "--pin") o.pin = true;
    else if (arg == "--quick") o.agents = 20, o.seconds = 2, o.hosts = 200;
    else usage(arg == "--help" || arg == "-h");
  }
  return o;
}

// --pin: this process (and the threads it starts later) on the upper half of the CPUs; returns the launcher that
// puts the collector on the lower half.
std::vector<std::string> pinCollectorAndSelf() {
  cpu_set_t allowed;  // the CPUs this process may use (a cpuset may allow fewer than the machine has)
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) fail("cannot read this process's CPU affinity");
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  if (cpus.size() < 2) fail("--pin needs at least 2 CPUs");
  const std::size_t split = cpus.size() / 2;
  cpu_set_t mine;
  CPU_ZERO(&mine);
  std::string collectorCpus, benchCpus;
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    std::string& list = i < split ? collectorCpus : benchCpus;
    list += (list.empty() ? "" : ",") + std::to_string(cpus[i]);
    if (i >= split) CPU_SET(cpus[i], &mine);
  }
  if (sched_setaffinity(0, sizeof mine, &mine) != 0) fail("cannot pin the load generator to its CPUs");
  std::printf("pinned: collector on CPU %s, load generator on CPU %s\n", collectorCpus.c_str(), benchCpus.c_str());
  return {"/usr/bin/taskset", "-c", collectorCpus};
}

// The collector child process; stopped with SIGTERM when the benchmark ends, whichever way it ends.
class CollectorProcess {
 public:
  // `launcher`: words put before the binary for `serve` (taskset when pinning).
  CollectorProcess(std::string binary, fs::path root, std::vector<std::string> launcher)
      : binary_(std::move(binary)), root_(std::move(root)), launcher_(std::move(launcher)) {}
  ~CollectorProcess() {
    if (pid_ > 0) stop();
  }
  fs::path data() const { return root_ / "data"; }
  fs::path log() const { return root_ / "collector.log"; }
  pid_t pid() const { return pid_; }

  std::string run(std::vector<std::string> args) {
    args.insert(args.begin(), binary_);
    auto out = runCommand(args, std::chrono::seconds(60));
    if (!out) fail(out.error());
    return *out;
  }

  std::uint16_t start() {
    const fs::path portFile = root_ / "port";
    std::vector<std::string> argv = launcher_;
    for (std::string word : {binary_, std::string("serve"), std::string("--data"), data().string(),
                             std::string("--listen"), std::string("127.0.0.1:0"), std::string("--port-file"), portFile.string()})
      argv.push_back(std::move(word));
    auto pid = spawnProcess(argv, log());
    if (!pid) fail("cannot start the collector: " + pid.error());
    pid_ = *pid;
    // The port file appears once the listener is bound; poll for it, bounded.
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline) {
      if (!processRunning(pid_)) {
        pid_ = -1;
        fail("the collector exited during start-up; see " + log().string());
      }
      if (auto port = readTextFile(portFile); port && !port->empty() && port->back() == '\n')
        return static_cast<std::uint16_t>(std::stoi(*port));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    fail("the collector did not write " + portFile.string() + " within 10 s; see " + log().string());
  }

  std::string stop() {
    const auto how = stopProcess(pid_, std::chrono::seconds(20));
    pid_ = -1;
    return how;
  }

 private:
  std::string binary_;
  fs::path root_;
  std::vector<std::string> launcher_;
  pid_t pid_ = -1;
};

// Collector and bench CPU seconds at the start of a phase, to attribute CPU per request.
struct CpuMark {
  double collector = 0, bench = 0;
};
CpuMark markCpu(pid_t collector) { return {usageOf(collector).cpuSeconds, ownCpuSeconds()}; }

void printLatency(const LatencySummary& s) {
  std::printf("  %-34s p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", "latency per request (ms)", s.p50, s.p90, s.p99, s.max);
}

void printCost(pid_t collector, const CpuMark& mark, double wallSeconds, std::size_t requests) {
  const auto now = markCpu(collector);
  const double collectorCpu = now.collector - mark.collector, benchCpu = now.bench - mark.bench;
  std::printf("  %-34s %.3f ms/request  (%.0f%% of one core; bench itself %.0f%%)\n", "collector CPU",
              requests ? 1000.0 * collectorCpu / static_cast<double>(requests) : 0.0,
              100.0 * collectorCpu / wallSeconds, 100.0 * benchCpu / wallSeconds);
  const auto usage = usageOf(collector);
  std::printf("  %-34s current %.1f MB (own %.1f, mapped files %.1f), peak %.1f MB\n", "collector RSS",
              static_cast<double>(usage.currentRssKb) / 1024.0, static_cast<double>(usage.anonRssKb) / 1024.0,
              static_cast<double>(usage.fileRssKb) / 1024.0, static_cast<double>(usage.peakRssKb) / 1024.0);
}

void requireNoErrors(const PhaseTally& phase, const char* what) {
  if (phase.errors > 0)
    fail(std::string(what) + ": " + std::to_string(phase.errors) + " request(s) failed; first: " + phase.firstError);
}

// Generates keys and CSRs on all threads (client-side work, timed apart from the collector's).
std::vector<AgentIdentity> makeIdentities(std::size_t count, int threads) {
  std::vector<AgentIdentity> identities(count);
  const auto phase = runThreads(threads, [&](int t, ThreadTally& tally) {
    for (std::size_t i = static_cast<std::size_t>(t); i < count; i += static_cast<std::size_t>(threads)) {
      auto identity = makeIdentity(i);
      if (!identity) return tally.fail(identity.error());
      identities[i] = std::move(*identity);
    }
  });
  requireNoErrors(phase, "key generation");
  std::printf("  %-34s %zu in %.2f s (client side, not timed below)\n", "agent keys + CSRs generated", count, phase.wallSeconds);
  return identities;
}

// Enrolls identities[first, first+count) on fresh connections; agent indexes start at `first`.
std::vector<EnrolledAgent> enrollAll(const ServerEndpoint& endpoint, const std::string& caPem, const std::string& token,
                                     const std::vector<AgentIdentity>& identities, std::size_t first, int threads,
                                     pid_t collector, const char* label) {
  std::vector<EnrolledAgent> agents(identities.size());
  const auto cpu = markCpu(collector);
  const auto phase = runThreads(threads, [&](int t, ThreadTally& tally) {
    for (std::size_t i = static_cast<std::size_t>(t); i < identities.size(); i += static_cast<std::size_t>(threads)) {
      const auto start = Clock::now();
      auto agent = enroll(endpoint, caPem, token, identities[i], first + i);
      if (!agent) return tally.fail(agent.error());
      tally.latenciesMs.push_back(millisSince(start));
      agents[i] = std::move(*agent);
    }
  });
  requireNoErrors(phase, "enrollment");
  const double rate = static_cast<double>(identities.size()) / phase.wallSeconds;
  std::printf("  %-34s %zu in %.2f s = %.1f enrollments/s (new connection each)\n", "enrolled", identities.size(),
              phase.wallSeconds, rate);
  printLatency(summarize(phase.latenciesMs));
  printCost(collector, cpu, phase.wallSeconds, identities.size());
  std::printf("RESULT %s: %zu agents in %.2f s = %.1f enrollments/s\n", label, identities.size(), phase.wallSeconds, rate);
  return agents;
}

// The operator's client (the admin certificate `init` wrote), for /metrics and the fleet-wide reads.
std::unique_ptr<HttpsClient> adminClient(const CollectorProcess& collector, const ServerEndpoint& endpoint, const std::string& caPem) {
  const auto data = collector.data();
  const auto cert = readTextFile(data / "operators" / "admin.crt"), key = readTextFile(data / "operators" / "admin.key");
  if (!cert || !key) fail("cannot read the admin operator credentials in " + data.string());
  return std::make_unique<HttpsClient>(endpoint, ClientTls{caPem, "", *cert, *key}, std::chrono::seconds(60));
}

// One kept-alive connection per agent and its report templates, rendered ahead.
struct KeepAliveFleet {
  // Eight variants per agent: three statuses flip between consecutive ones. Each send stamps a fresh report id.
  static constexpr std::uint64_t kVariants = 8;
  const std::vector<EnrolledAgent>& agents;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  std::vector<std::vector<ReportTemplate>> templates;
  // Per agent and variant: the short report standing for it, and the sequence of the full report each agent's
  // short reports name first (establishUnchanged).
  std::vector<std::vector<ReportTemplate>> unchanged;
  std::uint64_t establishedSequence = 0;
};

KeepAliveFleet connectKeepAlive(const Options& o, const ServerEndpoint& endpoint, const std::vector<EnrolledAgent>& agents) {
  KeepAliveFleet fleet{agents, {}, std::vector<std::vector<ReportTemplate>>(agents.size()), {}};
  // Connected before any clock starts, so the phases measure requests only.
  for (const auto& a : agents) fleet.clients.push_back(std::make_unique<HttpsClient>(endpoint, a.tls, std::chrono::seconds(30)));
  const auto warm = runThreads(o.threads, [&](int t, ThreadTally& tally) {
    for (std::size_t i = static_cast<std::size_t>(t); i < agents.size(); i += static_cast<std::size_t>(o.threads))
      if (auto r = fleet.clients[i]->request("GET", "/healthz"); !r || r->status != 200) return tally.fail(r ? r->body : r.error());
  });
  requireNoErrors(warm, "connecting the keep-alive clients");
  for (std::size_t i = 0; i < agents.size(); ++i)
    for (std::uint64_t v = 1; v <= KeepAliveFleet::kVariants; ++v) fleet.templates[i].emplace_back(agents[i], v);
  return fleet;
}

// What each kept-alive request is: a report whose results change, a heartbeat, or GET /healthz (the floor that
// TLS, HTTP and the collector's request handling set, to compare with a web server's no-op).
// Unchanged: the short annexa.unchanged/1 report an agent sends instead of a heartbeat (docs/unchanged-reports.md).
// FleetMix: what a fleet sends: one report in --full-every is a full report with three results changed, the others
// are short reports naming it.
enum class Load { ThreeResultsChange, Heartbeats, Unchanged, FleetMix, Healthz };

// Where each agent is in a phase: the variant its results are at and the full report that holds them.
struct AgentCursor {
  std::uint64_t variant = 0;
  std::uint64_t fullSequence = 0;
};

// The agent's nth report of the phase, stamped with `sequence`.
std::string nextBody(const Options& o, const KeepAliveFleet& fleet, Load load, std::size_t agent, std::uint64_t nth,
                     std::uint64_t sequence, AgentCursor& cursor) {
  const auto& full = fleet.templates[agent];
  switch (load) {
    case Load::ThreeResultsChange: return full[nth % KeepAliveFleet::kVariants].body(sequence);
    case Load::Heartbeats: return full[0].body(sequence);
    case Load::Unchanged: return fleet.unchanged[agent][cursor.variant].body(sequence, cursor.fullSequence);
    case Load::FleetMix:
      if (nth % o.fullEvery != 0) return fleet.unchanged[agent][cursor.variant].body(sequence, cursor.fullSequence);
      cursor = {(cursor.variant + 1) % KeepAliveFleet::kVariants, sequence};
      return full[cursor.variant].body(sequence);
    case Load::Healthz: break;
  }
  return {};
}

struct Drive {
  PhaseTally phase;
  double stampMs = 0;  // client-side body stamping per report, shown so the bench's own share is visible
};

// Each thread drives its share of the agents round-robin until the deadline or `cap` reports in all.
// `sequenceBase` keeps report ids unique across phases.
Drive drive(const Options& o, KeepAliveFleet& fleet, Load load, Clock::time_point deadline, std::size_t cap,
            std::uint64_t sequenceBase) {
  std::atomic<std::size_t> sent{0};
  std::atomic<long long> stampMicros{0};
  const auto& agents = fleet.agents;
  auto phase = runThreads(o.threads, [&](int t, ThreadTally& tally) {
    std::vector<std::size_t> mine;
    for (std::size_t i = static_cast<std::size_t>(t); i < agents.size(); i += static_cast<std::size_t>(o.threads)) mine.push_back(i);
    std::vector<AgentCursor> cursors(mine.size(), AgentCursor{0, fleet.establishedSequence});
    tally.latenciesMs.reserve(100000);
    for (std::size_t round = 0; !mine.empty() && Clock::now() < deadline && round < 10000000; ++round) {
      const std::size_t i = mine[round % mine.size()];
      if (sent.fetch_add(1) >= cap) break;
      const auto built = Clock::now();
      const auto body = nextBody(o, fleet, load, i, round / mine.size(), sequenceBase + round, cursors[round % mine.size()]);
      const auto start = Clock::now();
      stampMicros += std::chrono::duration_cast<std::chrono::microseconds>(start - built).count();
      if (load == Load::Healthz) {
        if (auto r = fleet.clients[i]->request("GET", "/healthz"); !r || r->status != 200)
          return tally.fail(agents[i].agentId + ": GET /healthz: " + (r ? r->body : r.error()));
      } else if (auto ok = sendReport(*fleet.clients[i], body); !ok) {
        return tally.fail(agents[i].agentId + ": " + ok.error());
      }
      tally.latenciesMs.push_back(millisSince(start));
    }
  });
  const auto n = std::max<std::size_t>(phase.latenciesMs.size(), 1);
  return {std::move(phase), static_cast<double>(stampMicros.load()) / 1000.0 / static_cast<double>(n)};
}

// Until the collector has trained its body dictionary (GET /metrics), so the measured phases see what a
// collector sees from its first few thousand reports on: bodies compressed about five-fold, with the dictionary.
void warmUpPhase(const Options& o, KeepAliveFleet& fleet, HttpsClient& admin) {
  std::printf("\n== warm-up: keep-alive reports until the collector trains its body dictionary ==\n");
  const auto started = Clock::now();
  std::size_t reports = 0;
  for (std::uint64_t round = 0; Clock::now() - started < std::chrono::seconds(120); ++round) {
    const auto metrics = admin.request("GET", "/metrics");
    if (!metrics || metrics->status != 200) fail("GET /metrics: " + (metrics ? metrics->body : metrics.error()));
    if (metrics->body.find("\nannexa_body_dictionary_id ") == std::string::npos)
      fail("GET /metrics has no annexa_body_dictionary_id");
    if (metrics->body.find("\nannexa_body_dictionary_id 0\n") == std::string::npos) {
      std::printf("  %-34s %zu reports in %.1f s\n", "dictionary trained after", reports,
                  std::chrono::duration<double>(Clock::now() - started).count());
      return;
    }
    auto d = drive(o, fleet, Load::ThreeResultsChange, Clock::now() + std::chrono::milliseconds(500),
                   std::numeric_limits<std::size_t>::max(), 1'000'000'000ULL + round * 10'000'000ULL);
    requireNoErrors(d.phase, "warm-up reports");
    reports += d.phase.latenciesMs.size();
  }
  fail("the collector trained no body dictionary within 120 s of reports");
}

// Each agent sends one full report (not timed), which its short reports then name, as a real agent's do.
void establishUnchanged(const Options& o, KeepAliveFleet& fleet, std::uint64_t sequence) {
  const auto& agents = fleet.agents;
  const auto setUp = runThreads(o.threads, [&](int t, ThreadTally& tally) {
    for (std::size_t i = static_cast<std::size_t>(t); i < agents.size(); i += static_cast<std::size_t>(o.threads))
      if (auto ok = sendReport(*fleet.clients[i], fleet.templates[i][0].body(sequence)); !ok)
        return tally.fail(agents[i].agentId + ": " + ok.error());
  });
  requireNoErrors(setUp, "the full reports that short reports name");
  fleet.establishedSequence = sequence;
  if (!fleet.unchanged.empty()) return;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    fleet.unchanged.emplace_back();
    for (const auto& full : fleet.templates[i]) fleet.unchanged.back().push_back(ReportTemplate::unchangedSince(agents[i], full));
  }
}

void keepAlivePhase(const Options& o, KeepAliveFleet& fleet, Load load, std::uint64_t sequenceBase, pid_t collector) {
  const std::string kWhat[] = {"3 of 50 results change in every report", "heartbeats (results unchanged)",
                               "short reports (\"unchanged since\" the host's last full report)",
                               "a fleet's mix: 1 in " + std::to_string(o.fullEvery) +
                                   " a full report with changed results, the rest short",
                               "GET /healthz (no body, nothing stored)"};
  static const char* const kResult[] = {"keep-alive", "keep-alive heartbeats", "keep-alive unchanged",
                                        "keep-alive fleet mix", "keep-alive healthz"};
  const auto which = static_cast<std::size_t>(load);
  std::printf("\n== keep-alive throughput, %s: %d threads, %zu agents, %d s%s ==\n", kWhat[which].c_str(), o.threads,
              fleet.agents.size(), o.seconds, o.reportCap ? (", at most " + std::to_string(o.reportCap) + " requests").c_str() : "");
  const bool shortReports = load == Load::Unchanged || load == Load::FleetMix;
  if (shortReports) establishUnchanged(o, fleet, sequenceBase + 10'000'000);  // past any round's sequence
  const auto sampleBody = load == Load::Healthz ? std::string() : fleet.templates.front().front().body(0);
  if (!sampleBody.empty()) std::printf("  %-34s %zu bytes, 50 results\n", "full report size", sampleBody.size());
  if (shortReports)
    std::printf("  %-34s %zu bytes, naming a full report\n", "short report size", fleet.unchanged.front().front().body(0).size());
  const auto cap = o.reportCap ? o.reportCap : std::numeric_limits<std::size_t>::max();
  const auto cpu = markCpu(collector);
  const auto [phase, stampMs] = drive(o, fleet, load, Clock::now() + std::chrono::seconds(o.seconds), cap, sequenceBase);
  requireNoErrors(phase, "keep-alive requests");
  const auto n = phase.latenciesMs.size();
  const double rate = static_cast<double>(n) / phase.wallSeconds;
  const char* unit = load == Load::Healthz ? "requests" : "reports";
  const std::string volume = sampleBody.empty() || shortReports ? "" : " (" + std::to_string(static_cast<int>(rate * static_cast<double>(sampleBody.size()) / 1e6)) + " MB/s of JSON)";
  std::printf("  %-34s %zu in %.2f s = %.1f %s/s%s\n", load == Load::Healthz ? "requests answered" : "reports stored", n,
              phase.wallSeconds, rate, unit, volume.c_str());
  const auto latency = summarize(phase.latenciesMs);
  printLatency(latency);
  std::printf("  %-34s %zu\n", "errors", phase.errors);
  if (load != Load::Healthz) std::printf("  %-34s %.3f ms/report (bench side)\n", "report body stamp", stampMs);
  printCost(collector, cpu, phase.wallSeconds, n);
  std::printf("RESULT %s: %.1f %s/s, p50 %.2f ms, p99 %.2f ms, %zu errors\n", kResult[which], rate, unit, latency.p50,
              latency.p99, phase.errors);
}

void handshakePhase(const Options& o, const ServerEndpoint& endpoint, const std::string& caPem,
                    const std::vector<EnrolledAgent>& agents, pid_t collector) {
  std::printf("\n== new handshakes: %d threads, %d s, GET /healthz with an agent certificate on a new connection each ==\n",
              o.threads, o.seconds);
  std::vector<std::unique_ptr<HandshakeClient>> clients;  // each agent's TLS context, parsed before the clock starts
  for (const auto& agent : agents) clients.push_back(std::make_unique<HandshakeClient>(agent, caPem));
  const auto deadline = Clock::now() + std::chrono::seconds(o.seconds);
  const auto cpu = markCpu(collector);
  const auto phase = runThreads(o.threads, [&](int t, ThreadTally& tally) {
    for (std::size_t k = 0; Clock::now() < deadline && k < 10000000; ++k) {
      const auto& client = *clients[(static_cast<std::size_t>(t) + k * static_cast<std::size_t>(o.threads)) % agents.size()];
      const auto start = Clock::now();
      if (auto ok = client.healthz(endpoint); !ok) return tally.fail(ok.error());
      tally.latenciesMs.push_back(millisSince(start));
    }
  });
  requireNoErrors(phase, "handshakes");
  const auto s = summarize(phase.latenciesMs);
  const double rate = static_cast<double>(s.count) / phase.wallSeconds;
  std::printf("  %-34s %zu in %.2f s = %.1f handshakes/s\n", "connections", s.count, phase.wallSeconds, rate);
  printLatency(s);
  printCost(collector, cpu, phase.wallSeconds, s.count);
  std::printf("RESULT handshakes: %.1f handshakes/s, p50 %.2f ms, p99 %.2f ms\n", rate, s.p50, s.p99);
}

void fleetPhase(const Options& o, const ServerEndpoint& endpoint, const std::string& caPem, const std::string& token,
                std::size_t firstIndex, std::size_t agentsBefore, CollectorProcess& collector) {
  std::printf("\n== %zu hosts: enroll each, then one report per host on a new connection (as an agent does each "
              "interval), %d threads ==\n", o.hosts, o.threads);
  const auto identities = makeIdentities(o.hosts, o.threads);
  const auto hosts = enrollAll(endpoint, caPem, token, identities, firstIndex, o.threads, collector.pid(), "fleet enrollment");

  std::vector<std::string> bodies(hosts.size());  // rendered before the clock starts
  runThreads(o.threads, [&](int t, ThreadTally&) {
    for (std::size_t i = static_cast<std::size_t>(t); i < hosts.size(); i += static_cast<std::size_t>(o.threads))
      bodies[i] = reportBody(hosts[i], 1);
  });
  const auto cpu = markCpu(collector.pid());
  const auto phase = runThreads(o.threads, [&](int t, ThreadTally& tally) {
    for (std::size_t i = static_cast<std::size_t>(t); i < hosts.size(); i += static_cast<std::size_t>(o.threads)) {
      const auto& body = bodies[i];
      const auto start = Clock::now();
      HttpsClient client(endpoint, hosts[i].tls, std::chrono::seconds(30));
      if (auto ok = sendReport(client, body); !ok) return tally.fail(hosts[i].agentId + ": " + ok.error());
      tally.latenciesMs.push_back(millisSince(start));
    }
  });
  requireNoErrors(phase, "fleet reports");
  const auto s = summarize(phase.latenciesMs);
  const double rate = static_cast<double>(s.count) / phase.wallSeconds;
  std::printf("  %-34s %zu in %.2f s = %.1f reports/s (handshake + report each)\n", "reports stored", s.count,
              phase.wallSeconds, rate);
  printLatency(s);
  printCost(collector.pid(), cpu, phase.wallSeconds, s.count);

  // Operator view: every enrolled agent is listed, and the posture over the whole fleet answers.
  const auto admin = adminClient(collector, endpoint, caPem);
  auto timed = [&](const char* target) {
    const auto start = Clock::now();
    auto r = admin->request("GET", target);
    if (!r || r->status != 200) fail(std::string("GET ") + target + ": " + (r ? r->body : r.error()));
    std::printf("  %-34s %.1f ms (%zu bytes)\n", (std::string("GET ") + target).c_str(), millisSince(start), r->body.size());
    return nlohmann::json::parse(r->body);
  };
  const auto list = timed("/api/v1/hosts?limit=1");
  const std::size_t expected = agentsBefore + hosts.size();
  if (list.value("total", std::size_t{0}) != expected)
    fail("GET /api/v1/hosts reports total " + list["total"].dump() + ", expected " + std::to_string(expected));
  std::printf("  %-34s total %zu == agents enrolled\n", "host list check", expected);
  timed("/api/v1/hosts?offset=1000&limit=1000");  // the next page of a dashboard's listing: the same host table
  timed("/api/v1/posture");  // first call recomputes after the ingest
  timed("/api/v1/posture");  // second is served from the cached posture
  std::printf("RESULT fleet: %zu hosts ingested in %.2f s = %.1f reports/s, p50 %.2f ms, p99 %.2f ms\n", s.count,
              phase.wallSeconds, rate, s.p50, s.p99);
}

int runBench(const Options& o) {
  if (!fs::exists(o.collector)) fail("no collector binary at " + o.collector + " (use --collector PATH)");
  std::string pattern = (fs::temp_directory_path() / "annexa-collector-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) fail("cannot create a temporary directory");
  const fs::path root = pattern;
  bool succeeded = false;
  struct Cleanup {
    const fs::path& root;
    const bool& keep;
    const bool& ok;
    ~Cleanup() {
      std::error_code ec;
      if (ok && !keep) fs::remove_all(root, ec);
      else std::printf("data kept in %s\n", root.c_str());
    }
  } cleanup{root, o.keep, succeeded};

  std::vector<std::string> launcher;
  if (o.pin) launcher = pinCollectorAndSelf();
  CollectorProcess collector(o.collector, root, launcher);
  std::printf("annexa collector benchmark: %s, %u cores, data in %s\n", o.collector.c_str(),
              std::thread::hardware_concurrency(), root.c_str());
  collector.run({"init", "--data", collector.data().string()});
  const ServerEndpoint endpoint{"127.0.0.1", collector.start()};
  const auto tokenJson = collector.run({"token", "create", "--data", collector.data().string(), "--uses",
                                        std::to_string(o.agents + o.hosts), "--ttl", "1h", "--format", "json"});
  const auto token = nlohmann::json::parse(tokenJson.substr(tokenJson.find('{')), nullptr, false);
  if (token.is_discarded() || !token.contains("token")) fail("unexpected `token create` output: " + tokenJson);
  const std::string enrollToken = token["token"].get<std::string>();
  const auto caPem = readTextFile(collector.data() / "ca.crt");
  if (!caPem) fail(caPem.error());
  const auto idle = usageOf(collector.pid());
  std::printf("collector pid %d on %s, idle RSS %.1f MB\n", collector.pid(), endpoint.url().c_str(),
              static_cast<double>(idle.currentRssKb) / 1024.0);

  std::printf("\n== enrollment: %zu agents, %d threads ==\n", o.agents, o.threads);
  const auto identities = makeIdentities(o.agents, o.threads);
  const auto agents = enrollAll(endpoint, *caPem, enrollToken, identities, 0, o.threads, collector.pid(), "enrollment");

  {
    auto fleet = connectKeepAlive(o, endpoint, agents);
    warmUpPhase(o, fleet, *adminClient(collector, endpoint, *caPem));
    keepAlivePhase(o, fleet, Load::ThreeResultsChange, 0, collector.pid());
    keepAlivePhase(o, fleet, Load::Heartbeats, 500'000'000ULL, collector.pid());
    keepAlivePhase(o, fleet, Load::Unchanged, 2'000'000'000ULL, collector.pid());
    keepAlivePhase(o, fleet, Load::FleetMix, 3'000'000'000ULL, collector.pid());
    keepAlivePhase(o, fleet, Load::Healthz, 0, collector.pid());
  }
  handshakePhase(o, endpoint, *caPem, agents, collector.pid());
  fleetPhase(o, endpoint, *caPem, enrollToken, o.agents, agents.size(), collector);

  const auto last = usageOf(collector.pid());
  // Mapped files are the database read through mmap (and the shared libraries): clean pages the kernel reclaims.
  std::printf("\ncollector peak RSS (VmHWM) %.1f MB, current %.1f MB (own %.1f MB, mapped files %.1f MB), CPU %.1f s in total\n",
              static_cast<double>(last.peakRssKb) / 1024.0, static_cast<double>(last.currentRssKb) / 1024.0,
              static_cast<double>(last.anonRssKb) / 1024.0, static_cast<double>(last.fileRssKb) / 1024.0, last.cpuSeconds);
  const auto stopped = collector.stop();
  std::printf("collector stopped with SIGTERM: %s\n", stopped.c_str());
  if (stopped != "exit 0") fail("the collector did not shut down cleanly (" + stopped + "); see " + collector.log().string());
  succeeded = true;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a connection the collector closed must be an error value, not a dead benchmark
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    return runBench(parseOptions(argc, argv));
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "annexa_collector_bench: FAILED: %s\n", e.what());
    return 1;
  }
}
