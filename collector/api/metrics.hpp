// Counters and a latency histogram in Prometheus text exposition format (GET /metrics).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace annexa::collector {

// A label value as the Prometheus text format writes it: backslash, double quote and line feed escaped.
std::string escapeLabelValue(std::string_view value);

class Metrics {
 public:
  void reportAccepted() { ++reportsAccepted_; }
  void reportDuplicate() { ++reportsDuplicate_; }
  // Of the accepted ones: short reports (annexa.unchanged/1) that confirmed the host's results.
  void reportUnchanged() { ++reportsUnchanged_; }
  void reportRejected(const std::string& reason);
  void requestServed(const std::string& route, int status, double seconds);
  void handshakeFailed() { ++handshakeFailures_; }
  // Agent certificates signed at enrollment (only for requests whose token was valid).
  void certificateIssued() { ++certificatesIssued_; }
  // Reports an agent's full spool had to drop, as announced by the agent in a stored report.
  void agentReportsDropped(std::uint64_t n) { agentReportsDropped_ += n; }

  struct Gauges {
    std::size_t queueDepth = 0;
    int agentsEnrolled = 0;
    int agentsStale = 0;
    int agentsRevoked = 0;
    std::uint32_t bodyDictionaryId = 0;  // what new report bodies are compressed with; 0 before there is one
  };
  std::string render(const Gauges& gauges) const;

  std::uint64_t accepted() const { return reportsAccepted_; }
  std::uint64_t handshakeFailures() const { return handshakeFailures_; }
  std::uint64_t certificatesIssued() const { return certificatesIssued_; }

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   5};
  std::atomic<std::uint64_t> reportsAccepted_{0};
  std::atomic<std::uint64_t> reportsDuplicate_{0};
  std::atomic<std::uint64_t> reportsUnchanged_{0};
  std::atomic<std::uint64_t> handshakeFailures_{0};
  std::atomic<std::uint64_t> certificatesIssued_{0};
  std::atomic<std::uint64_t> agentReportsDropped_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> rejected_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, kBuckets.size() + 1> latency_{};
  double latencySum_ = 0;
  std::uint64_t latencyCount_ = 0;
};

}  // namespace annexa::collector
