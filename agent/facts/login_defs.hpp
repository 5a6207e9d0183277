// /etc/login.defs (shadow-utils): "KEY value" lines; a key set twice takes the later value.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agent/system_view.hpp"
#include "common/result.hpp"

namespace annexa::agent {

inline constexpr std::string_view kLoginDefsPath = "/etc/login.defs";

struct LoginDefsValue {
  std::string value;
  int line = 0;
};

struct LoginDefs {
  std::string source = std::string(kLoginDefsPath);
  bool exists = true;  // false: the file is missing and shadow-utils uses its compiled-in defaults
  std::map<std::string, LoginDefsValue, std::less<>> values;

  std::optional<LoginDefsValue> get(std::string_view key) const;
  std::string location(const LoginDefsValue& value) const { return source + ":" + std::to_string(value.line); }
};

LoginDefs parseLoginDefs(std::string_view content, std::string_view source = kLoginDefsPath);
// /etc/login.defs, else the vendor copy /usr/etc/login.defs; both missing is not an error (compiled-in defaults),
// an unreadable file is.
Result<LoginDefs> loadLoginDefs(const SystemView& system);

}  // namespace annexa::agent
