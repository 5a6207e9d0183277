// What a check is: metadata + a function from the system to an Outcome.
// A check's source file holds its probe (facts from the platform's view of the machine: SystemView on Linux,
// WindowsView on Windows), its pure evaluation (facts → Outcome) and registers itself with ANNEXA_REGISTER_CHECK.
// Controls come from configs/check-mapping.json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/model.hpp"

// What a probe may use (CheckContext) is the one thing a check sees of its platform. The build chooses the platform
// of a target (ANNEXA_AGENT_WINDOWS); the Windows checks are also built natively for their fixture tests.
#if defined(ANNEXA_AGENT_WINDOWS)
#include "agent/windows/check_context.hpp"
#else
#include "agent/linux_check_context.hpp"
#endif

namespace annexa::agent {

// The verdict of an evaluation, before metadata and controls are attached.
struct Outcome {
  CheckStatus status = CheckStatus::Error;
  std::string message;
  std::vector<Evidence> evidence;

  static Outcome pass(std::string message, std::vector<Evidence> evidence = {});
  static Outcome fail(std::string message, std::vector<Evidence> evidence = {});
  // Only when the thing checked truly is not there (say why in the message).
  static Outcome notApplicable(std::string message, std::vector<Evidence> evidence = {});
  // A fact could not be read: never a silent pass.
  static Outcome error(std::string message, std::vector<Evidence> evidence = {});
};

struct CheckSpec {
  std::string_view id;
  std::string_view title;
  Severity severity;
  std::string_view rationale;    // why this evidences the mapped controls (read by auditors)
  std::string_view remediation;  // what to change when it fails
};

using CheckFunction = Outcome (*)(const CheckContext&);

struct CheckDefinition {
  CheckSpec spec;
  CheckFunction run;
};

class CheckRegistry {
 public:
  static CheckRegistry& instance();
  // Called from static initialisers; a duplicate id aborts at start-up (a programming error).
  bool add(const CheckSpec& spec, CheckFunction run);
  // All checks, sorted by id.
  const std::vector<CheckDefinition>& checks() const { return checks_; }
  const CheckDefinition* find(std::string_view id) const;

 private:
  std::vector<CheckDefinition> checks_;
};

#define ANNEXA_CONCAT_INNER(a, b) a##b
#define ANNEXA_CONCAT(a, b) ANNEXA_CONCAT_INNER(a, b)
// Registers a check at static-initialisation time: ANNEXA_REGISTER_CHECK(kSpec, runFunction);
#define ANNEXA_REGISTER_CHECK(spec, function)                    \
  [[maybe_unused]] static const bool ANNEXA_CONCAT(annexaCheckRegistered_, __LINE__) = \
      ::annexa::agent::CheckRegistry::instance().add(spec, function)

}  // namespace annexa::agent
