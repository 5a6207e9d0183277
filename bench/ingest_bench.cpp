// Ingest cost per report, stage by stage, without the network: what a network thread does with a body
// (depth check + parse, typed report, canonical evidence hash) and what the single storage writer does
// (Store::ingest in batches, real SQLite file, synchronous=FULL). Reports are the load generator's 50-result
// bodies (~15 KB); "changed" reports flip three statuses each time, "heartbeats" repeat the host's last results.
// Usage: annexa_ingest_bench [--hosts H] [--reports R] [--batch B] [--keep]
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_args.hpp"
#include "bench/collector_load.hpp"
#include "collector/store/body_codec.hpp"
#include "collector/store/evidence_chain.hpp"
#include "collector/ingest/report_intake.hpp"
#include "collector/store/store.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/model.hpp"
#include "common/result_digest.hpp"

namespace fs = std::filesystem;
using namespace annexa;
using namespace annexa::collector;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int hosts = 200;
  int reports = 4000;
  int batch = 64;
  bool keep = false;
};

int number(const char* text, const char* flag, int max) { return bench::numberArg("annexa_ingest_bench", text, flag, max); }

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--hosts" && hasValue) o.hosts = number(argv[++i], "--hosts", 100000);
    else if (arg == "--reports" && hasValue) o.reports = number(argv[++i], "--reports", 1000000);
    else if (arg == "--batch" && hasValue) o.batch = number(argv[++i], "--batch", 4096);
    else if (arg == "--keep") o.keep = true;
    else {
      std::fprintf(stderr, "usage: annexa_ingest_bench [--hosts H] [--reports R] [--batch B] [--keep]\n");
      std::exit(2);
    }
  }
  if (o.reports < o.hosts) {  // every host needs a report before its heartbeats
    std::fprintf(stderr, "annexa_ingest_bench: --reports must be at least --hosts\n");
    std::exit(2);
  }
  return o;
}

double microsPer(Clock::time_point start, std::size_t n) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / static_cast<double>(n);
}

bench::EnrolledAgent simulatedAgent(int index) {
  bench::EnrolledAgent agent;
  agent.index = static_cast<std::size_t>(index);
  char id[40];
  std::snprintf(id, sizeof id, "%08x-0000-4000-8000-%012x", static_cast<unsigned>(index), static_cast<unsigned>(index));
  agent.agentId = id;
  agent.hostname = "host-" + std::to_string(index);
  agent.machineId = std::string(32, 'a' + static_cast<char>(index % 26));
  return agent;
}

// A heartbeat: the host's last report again under a new report id (same results, same time: not older, so it
// moves the host's state forward, as a heartbeat does, and is not treated as a late redelivery).
std::string heartbeatOf(const std::string& body, int sequence) {
  auto doc = nlohmann::json::parse(body);
  doc["report_id"] = doc["report_id"].get<std::string>() + "-hb" + std::to_string(sequence);
  return doc.dump();
}

// The short report the agent sends instead of a heartbeat: "unchanged since" the host's last full report `body`.
std::string unchangedOf(const std::string& body, int sequence) {
  auto report = parseReport(body).value();
  report.unchangedSince = UnchangedSince{report.reportId, digestResults(report.results).resultsDigest};
  report.reportId += "-u" + std::to_string(sequence);
  report.results.clear();
  return toJson(report).dump();
}

struct NetworkCost {
  double readUs = 0, prepareUs = 0;  // as the server does it: readReceivedReport, then prepareReport
  double nlohmannUs = 0;             // for comparison: nlohmann's DOM, typed report and canonical hash
  std::size_t bytes = 0, evidenceBytes = 0;
};

double microsEach(Clock::duration d, std::size_t n) {
  return std::chrono::duration<double, std::micro>(d).count() / static_cast<double>(n);
}

// The network threads' share, as a connection does it: each body read, prepared, then dropped (so the
// allocator recycles memory as in the server; keeping thousands of documents alive would measure page faults).
NetworkCost networkCost(const std::vector<std::string>& bodies, const BodyDictionary* dictionary = nullptr) {
  NetworkCost out;
  Clock::duration read{}, prepare{}, nlohmann{};
  for (const auto& body : bodies) {
    const auto t0 = Clock::now();
    auto received = readReceivedReport(body);
    const auto t1 = Clock::now();
    if (!received) throw std::runtime_error("report refused: " + received.error());
    const auto prepared =
        prepareReport(received->report, body, std::move(received->canonicalSha256), received->bodyIsCanonical, dictionary);
    const auto t2 = Clock::now();
    const auto document = parseJson(body);
    const auto report = reportFromJson(*document);
    const auto hash = canonicalReportSha256(*document);
    const auto t3 = Clock::now();
    read += t1 - t0, prepare += t2 - t1, nlohmann += t3 - t2;
    out.bytes += body.size();
    for (const auto& e : prepared.evidence) out.evidenceBytes += e.size();
  }
  out.readUs = microsEach(read, bodies.size());
  out.prepareUs = microsEach(prepare, bodies.size());
  out.nlohmannUs = microsEach(nlohmann, bodies.size());
  return out;
}

