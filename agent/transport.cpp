#include "agent/transport.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "agent/last_full_report.hpp"
#include "agent/runner.hpp"
#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/json.hpp"
#include "common/pki.hpp"
#include "common/safe_file.hpp"
#include "common/text_file.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

Result<std::string> readState(const fs::path& path) {
  auto content = readTextFile(path, 1024 * 1024);
  if (!content) return makeError(content.error() + " (is this agent enrolled? run `annexa-agent enroll`)");
  return content;
}

// Sleeps until the deadline unless SIGTERM/SIGINT arrives (they are blocked and waited for, not handled).
bool sleepUnlessSignalled(std::chrono::steady_clock::time_point deadline) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  while (true) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    const int sig = sigtimedwait(&set, nullptr, &timeout);
    if (sig == SIGTERM || sig == SIGINT) return true;
  }
}

// The collector will never take this body: malformed (400) or too large (413).
bool isUnreadable(int status) { return status == 400 || status == 413; }

bool stopRequested() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
}

}  // namespace

fs::path defaultStateDirectory() {
  if (::geteuid() == 0) return "/var/lib/annexa-agent";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return fs::path(xdg) / "annexa-agent";
  const char* home = std::getenv("HOME");
  if (!home || !*home) {
    const passwd* pw = ::getpwuid(::geteuid());
    home = pw ? pw->pw_dir : "/tmp";
  }
  return fs::path(home) / ".local/state/annexa-agent";
}

Result<AgentIdentity> enrollAgent(const EnrollOptions& options) {
  std::error_code ec;
  if (fs::exists(options.state.enrollment(), ec) && !options.force)
    return makeError(options.state.root.string() + " already holds an enrollment; use --force to enroll again");
  auto endpoint = parseServerUrl(options.server);
  if (!endpoint) return makeError(endpoint.error());
  if (pki::normaliseFingerprint(options.caFingerprint).empty())
    return makeError("--ca-fingerprint must be SHA256: followed by 64 hex digits (printed by `annexa-collector init`)");
  if (options.token.empty()) return makeError("--token is required");
  // Our key goes in there: it must be our own directory, not a link someone planted.
  if (auto ready = safe_file::ensureDirectory(options.state.root, 0700); !ready) return makeError(ready.error());

  auto key = pki::generateKey();
  if (!key) return makeError(key.error());
  auto csr = pki::createCsrPem(key->get(), "annexa-agent");
  if (!csr) return makeError(csr.error());
  const auto host = collectHostInfo(SystemView::live());
  const nlohmann::json body = {{"token", options.token},
                               {"csr", *csr},
                               {"interval_seconds", options.intervalSeconds},
                               {"host", toJson(host)}};

  HttpsClient client(*endpoint, ClientTls{"", options.caFingerprint, "", ""});
  auto response = client.request("POST", "/api/v1/enroll", body.dump());
  if (!response) return makeError("enrollment failed: " + response.error());
  auto reply = parseJson(response->body);
  if (response->status != 201) {
    const std::string reason = reply && reply->is_object() ? reply->value("error", response->body) : response->body;
    return makeError("enrollment refused (HTTP " + std::to_string(response->status) + "): " + reason);
  }
  if (!reply || !reply->is_object()) return makeError("enrollment: the collector sent an unreadable answer");
  AgentIdentity identity;
  identity.agentId = reply->value("agent_id", std::string());
  identity.certificatePem = reply->value("certificate", std::string());
  identity.caPem = client.pinnedCaPem();  // the CA that matched the pin, not whatever the answer claims
  identity.intervalSeconds = reply->value("interval_seconds", options.intervalSeconds);
  identity.server = endpoint->url();
  identity.privateKeyPem = pki::privateKeyPem(key->get());
  auto cert = pki::parseCertificatePem(identity.certificatePem);
  auto ca = pki::parseCertificatePem(identity.caPem);
  if (!cert || !ca) return makeError("enrollment: the collector sent no usable certificate");
  if (auto verified = pki::verifyIssuedBy(cert->get(), ca->get()); !verified)
    return makeError("enrollment: issued certificate is not signed by the pinned CA: " + verified.error());

  const nlohmann::json state = {{"agent_id", identity.agentId},
                                {"server", identity.server},
                                {"interval_seconds", identity.intervalSeconds},
                                {"ca_fingerprint", pki::fingerprint(ca->get())},
                                {"enrolled_at", formatRfc3339(unixNow())}};
  for (auto written : {pki::writePrivateKey(options.state.key(), key->get()),
                       writeFileDurably(options.state.certificate(), identity.certificatePem, 0644),
                       writeFileDurably(options.state.ca(), identity.caPem, 0644),
                       writeFileDurably(options.state.enrollment(), state.dump(2) + "\n", 0600)})
    if (!written) return makeError(written.error());
  return identity;
}

