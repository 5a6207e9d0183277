#include "agent/facts/login_defs.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr std::size_t kFgetsBuffer = 1024;  // def_load's char buf[1024]

bool isCSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

}  // namespace

std::optional<LoginDefsValue> LoginDefs::get(std::string_view key) const {
  const auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

LoginDefs parseLoginDefs(std::string_view content, std::string_view source) {
  LoginDefs defs;
  defs.source = std::string(source);
  int lineNumber = 1;
  std::size_t at = 0;
  while (at < content.size()) {
    // fgets(buf, 1024, fp): up to 1023 bytes, stopping after a newline; a longer line goes on in the next call.
    std::size_t end = at;
    while (end < content.size() && end - at < kFgetsBuffer - 1 && content[end] != '\n') ++end;
    if (end < content.size() && content[end] == '\n' && end - at < kFgetsBuffer - 1) ++end;
    std::string buf(content.substr(at, end - at));
    const int thisLine = lineNumber;
    for (std::size_t i = at; i < end; ++i)
      if (content[i] == '\n') ++lineNumber;
    at = end;
    // C strings end at a NUL byte.
    if (const auto nul = buf.find('\0'); nul != std::string::npos) buf.resize(nul);
    while (!buf.empty() && isCSpace(buf.back())) buf.pop_back();
    std::size_t name = buf.find_first_not_of(" \t");
    if (name == std::string::npos || buf[name] == '#') continue;
    const std::size_t nameEnd = buf.find_first_of(" \t", name);
    if (nameEnd == std::string::npos) continue;  // a lone word
    std::size_t value = buf.find_first_not_of(" \"\t", nameEnd + 1);
    if (value == std::string::npos) value = buf.size();
    std::size_t valueEnd = buf.find('"', value);
    if (valueEnd == std::string::npos) valueEnd = buf.size();
    defs.values[buf.substr(name, nameEnd - name)] = {buf.substr(value, valueEnd - value), thisLine};
  }
  return defs;
}

Result<LoginDefs> loadLoginDefs(const SystemView& system) {
  for (const std::string_view path : {kLoginDefsPath, std::string_view("/usr/etc/login.defs")}) {
    auto where = system.probe(path);
    if (!where) return makeError("cannot read " + where.error());
    if (!*where) continue;
    auto content = system.readFile(path, 1024 * 1024);
    if (!content) return makeError("cannot read " + content.error());
    return parseLoginDefs(*content, path);
  }
  LoginDefs missing;
  missing.exists = false;
  return missing;
}

std::optional<long long> shadowGetLong(std::string_view value) {
  const std::string copy(value);  // NUL-terminated for strtol
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long parsed = std::strtol(copy.c_str(), &end, 0);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return parsed;
}

std::optional<long long> shadowGetNum(std::string_view value) {
  const auto parsed = shadowGetLong(value);
  if (!parsed || *parsed > INT_MAX || *parsed < INT_MIN) return std::nullopt;
  return parsed;
}

std::optional<unsigned long long> shadowGetULong(std::string_view value) {
  const std::string copy(value);
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long parsed = std::strtoul(copy.c_str(), &end, 0);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return parsed;
}

}  // namespace annexa::agent
