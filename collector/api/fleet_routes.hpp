// The fleet's read side: posture now and at an instant, a control's hosts, the host list and detail, findings and
// daily history. Keeps the two views that are expensive to rebuild (the posture, the host table) and rebuilds
// them as reports arrive, at a pace that keeps a 10,000-host fleet cheap.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/api/router.hpp"
#include "collector/posture/posture.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"

namespace annexa::collector {

class FleetRoutes {
 public:
  using Clock = std::function<std::int64_t()>;
  // The failures accepted by exceptions valid at an instant (none without the ISMS registers).
  using Acceptance = std::function<AcceptedFailure(std::int64_t)>;
  FleetRoutes(Store& store, const Catalog& catalog, const CheckMapping& mapping, Acceptance acceptance, Clock clock);

  // GET /api/v1/posture, /controls/{control}, /hosts, /hosts/{agent}, /findings, /history (operators).
  void addRoutes(Router& router);

  // The current posture, recomputed when reports arrived since the last computation or a minute passed.
  FleetPosture posture();
  // The posture as stored history says it was at `t` (not cached), with the exceptions valid at `t`.
  FleetPosture postureAt(std::int64_t t);

  // What invalidates the views: reports stored, agents enrolled or revoked, exceptions changed.
  void reportsStored() { ++ingestGeneration_; }
  void agentsChanged() { ++agentsGeneration_; }
  void acceptanceChanged();

 private:
  // `?at=RFC3339` on the posture, control and host views: absent → nullopt (now); bad or future → error.
  Result<std::optional<std::int64_t>> instantOf(const Query& query);
  ApiResponse postureView(const Query& query);
  ApiResponse controlDetail(const std::string& controlId, const Query& query);
  ApiResponse hostList(const Query& query);
  ApiResponse hostDetail(const std::string& agentId, const Query& query);
  ApiResponse findings();
  ApiResponse history(const Query& query);

  // Every agent with its result counts: what the host list pages through. Shared by the pages of one listing
  // (a dashboard reads 10,000 hosts as ten pages); rebuilt when agents change, when reports arrived (at once below
  // kSmallFleet hosts, else at most once per ten times its cost), or after a minute.
  struct HostTable {
    std::vector<AgentRecord> agents;  // revoked ones included
    std::unordered_map<std::string, HostResultCounts> counts;
  };
  std::shared_ptr<const HostTable> hostTable();
  // When a fleet-wide view read from the database follows new reports: at most once per ten times what its last
  // build cost, so a fleet of 10,000 hosts spends at most a tenth of a core on it; a small fleet sees every report.
  struct RebuildPace {
    std::uint64_t ingestGeneration = 0;  // of the reports the view has seen
    std::chrono::steady_clock::time_point builtAt{};
    std::chrono::steady_clock::duration cost{};
    std::chrono::steady_clock::duration sinceBuilt() const { return std::chrono::steady_clock::now() - builtAt; }
    bool followReports(std::uint64_t generation, bool atOnce) const {
      return generation != ingestGeneration && (atOnce || sinceBuilt() >= 10 * cost);
    }
    template <class Build>
    void rebuild(std::uint64_t generation, Build&& build) {
      const auto started = std::chrono::steady_clock::now();
      build();
      ingestGeneration = generation;
      builtAt = std::chrono::steady_clock::now();
      cost = builtAt - started;
    }
  };
  static constexpr std::size_t kSmallFleet = 1000;  // hosts: its table costs a few ms to rebuild

  Store& store_;
  const Catalog& catalog_;
  const CheckMapping& mapping_;
  Acceptance acceptance_;
  Clock clock_;

  std::atomic<std::uint64_t> ingestGeneration_{0};
  std::atomic<std::uint64_t> agentsGeneration_{0};
  std::mutex postureMutex_;
  std::optional<FleetPosture> posture_;
  RebuildPace posturePace_;
  std::mutex hostsMutex_;
  std::shared_ptr<const HostTable> hosts_;
  std::uint64_t hostsAgentsGeneration_ = 0;
  RebuildPace hostsPace_;
};

}  // namespace annexa::collector