// What the writer is handed: typed and prepared requests (not timed).
std::vector<IngestRequest> requestsFor(const std::vector<std::string>& bodies, const std::vector<std::string>& agentIds,
                                       const BodyDictionary* dictionary = nullptr) {
  std::vector<IngestRequest> out;
  const auto now = unixNow();
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto received = readReceivedReport(bodies[i]);
    auto prepared = prepareReport(received->report, bodies[i], std::move(received->canonicalSha256),
                                  received->bodyIsCanonical, dictionary);
    out.push_back({agentIds[i], std::move(received->report), std::string(), now, std::move(prepared)});  // as the API does
  }
  return out;
}

double cpuMicros(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct WriterCost {
  double wallUs = 0, cpuUs = 0;
  double storageCpuUs = 0;  // the writer and the store's checkpointer thread together (nothing else runs)
  double writtenKb = 0;     // bytes handed to write calls: the log, then the checkpoints' copies into the database
};

// This process's bytes written so far (/proc/self/io "wchar"); 0 where the kernel does not say.
double bytesWritten() {
  std::ifstream io("/proc/self/io");
  std::string key;
  double value = 0;
  while (io >> key >> value)
    if (key == "wchar:") return value;
  return 0;
}

// Wall time per report, the writer thread's own CPU time (the rest is waiting for the disk) and the CPU time of
// all storage threads: the writer finishes a checkpoint only when the checkpointer thread fell behind, so its
// own figure moves with when that happens, and their sum does not.
WriterCost storeAll(Store& store, std::vector<IngestRequest>& requests, int batchSize) {
  const auto start = Clock::now();
  const double cpuStart = cpuMicros(CLOCK_THREAD_CPUTIME_ID), processStart = cpuMicros(CLOCK_PROCESS_CPUTIME_ID);
  const double writtenStart = bytesWritten();
  std::vector<IngestRequest> batch;
  std::size_t notStored = 0;  // a figure for refused or duplicate reports would measure the wrong path
  const auto flush = [&] {
    for (const auto outcome : store.ingest(batch)) notStored += outcome != IngestOutcome::Stored;
    batch.clear();
  };
  for (auto& request : requests) {
    batch.push_back(std::move(request));
    if (static_cast<int>(batch.size()) == batchSize) flush();
  }
  if (!batch.empty()) flush();
  if (notStored > 0) throw std::runtime_error(std::to_string(notStored) + " reports were not stored");
  const auto n = static_cast<double>(requests.size());
  return {microsPer(start, requests.size()), (cpuMicros(CLOCK_THREAD_CPUTIME_ID) - cpuStart) / n,
          (cpuMicros(CLOCK_PROCESS_CPUTIME_ID) - processStart) / n, (bytesWritten() - writtenStart) / 1024 / n};
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const fs::path dir = fs::temp_directory_path() / ("annexa-ingest-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int status = 0;
  try {
    auto store = openSqliteStore(dir / "collector.db");
    std::vector<bench::EnrolledAgent> agents;
    for (int i = 0; i < options.hosts; ++i) {
      agents.push_back(simulatedAgent(i));
      AgentRecord record;
      record.id = agents.back().agentId;
      record.hostname = agents.back().hostname;
      record.machineId = agents.back().machineId;
      record.certSerial = "serial-" + std::to_string(i);
      record.enrolledAt = unixNow();
      store->addAgent(record);
    }
    std::vector<std::string> changed, heartbeats, agentIds;
    for (int n = 0; n < options.reports; ++n) {
      const auto& agent = agents[static_cast<std::size_t>(n % options.hosts)];
      changed.push_back(bench::reportBody(agent, static_cast<std::uint64_t>(n / options.hosts + 1)));
      agentIds.push_back(agent.agentId);
    }
    // The changed phase ends with each host's report at the last index of its residue.
    const auto lastOfHost = [&](int n) {
      const int host = n % options.hosts;
      return static_cast<std::size_t>(host + options.hosts * ((options.reports - 1 - host) / options.hosts));
    };
    for (int n = 0; n < options.reports; ++n) heartbeats.push_back(heartbeatOf(changed[lastOfHost(n)], n));

    std::printf("annexa_ingest_bench: %d hosts, %d reports per phase, batches of %d, %s\n", options.hosts,
                options.reports, options.batch, (dir / "collector.db").c_str());
    const auto cost = networkCost(changed);
    std::printf("  report body: %.1f KB average, of which evidence %.1f KB\n",
                static_cast<double>(cost.bytes) / options.reports / 1024,
                static_cast<double>(cost.evidenceBytes) / options.reports / 1024);
    std::printf("  network thread, per report: read (simdjson: typed report + canonical hash) %.1f us, "
                "prepare (body hash, evidence text, digests, zstd) %.1f us\n", cost.readUs, cost.prepareUs);
    std::printf("  for comparison, the same read with nlohmann's DOM: %.1f us\n", cost.nlohmannUs);
    auto changedRequests = requestsFor(changed, agentIds);
    const auto changedCost = storeAll(*store, changedRequests, options.batch);
    std::printf("  writer, changed reports:   %.1f us/report (%.0f reports/s), of which CPU %.1f us; "
                "with the checkpointer %.1f us; %.0f KB written\n", changedCost.wallUs, 1e6 / changedCost.wallUs,
                changedCost.cpuUs, changedCost.storageCpuUs, changedCost.writtenKb);
    auto heartbeatRequests = requestsFor(heartbeats, agentIds);
    const auto heartbeatCost = storeAll(*store, heartbeatRequests, options.batch);
    std::printf("  writer, heartbeat reports: %.1f us/report (%.0f reports/s), of which CPU %.1f us; "
                "with the checkpointer %.1f us; %.0f KB written\n", heartbeatCost.wallUs, 1e6 / heartbeatCost.wallUs,
                heartbeatCost.cpuUs, heartbeatCost.storageCpuUs, heartbeatCost.writtenKb);
    // What the server does once enough reports are stored (Api::maintain): a dictionary from the latest bodies.
    const auto trainStart = Clock::now();
    const bool trained = store->trainBodyDictionary(unixNow());
    const double trainMs = std::chrono::duration<double, std::milli>(Clock::now() - trainStart).count();
    if (const auto dictionary = store->bodyDictionary(); trained && dictionary) {
      auto again = heartbeats;
      for (int n = 0; n < options.reports; ++n) again[static_cast<std::size_t>(n)] = heartbeatOf(changed[lastOfHost(n)], options.reports + n);
      const auto plain = requestsFor(again, agentIds);
      auto compact = requestsFor(again, agentIds, dictionary.get());
      double plainBytes = 0, compactBytes = 0;
      for (std::size_t i = 0; i < compact.size(); ++i) {
        plainBytes += static_cast<double>(plain[i].prepared->storedBody.size());
        compactBytes += static_cast<double>(compact[i].prepared->storedBody.size());
      }
      std::printf("  body dictionary: trained in %.0f ms; a stored body %.2f KB -> %.2f KB\n", trainMs,
                  plainBytes / options.reports / 1024, compactBytes / options.reports / 1024);
      const auto withDictionary = networkCost(again, dictionary.get());
      std::printf("  network thread with the dictionary, per report: read %.1f us, prepare %.1f us\n",
                  withDictionary.readUs, withDictionary.prepareUs);
      const auto compactCost = storeAll(*store, compact, options.batch);
      std::printf("  writer, heartbeats with the dictionary: %.1f us/report, of which CPU %.1f us; "
                  "with the checkpointer %.1f us; %.0f KB written\n", compactCost.wallUs, compactCost.cpuUs,
                  compactCost.storageCpuUs, compactCost.writtenKb);
      // What an agent sends instead of those heartbeats: a short report naming each host's last full report.
      std::vector<std::string> shorts;
      for (int n = 0; n < options.reports; ++n) shorts.push_back(unchangedOf(again[lastOfHost(n)], n));
      const auto shortNetwork = networkCost(shorts, dictionary.get());
      std::printf("  short reports (\"unchanged since\", %zu bytes): read %.1f us, prepare %.1f us\n",
                  shorts.front().size(), shortNetwork.readUs, shortNetwork.prepareUs);
      auto shortRequests = requestsFor(shorts, agentIds, dictionary.get());
      const auto shortCost = storeAll(*store, shortRequests, options.batch);
      std::printf("  writer, short reports: %.1f us/report, of which CPU %.1f us; with the checkpointer %.1f us; "
                  "%.0f KB written\n", shortCost.wallUs, shortCost.cpuUs, shortCost.storageCpuUs, shortCost.writtenKb);
    } else {
      std::printf("  body dictionary: not trained (%.0f ms)\n", trainMs);
    }
    std::printf("  stored reports: %lld, database %.0f MB\n", static_cast<long long>(store->reportCount()),
                static_cast<double>(fs::file_size(dir / "collector.db")) / 1e6);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "annexa_ingest_bench: %s\n", e.what());
    status = 1;
  }
  if (!options.keep) fs::remove_all(dir);
  return status;
}
