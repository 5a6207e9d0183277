// Posture at a date: the fleet as stored history says it was at an instant, for audits ("as of 1 October").
#pragma once

#include <cstdint>
#include <string_view>

#include "collector/posture/posture.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"
#include "common/result.hpp"

namespace annexa::collector {

// An `at` argument: RFC 3339 (or YYYY-MM-DD, midnight UTC), not after `now`.
Result<std::int64_t> parseInstant(std::string_view text, std::int64_t now);

// computePosture over the hosts and results of Store::agentsAt / statusesAt(t). `accepted` should be the
// exceptions valid at `t` (isms::acceptanceAt(exceptions, t)).
FleetPosture postureAt(HistoryStore& store, const Catalog& catalog, const CheckMapping& mapping, std::int64_t t,
                       const AcceptedFailure& accepted = {});

}  // namespace annexa::collector
