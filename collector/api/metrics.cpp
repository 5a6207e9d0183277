#include "collector/api/metrics.hpp"

#include <sstream>

#include "common/log.hpp"

namespace annexa::collector {

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Metrics::reportRejected(const std::string& reason) {
  // 409 "not current" is the unchanged-since protocol at work; every other refusal is worth a look.
  log::event(reason == "not_current" ? log::Level::Info : log::Level::Warning, "refused", {{"reason", reason}});
  std::lock_guard lock(mutex_);
  ++rejected_[reason];
}

void Metrics::requestServed(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  ++latency_[bucket];
  latencySum_ += seconds;
  ++latencyCount_;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::ostringstream out;
  out << "# HELP annexa_reports_accepted_total Reports stored.\n# TYPE annexa_reports_accepted_total counter\n"
      << "annexa_reports_accepted_total " << reportsAccepted_ << "\n"
      << "# HELP annexa_reports_unchanged_total Accepted reports that were short: results unchanged since a full one.\n"
      << "# TYPE annexa_reports_unchanged_total counter\nannexa_reports_unchanged_total " << reportsUnchanged_ << "\n"
      << "# HELP annexa_reports_duplicate_total Reports already stored (redelivery), acknowledged again.\n"
      << "# TYPE annexa_reports_duplicate_total counter\nannexa_reports_duplicate_total " << reportsDuplicate_ << "\n"
      << "# HELP annexa_agent_reports_dropped_total Reports agents dropped from a full spool (announced later).\n"
      << "# TYPE annexa_agent_reports_dropped_total counter\nannexa_agent_reports_dropped_total " << agentReportsDropped_
      << "\n"
      << "# HELP annexa_reports_rejected_total Reports refused, by reason.\n"
      << "# TYPE annexa_reports_rejected_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [reason, count] : rejected_)
    out << "annexa_reports_rejected_total{reason=\"" << escapeLabelValue(reason) << "\"} " << count << "\n";
  out << "# HELP annexa_tls_handshake_failures_total TLS handshakes that failed (bad or revoked certificate, timeout).\n"
      << "# TYPE annexa_tls_handshake_failures_total counter\nannexa_tls_handshake_failures_total " << handshakeFailures_
      << "\n# HELP annexa_certificates_issued_total Agent certificates signed at enrollment.\n"
      << "# TYPE annexa_certificates_issued_total counter\nannexa_certificates_issued_total " << certificatesIssued_
      << "\n# HELP annexa_http_requests_total Requests served, by route and status.\n"
      << "# TYPE annexa_http_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "annexa_http_requests_total{route=\"" << escapeLabelValue(key.first) << "\",status=\"" << key.second
        << "\"} " << count << "\n";
  out << "# HELP annexa_http_request_duration_seconds Request latency.\n"
      << "# TYPE annexa_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i];
    out << "annexa_http_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
  }
  cumulative += latency_[kBuckets.size()];
  out << "annexa_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "annexa_http_request_duration_seconds_sum " << latencySum_ << "\n"
      << "annexa_http_request_duration_seconds_count " << latencyCount_ << "\n"
      << "# HELP annexa_storage_queue_depth Reports not yet answered: queued, being written, or waiting for the disk.\n"
      << "# TYPE annexa_storage_queue_depth gauge\nannexa_storage_queue_depth " << gauges.queueDepth << "\n"
      << "# HELP annexa_agents Agents by state.\n# TYPE annexa_agents gauge\n"
      << "annexa_agents{state=\"enrolled\"} " << gauges.agentsEnrolled << "\n"
      << "annexa_agents{state=\"stale\"} " << gauges.agentsStale << "\n"
      << "annexa_agents{state=\"revoked\"} " << gauges.agentsRevoked << "\n"
      << "# HELP annexa_body_dictionary_id The zstd dictionary new report bodies are compressed with (0: none yet).\n"
      << "# TYPE annexa_body_dictionary_id gauge\nannexa_body_dictionary_id " << gauges.bodyDictionaryId << "\n";
  return out.str();
}

}  // namespace annexa::collector