Result<AgentIdentity> loadIdentity(const StateDir& state) {
  auto enrollment = readState(state.enrollment());
  if (!enrollment) return makeError(enrollment.error());
  auto parsed = parseJson(*enrollment);
  if (!parsed || !parsed->is_object()) return makeError(state.enrollment().string() + ": unreadable enrollment state");
  AgentIdentity identity;
  identity.agentId = parsed->value("agent_id", std::string());
  identity.server = parsed->value("server", std::string());
  identity.intervalSeconds = parsed->value("interval_seconds", std::int64_t{900});
  for (auto [path, target] : {std::pair{state.ca(), &identity.caPem}, std::pair{state.certificate(), &identity.certificatePem},
                              std::pair{state.key(), &identity.privateKeyPem}}) {
    auto content = readState(path);
    if (!content) return makeError(content.error());
    *target = std::move(*content);
  }
  if (identity.agentId.empty() || identity.server.empty()) return makeError(state.enrollment().string() + ": incomplete");
  return identity;
}

DeliveryOutcome deliverSpool(Spool& spool, HttpsClient& client, const fs::path& lastFullReport) {
  DeliveryOutcome outcome;
  LastFullReportFile lastFull(lastFullReport);
  bool shortFormUnread = false;  // the collector answered 400 or 413 to one: send the rest in full
  for (const auto& report : spool.list()) {
    auto body = spool.read(report);
    if (!body) {  // vanished or unreadable: nothing to send
      (void)spool.quarantine(report);
      ++outcome.quarantined;
      continue;
    }
    const auto forms = lastFull.enabled() ? deliveryForms(*body, lastFull.current()) : DeliveryForms{};
    bool sentUnchanged = forms.unchangedBody.has_value() && !shortFormUnread;
    auto response = client.request("POST", "/api/v1/reports", sentUnchanged ? *forms.unchangedBody : *body);
    // 409: the collector's state is not the report we remember (a newer one, a restored database). 400 or 413: it
    // cannot read the short form (a collector older than it). Either way the full report goes, and only its own
    // answer may set it aside.
    if (sentUnchanged && response && (response->status == 409 || isUnreadable(response->status))) {
      shortFormUnread = shortFormUnread || isUnreadable(response->status);
      lastFull.forget();
      sentUnchanged = false;
      response = client.request("POST", "/api/v1/reports", *body);
    }
    if (!response) {
      outcome.error = response.error();
      return outcome;
    }
    if (response->status >= 200 && response->status < 300) {
      if (sentUnchanged) {
        ++outcome.unchanged;
        outcome.unchangedSince = lastFull.current()->reportId;
      } else if (forms.full) {
        lastFull.remember(*forms.full);  // before the spool forgets it: a crash in between only resends it
      }
      if (auto removed = spool.remove(report); !removed) {
        outcome.error = removed.error();
        return outcome;
      }
      ++outcome.delivered;
    } else if (isUnreadable(response->status)) {
      // The collector will never take this one; keep it aside for diagnosis, deliver the rest.
      (void)spool.quarantine(report);
      ++outcome.quarantined;
    } else {
      auto reply = parseJson(response->body);
      outcome.error = "collector answered HTTP " + std::to_string(response->status) + ": " +
                      (reply && reply->is_object() ? reply->value("error", response->body) : response->body);
      return outcome;
    }
  }
  return outcome;
}

std::chrono::seconds backoffDelay(int failures, std::chrono::seconds base, std::chrono::seconds cap, std::mt19937_64& rng) {
  const int exponent = std::clamp(failures - 1, 0, 30);
  const auto ceiling = std::min<long long>(cap.count(), base.count() * (1LL << std::min(exponent, 20)));
  std::uniform_int_distribution<long long> jitter(std::max<long long>(1, ceiling / 2), std::max<long long>(1, ceiling));
  return std::chrono::seconds(jitter(rng));
}

int runAgentLoop(const RunLoopOptions& options, std::ostream& out, std::ostream& err) {
  auto identity = loadIdentity(options.state);
  if (!identity) {
    err << "annexa-agent: " << identity.error() << "\n";
    return 2;
  }
  auto config = options.configPath ? loadAgentConfig(*options.configPath, true)
                                   : loadAgentConfig(std::string(kDefaultConfigPath), false);
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
  // Block the stop signals: the loop waits for them with sigtimedwait, so a stop never interrupts a write.
  // The caller's mask comes back on return (processes it starts later must not inherit SIGTERM blocked).
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  sigset_t previousMask;
  pthread_sigmask(SIG_BLOCK, &stopSignals, &previousMask);
  struct RestoreMask {
    const sigset_t& mask;
    ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restoreMask{previousMask};

  HttpsClient client(*endpoint, ClientTls{identity->caPem, "", identity->certificatePem, identity->privateKeyPem});
  const auto interval = std::chrono::seconds(options.intervalSeconds.value_or(identity->intervalSeconds));
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  int failures = 0;
  auto nextCheck = std::chrono::steady_clock::now();
  while (true) {
    if (std::chrono::steady_clock::now() >= nextCheck) {
      auto report = runChecks(SystemView::live(), *config, CheckMapping::builtin(), {});
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
    if (stopRequested() || sleepUnlessSignalled(wakeAt)) {
      out << "annexa-agent: stopping (" << spool.list().size() << " report(s) in the spool)" << std::endl;
      return 0;
    }
  }
}

}  // namespace annexa::agent
