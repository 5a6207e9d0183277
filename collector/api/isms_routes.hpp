// The ISMS routes of the collector API: the registers (SoA, exceptions, risks, non-conformities) with their CSV
// export and import, readiness, the audit calendar, the management review and the ISMS audit trail. Viewers read,
// admins write; the router enforces that from the table.
#pragma once

#include <cstdint>
#include <functional>

#include "collector/api/router.hpp"
#include "collector/isms/isms_service.hpp"

namespace annexa::collector {

// `registersChanged` runs after every write (an exception added or revoked changes the posture).
void addIsmsRoutes(Router& router, isms::IsmsService& service, std::function<std::int64_t()> clock,
                   std::function<void()> registersChanged);

}  // namespace annexa::collector
