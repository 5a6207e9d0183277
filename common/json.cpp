#include "common/json.hpp"

#include <cstdint>
#include <string>

namespace annexa {

bool jsonDepthWithin(std::string_view text, int maxDepth) {
  int depth = 0;
  bool inString = false;
  bool escaped = false;
  for (const char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    switch (c) {
      case '"': inString = true; break;
      case '[':
      case '{':
        if (++depth > maxDepth) return false;
        break;
      case ']':
      case '}': --depth; break;
      default: break;
    }
  }
  return true;
}

Result<nlohmann::json> parseJson(std::string_view text, int maxDepth) {
  if (!jsonDepthWithin(text, maxDepth)) {
    return makeError("JSON nests deeper than " + std::to_string(maxDepth) + " levels");
  }
  auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return makeError("malformed JSON");
  return parsed;
}

namespace {

// Printable ASCII other than the quote and backslash: bytes dump() writes unchanged. Anything else (escapes,
// UTF-8 that dump() validates) goes through dump() itself.
bool plainAscii(const std::string& s) {
  for (const unsigned char c : s)
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  return true;
}

}  // namespace

void appendJsonString(std::string& out, const std::string& s) {
  if (plainAscii(s)) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += nlohmann::json(s).dump();  // escapes and UTF-8 checks exactly as dump() does
  }
}

namespace {

void appendCanonical(std::string& out, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, key);
        out += ':';
        appendCanonical(out, value);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& value : j) {
        if (!first) out += ',';
        first = false;
        appendCanonical(out, value);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::string: appendJsonString(out, j.get_ref<const std::string&>()); break;
    case nlohmann::json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); break;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); break;
    default: out += j.dump(); break;  // null, booleans, floats, binary: rare, so dump() writes them itself
  }
}

}  // namespace

std::string canonicalDump(const nlohmann::json& j) {
  std::string out;
  appendCanonical(out, j);
  return out;
}

}  // namespace annexa
