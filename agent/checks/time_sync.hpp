// Time synchronisation: an NTP client runs and the kernel clock is synchronised (time.sync_active).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/check.hpp"
#include "agent/facts/daemons.hpp"

namespace annexa::agent::checks {

// What adjtimex(2) says about the kernel clock.
struct KernelClock {
  bool synchronized = false;  // STA_UNSYNC clear
  long long maxErrorMicros = 0;
};

struct TimeSyncFacts {
  bool live = true;
  std::string processError;
  std::vector<std::string> installed;   // NTP client binaries present
  std::vector<DaemonSighting> daemons;  // NTP clients that are not Absent
  std::optional<KernelClock> clock;     // live systems only
  std::string clockError;               // adjtimex failed
};

Outcome evaluateTimeSync(const TimeSyncFacts& facts);

}  // namespace annexa::agent::checks
