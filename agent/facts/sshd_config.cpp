#include "agent/facts/sshd_config.hpp"

#include <optional>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr int kMaxIncludeDepth = 16;  // sshd's own limit
constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

bool matchesAlias(std::string_view keyword, const std::vector<std::string_view>& aliases) {
  for (const auto alias : aliases)
    if (text::iequals(keyword, alias)) return true;
  return false;
}

const SshdSetting* firstOf(const std::vector<SshdSetting>& settings, const std::vector<std::string_view>& aliases) {
  for (const auto& setting : settings)
    if (matchesAlias(setting.keyword, aliases)) return &setting;
  return nullptr;
}

// Splits arguments on blanks; double quotes group (and are removed). A '#' outside quotes starts a comment.
std::vector<std::string> splitArguments(std::string_view s) {
  std::vector<std::string> out;
  std::string current;
  bool inQuotes = false;
  bool inToken = false;
  for (const char c : s) {
    if (inQuotes) {
      if (c == '"') inQuotes = false;
      else current += c;
      continue;
    }
    if (c == '"') {
      inQuotes = inToken = true;
    } else if (c == ' ' || c == '\t') {
      if (inToken) out.push_back(std::move(current));
      current.clear();
      inToken = false;
    } else if (c == '#' && !inToken) {
      break;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (inToken) out.push_back(std::move(current));
  return out;
}

struct ParsedLine {
  std::string keyword;
  std::vector<std::string> arguments;
};

// "Keyword arguments" or "Keyword=arguments"; nullopt for blank and comment lines.
std::optional<ParsedLine> parseLine(std::string_view raw) {
  const auto line = text::trim(raw);
  if (line.empty() || line.front() == '#') return std::nullopt;
  std::size_t end = 0;
  while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '=') ++end;
  ParsedLine parsed{std::string(line.substr(0, end)), {}};
  auto rest = text::trim(line.substr(end));
  if (!rest.empty() && rest.front() == '=') rest = text::trim(rest.substr(1));
  parsed.arguments = splitArguments(rest);
  return parsed;
}

class ConfigReader {
 public:
  ConfigReader(const SystemView* system, SshdConfig& config) : system_(system), config_(config) {}

  // `block` is the Match block lines go to (-1: global). A Match line starts a new block that lasts to the end of
  // this file; the caller's context is restored afterwards, as sshd does for included files.
  VoidResult parse(std::string_view content, const std::string& file, int depth, int block) {
    config_.files.push_back(file);
    int lineNumber = 0;
    for (const auto raw : text::lines(content)) {
      ++lineNumber;
      auto parsed = parseLine(raw);
      if (!parsed) continue;
      const std::string value = text::join(parsed->arguments, " ");
      if (text::iequals(parsed->keyword, "Match")) {
        config_.matchBlocks.push_back({value, file, lineNumber, {}});
        block = static_cast<int>(config_.matchBlocks.size()) - 1;
      } else if (text::iequals(parsed->keyword, "Include")) {
        if (!system_) continue;
        for (const auto& pattern : parsed->arguments) {
          auto included = include(pattern, depth, block);
          if (!included) return included;
        }
      } else {
        SshdSetting setting{parsed->keyword, value, file, lineNumber};
        if (block < 0) config_.global.push_back(std::move(setting));
        else config_.matchBlocks[static_cast<std::size_t>(block)].settings.push_back(std::move(setting));
      }
    }
    return success();
  }

 private:
  VoidResult include(const std::string& pattern, int depth, int block) {
    if (depth + 1 > kMaxIncludeDepth) return makeError("sshd_config Include nested deeper than 16 levels");
    const std::string path = pattern.front() == '/' ? pattern : joinPath("/etc/ssh", pattern);
    auto files = expand(path);
    if (!files) return makeError(files.error());
    for (const auto& file : *files) {
      auto content = system_->readFile(file, kMaxConfigBytes);
      if (!content) return makeError("cannot read included sshd configuration " + content.error());
      auto parsed = parse(*content, file, depth + 1, block);
      if (!parsed) return parsed;
    }
    return success();
  }

  // The files an Include argument names, sorted like glob(3); none when nothing matches.
  Result<std::vector<std::string>> expand(const std::string& path) const {
    const auto slash = path.rfind('/');
    const std::string directory = slash == 0 ? "/" : path.substr(0, slash);
    const std::string name = path.substr(slash + 1);
    if (directory.find_first_of("*?[") != std::string::npos)
      return makeError("sshd_config Include with wildcards in a directory is not supported: " + path);
    if (name.find_first_of("*?[") == std::string::npos) {
      if (system_->exists(path)) return std::vector<std::string>{path};
      return std::vector<std::string>{};
    }
    auto entries = system_->listDirectory(directory);
    if (!entries) {
      if (!system_->exists(directory)) return std::vector<std::string>{};
      return makeError("cannot list " + entries.error());
    }
    std::vector<std::string> out;
    for (const auto& entry : *entries) {
      const auto file = joinPath(directory, entry);
      if (matchesPattern(name, entry) && !system_->isDirectory(file)) out.push_back(file);
    }
    return out;
  }

  const SystemView* system_;
  SshdConfig& config_;
};

}  // namespace

const SshdSetting* SshdSettings::find(const std::vector<std::string_view>& aliases) const {
  if (block_)
    if (const auto* own = firstOf(block_->settings, aliases)) return own;
  return firstOf(config_.global, aliases);
}

bool SshdSettings::blockSets(const std::vector<std::string_view>& aliases) const {
  return block_ && firstOf(block_->settings, aliases) != nullptr;
}

Result<SshdConfig> loadSshdConfig(const SystemView& system, std::string_view path) {
  auto content = system.readFile(path, kMaxConfigBytes);
  if (!content) return makeError("cannot read " + content.error());
  SshdConfig config;
  config.mainFile = std::string(path);
  ConfigReader reader(&system, config);
  auto parsed = reader.parse(*content, std::string(path), 0, -1);
  if (!parsed) return makeError(parsed.error());
  return config;
}

SshdConfig parseSshdConfig(std::string_view content, std::string_view file) {
  SshdConfig config;
  config.mainFile = std::string(file);
  ConfigReader reader(nullptr, config);
  (void)reader.parse(content, std::string(file), 0, -1);
  return config;
}

}  // namespace annexa::agent
