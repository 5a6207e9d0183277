// /etc/login.defs exactly as shadow-utils 4.13 (lib/getdef.c, without libeconf) reads it: fgets() lines of at most
// 1023 bytes, trailing blanks trimmed, "NAME value" where the value is the *whole rest of the line* after blanks and
// double quotes (up to the next quote) — so "PASS_MAX_DAYS 90 # policy" has the value "90 # policy", which is not
// a number. Numbers follow getlong()/getulong(): strtol/strtoul with base 0 over the whole value (0500 is octal,
// 0x1f hex), anything left over makes the tool print "cannot parse" and use its compiled-in default.
// A key set twice takes the later value.
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
// an unreadable file (or one of the wrong type) is.
Result<LoginDefs> loadLoginDefs(const SystemView& system);

// shadow's getlong(): strtol(value, &end, 0) with nothing left over and no overflow; nullopt where the tools print
// "configuration error - cannot parse". getdef_num() additionally requires the int range.
std::optional<long long> shadowGetLong(std::string_view value);
std::optional<long long> shadowGetNum(std::string_view value);
// getulong(): strtoul(value, &end, 0), same rules (a leading '-' wraps around, as strtoul does).
std::optional<unsigned long long> shadowGetULong(std::string_view value);

}  // namespace annexa::agent
