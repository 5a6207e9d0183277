#include "agent/delivery.hpp"

#include <algorithm>

#include "agent/last_full_report.hpp"
#include "common/json.hpp"

namespace annexa::agent {
namespace fs = std::filesystem;

namespace {

// The collector will never take this body: malformed (400) or too large (413).
bool isUnreadable(int status) { return status == 400 || status == 413; }

}  // namespace

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

}  // namespace annexa::agent
