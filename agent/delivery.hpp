// Delivery: spooled reports sent oldest first over mutual TLS, in the short "unchanged since" form when the results
// are those of the last full report the collector took; backoff while the collector is away.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "agent/spool.hpp"
#include "common/https_client.hpp"

namespace annexa::agent {

struct DeliveryOutcome {
  int delivered = 0;    // stored or already stored (duplicate)
  int unchanged = 0;    // of those, sent as "unchanged since" a full report
  std::string unchangedSince;  // the full report the last of them named
  int quarantined = 0;  // refused as malformed or too large: moved aside
  std::optional<std::string> error;  // delivery stopped here; the rest stays spooled
};

// Sends spooled reports oldest first; each is deleted only after a 2xx. With `lastFullReport` (the file that
// remembers the last full report the collector took), a report with the same results goes in its short form
// (agent/last_full_report.hpp); when the collector answers 409 to it (or 400/413: it cannot read the short form),
// the memory is dropped and the full report sent, and only the full report's answer can set a report aside.
DeliveryOutcome deliverSpool(Spool& spool, HttpsClient& client, const std::filesystem::path& lastFullReport = {});

// Exponential backoff with full jitter: uniform in [base·2^(failures-1) / 2, base·2^(failures-1)], capped.
std::chrono::seconds backoffDelay(int failures, std::chrono::seconds base, std::chrono::seconds cap, std::mt19937_64& rng);

}  // namespace annexa::agent
