// Lenient readers for the collector's JSON, shared by the snapshot parsers: a missing or mistyped field
// reads as empty/zero; only a document that is not an object (or throws) is an error. Internal to dashboard/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json.hpp"
#include "common/result.hpp"

namespace annexa::dashboard::json_read {

using nlohmann::json;

// Parses and hands the document to `build`; type errors in the document become error values.
template <typename T, typename Build>
Result<T> parseWith(std::string_view text, const char* what, Build build) {
  auto doc = parseJson(text);
  if (!doc) return makeError(std::string(what) + ": " + doc.error());
  if (!doc->is_object()) return makeError(std::string(what) + ": expected a JSON object");
  try {
    return build(*doc);
  } catch (const json::exception& e) {
    return makeError(std::string(what) + ": unexpected shape (" + e.what() + ")");
  }
}

inline std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline int num(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int>() : 0;
}

inline std::int64_t num64(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

inline bool flag(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

inline std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (const auto it = j.find(key); it != j.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

inline const json& array(const json& j, const char* key) {
  static const json empty = json::array();
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

inline const json& object(const json& j, const char* key) {
  static const json empty = json::object();
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

}  // namespace annexa::dashboard::json_read
