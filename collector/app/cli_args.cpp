#include "collector/app/cli_args.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace annexa::collector {

bool CliArgs::hasFlag(const std::string& name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::string CliArgs::optionOr(const std::string& name, const std::string& fallback) const {
  const auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

Result<CliArgs> parseCliArgs(const std::vector<std::string>& raw, const std::vector<std::string>& flagNames) {
  CliArgs args;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto& a = raw[i];
    if (!text::startsWith(a, "--")) {
      args.positional.push_back(a);
    } else if (std::find(flagNames.begin(), flagNames.end(), a) != flagNames.end()) {
      args.flags.push_back(a);
    } else if (i + 1 < raw.size()) {
      args.options[a] = raw[++i];
    } else {
      return makeError(a + " needs a value");
    }
  }
  return args;
}

}  // namespace annexa::collector
