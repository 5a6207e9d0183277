#include "agent/facts/login_defs.hpp"

#include "common/text.hpp"

namespace annexa::agent {

std::optional<LoginDefsValue> LoginDefs::get(std::string_view key) const {
  const auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

LoginDefs parseLoginDefs(std::string_view content, std::string_view source) {
  LoginDefs defs;
  defs.source = std::string(source);
  int lineNumber = 0;
  for (const auto raw : text::lines(content)) {
    ++lineNumber;
    const auto line = text::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto words = text::splitWords(line);
    if (words.size() < 2) continue;
    std::string value(words[1]);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    defs.values[words[0]] = {std::move(value), lineNumber};
  }
  return defs;
}

Result<LoginDefs> loadLoginDefs(const SystemView& system) {
  for (const std::string_view path : {kLoginDefsPath, std::string_view("/usr/etc/login.defs")}) {
    if (!system.exists(path)) continue;
    auto content = system.readFile(path, 1024 * 1024);
    if (!content) return makeError("cannot read " + content.error());
    return parseLoginDefs(*content, path);
  }
  LoginDefs missing;
  missing.exists = false;
  return missing;
}

}  // namespace annexa::agent
