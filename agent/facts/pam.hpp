// PAM stacks as Linux-PAM builds them from /etc/pam.d/<service> (or /usr/lib/pam.d): lines `type control module
// args`, `-type` (skipped when the module is missing), bracketed controls, `include`/`substack`, Debian's `@include`.
// Also answers "can this stack succeed if module X fails?" by walking every path the control flags allow.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/system_view.hpp"
#include "common/result.hpp"

namespace annexa::agent {

enum class PamType { Auth, Account, Password, Session };
std::string_view toString(PamType type);

// One line of a PAM file as written. `type` is lower-case ("auth", …) or "@include" for Debian's whole-file include.
struct PamLine {
  std::string type;
  bool dashed = false;  // "-auth": silently skipped when the module is not installed
  std::string control;  // "required", "[success=1 default=ignore]", "include", …
  std::string module;   // module path, or the included file
  std::vector<std::string> args;
  int line = 0;
};

std::vector<PamLine> parsePamFile(std::string_view content);

// A rule of a stack after includes are expanded. A substack is a marker rule followed by its rules.
struct PamRule {
  PamType type = PamType::Auth;
  bool dashed = false;
  std::string control;
  std::string module;
  std::vector<std::string> args;
  std::string file;
  int line = 0;
  std::size_t substackEnd = 0;  // substack markers only: index one past their last rule

  bool isSubstack() const { return control == "substack"; }
  std::string moduleName() const;  // "pam_unix" for "pam_unix.so" or "/lib/security/pam_unix.so"
  bool hasArg(std::string_view arg) const;
  // The value of the last "key=value" argument with this key.
  std::optional<std::string> argValue(std::string_view key) const;
  std::string location() const { return file + ":" + std::to_string(line); }
  std::string text() const;  // "auth required pam_faillock.so preauth"
};

struct PamStack {
  std::string service;
  PamType type = PamType::Auth;
  std::vector<PamRule> rules;
  std::vector<std::string> files;     // the service file and every included file that contributes rules
  std::vector<std::string> problems;  // includes that name no file (Linux-PAM logs them and goes on)
};

// The file PAM uses for a service: /etc/pam.d/NAME, else /usr/lib/pam.d/NAME; nullopt when neither exists.
std::optional<std::string> findPamServiceFile(const SystemView& system, std::string_view service);
// The stack of one type for a service, includes expanded. Error when the service file is missing or unreadable.
Result<PamStack> loadPamStack(const SystemView& system, std::string_view service, PamType type);
// A stack from one file's text, without following includes (tests, callers that hold the text).
PamStack pamStackFromText(std::string_view content, PamType type, std::string_view file);

// What a module may return when the stack runs. An empty set: the line is skipped (a "-type" line whose module is
// not installed).
enum PamOutcome : unsigned { kPamSuccess = 1u, kPamFailure = 2u, kPamIgnore = 4u };
using PamOutcomes = std::function<unsigned(const PamRule&)>;
// pam_deny fails, pam_permit succeeds, any other module may return anything.
unsigned anyPamOutcome(const PamRule& rule);
// Whether some combination of module results lets the whole stack return success.
bool pamStackCanSucceed(const PamStack& stack, const PamOutcomes& outcomes);

// Whether a module is installed in one of the PAM module directories; nullopt when no module directory exists (an
// offline tree without /usr/lib): then nothing can be said.
std::optional<bool> pamModuleInstalled(const SystemView& system, std::string_view module);

}  // namespace annexa::agent
