// Failed attempts per source address in a fixed window (enrollment: 10 a minute, then 429 until the window ends).
// The table is bounded: an attacker sending from ever new addresses cannot grow it, only evict the oldest entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace annexa::collector {

struct FailureThrottleOptions {
  int maxFailures = 10;           // per source and window; the next attempt is refused
  std::int64_t windowSeconds = 60;
  std::size_t maxSources = 4096;  // addresses tracked at once
};

class FailureThrottle {
 public:
  explicit FailureThrottle(FailureThrottleOptions options = {}) : options_(options) {}

  // False while `source` has used up its failures in its current window.
  bool allows(const std::string& source, std::int64_t now) const;
  void recordFailure(const std::string& source, std::int64_t now);
  std::size_t trackedSources() const;

  // What one client is known by: an IPv4 address, or the /64 network of an IPv6 one (a single host commonly holds
  // a whole /64). IPv4-mapped IPv6 addresses count as IPv4. Anything unparsable is its own key.
  static std::string sourceKey(std::string_view address);

 private:
  struct Window {
    std::int64_t start = 0;
    int failures = 0;
  };
  void makeRoom(std::int64_t now);

  FailureThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace annexa::collector
