#include "collector/posture/posture_at.hpp"

#include <string>

#include "common/clock.hpp"

namespace annexa::collector {

Result<std::int64_t> parseInstant(std::string_view text, std::int64_t now) {
  const auto t = parseRfc3339(text);
  if (!t) return makeError("at must be an RFC 3339 time such as 2026-10-01T00:00:00Z (got \"" + std::string(text) + "\")");
  if (*t > now) return makeError("at " + std::string(text) + " is in the future");
  return *t;
}

FleetPosture postureAt(HistoryStore& store, const Catalog& catalog, const CheckMapping& mapping, std::int64_t t,
                       const AcceptedFailure& accepted) {
  return computePosture(catalog, mapping, store.agentsAt(t), store.statusesAt(t), t, accepted);
}

}  // namespace annexa::collector
