// Time in reports: RFC 3339 UTC strings and seconds since the epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-23T09:00:27Z" (or with ".123Z" when withMillis).
std::string formatRfc3339(SystemTime time, bool withMillis = false);
std::string formatRfc3339(std::int64_t unixSeconds);
// The years parseRfc3339 accepts; anything else is malformed, not clamped.
inline constexpr int kEarliestYear = 1970;
inline constexpr int kLatestYear = 9999;
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" and "YYYY-MM-DD" (midnight UTC), years kEarliestYear–kLatestYear.
std::optional<std::int64_t> parseRfc3339(std::string_view text);
std::int64_t unixNow();
// "24h", "15m", "30s", "7d" or plain seconds; positive, at most 100 years.
Result<std::int64_t> parseDurationSeconds(std::string_view text);

}  // namespace annexa
