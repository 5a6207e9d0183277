// Command-line arguments of annexa-collector's subcommands: --name value options, bare --flags, positional words.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace annexa::collector {

// Exit statuses of every subcommand: done; refused (bad input, a rule of the register); could not run at all.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitFatal = 2;
// The actor the ISMS audit trail records for changes made on the command line.
inline constexpr const char* kCliActor = "cli";

struct CliArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::vector<std::string> flags;

  bool hasFlag(const std::string& name) const;
  std::string optionOr(const std::string& name, const std::string& fallback) const;
};

// `flagNames` take no value; any other --name takes the next word ("--name needs a value" when there is none).
Result<CliArgs> parseCliArgs(const std::vector<std::string>& raw, const std::vector<std::string>& flagNames);

}  // namespace annexa::collector
