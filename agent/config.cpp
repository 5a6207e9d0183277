#include "agent/config.hpp"

#include <algorithm>

#include "common/text_file.hpp"
#include "common/json.hpp"

namespace annexa::agent {
namespace {

struct ThresholdField {
  const char* key;
  long long Thresholds::*field;
  long long minimum;
  long long maximum;
};

constexpr ThresholdField kThresholdFields[] = {
    {"backup.max_age_hours", &Thresholds::backupMaxAgeHours, 1, 24 * 366},
    {"updates.max_age_days", &Thresholds::updatesMaxAgeDays, 1, 366},
    {"auth.password_min_length", &Thresholds::passwordMinLength, 1, 128},
    {"auth.password_max_days", &Thresholds::passwordMaxDays, 1, 99999},
    {"auth.lockout_max_failures", &Thresholds::lockoutMaxFailures, 1, 100},
    {"ssh.max_auth_tries", &Thresholds::sshMaxAuthTries, 1, 100},
    {"capacity.max_used_percent", &Thresholds::diskMaxUsedPercent, 1, 100},
    {"desktop.max_idle_seconds", &Thresholds::screenLockMaxIdleSeconds, 1, 86400},
    {"malware.signature_max_age_days", &Thresholds::signatureMaxAgeDays, 1, 366},
};

Result<Unit> parseThresholds(const nlohmann::json& j, Thresholds& out) {
  if (!j.is_object()) return makeError("\"thresholds\" must be an object");
  for (const auto& [key, value] : j.items()) {
    const auto field = std::find_if(std::begin(kThresholdFields), std::end(kThresholdFields),
                                    [&name = key](const ThresholdField& f) { return name == f.key; });
    if (field == std::end(kThresholdFields)) return makeError("unknown threshold \"" + key + "\"");
    if (!value.is_number_integer()) return makeError("threshold \"" + key + "\" must be an integer");
    const auto number = value.get<long long>();
    if (number < field->minimum || number > field->maximum)
      return makeError("threshold \"" + key + "\" must be between " + std::to_string(field->minimum) + " and " +
                       std::to_string(field->maximum));
    out.*(field->field) = number;
  }
  return Unit{};
}

Result<std::string> optionalString(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return std::string();
  if (!it->is_string()) return makeError(where + "." + key + " must be a string");
  return it->get<std::string>();
}

}  // namespace

bool AgentConfig::isDisabled(std::string_view checkId) const {
  return std::find(disabledChecks.begin(), disabledChecks.end(), checkId) != disabledChecks.end();
}

Result<AgentConfig> parseAgentConfig(std::string_view jsonText) {
  auto parsed = parseJson(jsonText);
  if (!parsed) return makeError(parsed.error());
  if (!parsed->is_object()) return makeError("the config must be a JSON object");
  AgentConfig config;
  for (const auto& [key, value] : parsed->items()) {
    if (key == "thresholds") {
      auto ok = parseThresholds(value, config.thresholds);
      if (!ok) return makeError(ok.error());
    } else if (key == "disabled_checks") {
      if (!value.is_array()) return makeError("\"disabled_checks\" must be an array of check ids");
      for (const auto& id : value) {
        if (!id.is_string()) return makeError("\"disabled_checks\" must be an array of check ids");
        config.disabledChecks.push_back(id.get<std::string>());
      }
    } else if (key == "backup") {
      if (!value.is_object()) return makeError("\"backup\" must be an object");
      for (const auto& [backupKey, ignored] : value.items())
        if (backupKey != "marker_file" && backupKey != "command") return makeError("unknown key backup." + backupKey);
      auto marker = optionalString(value, "marker_file", "backup");
      if (!marker) return makeError(marker.error());
      auto command = optionalString(value, "command", "backup");
      if (!command) return makeError(command.error());
      config.backupMarkerFile = *marker;
      config.backupCommand = *command;
    } else if (key == "network") {
      if (!value.is_object()) return makeError("\"network\" must be an object");
      for (const auto& [networkKey, networkValue] : value.items()) {
        if (networkKey != "router") return makeError("unknown key network." + networkKey);
        if (!networkValue.is_boolean()) return makeError("network.router must be true or false");
        config.isRouter = networkValue.get<bool>();
      }
    } else if (key == "collector" || key == "$comment") {
      // Read by `annexa-agent run` (transport settings); not a check setting.
    } else {
      return makeError("unknown key \"" + key + "\"");
    }
  }
  return config;
}

Result<AgentConfig> loadAgentConfig(const std::filesystem::path& path, bool mustExist) {
  std::error_code ec;
  if (!mustExist && !std::filesystem::exists(path, ec)) return AgentConfig{};
  auto text = readTextFile(path, 1024 * 1024);
  if (!text) return makeError("config " + text.error());
  auto config = parseAgentConfig(*text);
  if (!config) return makeError("config " + path.string() + ": " + config.error());
  return config;
}

}  // namespace annexa::agent
