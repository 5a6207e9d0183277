#include "agent/run_loop.hpp"

#include <random>

#include <nlohmann/json.hpp>

#include "agent/delivery.hpp"
#include "agent/platform.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/https_client.hpp"

namespace annexa::agent {

int runAgentLoop(const RunLoopOptions& options, std::ostream& out, std::ostream& err) {
  auto identity = loadIdentity(options.state);
  if (!identity) {
    err << "annexa-agent: " << identity.error() << "\n";
    return 2;
  }
  auto config = options.configPath ? loadAgentConfig(*options.configPath, true)
                                   : loadAgentConfig(defaultConfigPath(), false);
  if (!config) {
    err << "annexa-agent: " << config.error() << "\n";
    return 2;
  }
  auto endpoint = parseServerUrl(identity->server);
  if (!endpoint) {
    err << "annexa-agent: " << endpoint.error() << "\n";
    return 2;
  }
  Spool spool(options.state.spool(), options.spoolLimits);
  if (auto opened = spool.open(); !opened) {
    err << "annexa-agent: " << opened.error() << "\n";
    return 2;
  }
  StopRequests stop;  // from here on a stop is waited for, never interrupts a write

  HttpsClient client(*endpoint, ClientTls{identity->caPem, "", identity->certificatePem, identity->privateKeyPem});
  const auto interval = std::chrono::seconds(options.intervalSeconds.value_or(identity->intervalSeconds));
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  int failures = 0;
  auto nextCheck = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= nextCheck) {
      auto report = checkHost(*config, CheckMapping::builtin(), {});
      if (!report) {
        err << "annexa-agent: " << report.error() << "\n";
        return 2;
      }
      report->agentId = identity->agentId;
      report->droppedReports = spool.droppedCount();
      if (auto added = spool.add(toJson(*report).dump()); !added) {
        err << "annexa-agent: cannot spool report: " << added.error() << "\n";
        return 2;
      }
      spool.acknowledgeDropped(report->droppedReports);
      out << formatRfc3339(std::chrono::system_clock::now()) << " report " << report->reportId << " spooled ("
          << report->results.size() << " results, " << report->durationMs << " ms)" << std::endl;
      nextCheck = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval * jitter(rng));
    }
    const auto delivery = deliverSpool(spool, client, options.state.lastFullReport());
    if (delivery.delivered > 0 || delivery.quarantined > 0)
      out << formatRfc3339(std::chrono::system_clock::now()) << " delivered " << delivery.delivered
          << (delivery.unchanged ? " (" + std::to_string(delivery.unchanged) + " as unchanged since " +
                                       delivery.unchangedSince + ")"
                                 : "")
          << (delivery.quarantined ? ", set aside " + std::to_string(delivery.quarantined) + " refused" : "")
          << std::endl;
    auto wakeAt = nextCheck;
    if (delivery.error) {
      ++failures;
      const auto delay = backoffDelay(failures, std::chrono::seconds(5), options.backoffCap, rng);
      err << "annexa-agent: delivery failed (" << *delivery.error << "); " << spool.list().size()
          << " report(s) kept in the spool, retry in " << delay.count() << " s" << std::endl;
      wakeAt = std::min(wakeAt, std::chrono::steady_clock::now() + delay);
    } else {
      failures = 0;
    }
    if (options.once) return delivery.error ? 1 : 0;
    if (stop.requested() || stop.sleepUntil(wakeAt)) {
      out << "annexa-agent: stopping (" << spool.list().size() << " report(s) in the spool)" << std::endl;
      return 0;
    }
  }
}

}  // namespace annexa::agent
