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

// The same bytes as j.dump() (keys sorted, no whitespace, UTF-8 kept), several times faster on the plain
// strings reports are made of: evidence hashes are computed over this on every report received.
// As dump(), throws nlohmann::json::type_error on a string that is not valid UTF-8 (never one parseJson made).
std::string canonicalDump(const nlohmann::json& j);
// Appends s as canonicalDump writes a string, quotes included.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace annexa
