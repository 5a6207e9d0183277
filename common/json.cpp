#include "common/json.hpp"

#include <cstdint>
#include <cstring>
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

// dump()'s escape for an ASCII byte that needs one (its short forms, \u00xx in lower-case hex otherwise).
const char* asciiEscape(unsigned char c, char (&scratch)[7]) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\f': return "\\f";
    case '\r': return "\\r";
    default: break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  scratch[4] = kHex[c >> 4];
  scratch[5] = kHex[c & 0xf];
  return scratch;
}

bool special(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

// Whether any of 8 bytes is special, without looking at them one by one (the "has less than" and "has zero
// byte" bit tricks; exact as a yes/no).
bool anySpecial(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const auto hasZero = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const std::uint64_t control = (w - kOnes * 0x20) & ~w & kHighs;
  return (control | hasZero(w ^ (kOnes * '"')) | hasZero(w ^ (kOnes * '\\')) | (w & kHighs)) != 0;
}

// The first special byte at or after `from`, or s.size().
std::size_t nextSpecial(std::string_view s, std::size_t from) {
  std::size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (anySpecial(w)) break;
  }
  for (; i < s.size(); ++i)
    if (special(static_cast<unsigned char>(s[i]))) return i;
  return s.size();
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  char scratch[7] = {'\\', 'u', '0', '0', 0, 0, 0};
  out += '"';
  std::size_t plainFrom = 0;  // bytes written as they are go out in runs
  for (std::size_t i = nextSpecial(s, 0); i < s.size(); i = nextSpecial(s, i)) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {  // UTF-8: validated (and refused) exactly as dump() does, by dump() itself
      out.resize(start);
      out += nlohmann::json(std::string(s)).dump();
      return;
    }
    out.append(s, plainFrom, i - plainFrom);
    out += asciiEscape(c, scratch);
    plainFrom = ++i;
  }
  out.append(s, plainFrom);
  out += '"';
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
