#include "collector/api/failure_throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace annexa::collector {

bool FailureThrottle::allows(const std::string& source, std::int64_t now) const {
  std::lock_guard lock(mutex_);
  const auto it = windows_.find(source);
  if (it == windows_.end() || now - it->second.start >= options_.windowSeconds) return true;
  return it->second.failures < options_.maxFailures;
}

void FailureThrottle::recordFailure(const std::string& source, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = windows_.find(source);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.maxSources) makeRoom(now);
    it = windows_.emplace(source, Window{now, 0}).first;
  }
  if (now - it->second.start >= options_.windowSeconds) it->second = {now, 0};
  ++it->second.failures;
}

std::size_t FailureThrottle::trackedSources() const {
  std::lock_guard lock(mutex_);
  return windows_.size();
}

// Drops every ended window; when all are current, the oldest one (the table never outgrows maxSources).
void FailureThrottle::makeRoom(std::int64_t now) {
  std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.start >= options_.windowSeconds; });
  if (windows_.size() < options_.maxSources || windows_.empty()) return;
  const auto oldest = std::min_element(windows_.begin(), windows_.end(),
                                       [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
  windows_.erase(oldest);
}

std::string FailureThrottle::sourceKey(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return text;  // IPv4 (or not an address at all)
  static constexpr std::array<unsigned char, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin())) {
    char v4[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, bytes.data() + 12, v4, sizeof v4);
    return v4;
  }
  char prefix[48];
  std::snprintf(prefix, sizeof prefix, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
  return prefix;
}

}  // namespace annexa::collector
