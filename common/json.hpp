// JSON parsing for untrusted input: no exceptions escape, nesting depth is bounded.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace annexa {

inline constexpr int kDefaultMaxJsonDepth = 32;

// True when no array/object nests deeper than maxDepth (strings are skipped correctly).
bool jsonDepthWithin(std::string_view text, int maxDepth);

// Parses text; a clear message on syntax errors or excessive nesting.
Result<nlohmann::json> parseJson(std::string_view text, int maxDepth = kDefaultMaxJsonDepth);

}  // namespace annexa
