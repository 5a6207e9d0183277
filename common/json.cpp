#include "common/json.hpp"

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

}  // namespace annexa
