#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "agent/check.hpp"

namespace annexa::agent {

Outcome Outcome::pass(std::string message, std::vector<Evidence> evidence) {
  return {CheckStatus::Pass, std::move(message), std::move(evidence)};
}
Outcome Outcome::fail(std::string message, std::vector<Evidence> evidence) {
  return {CheckStatus::Fail, std::move(message), std::move(evidence)};
}
Outcome Outcome::notApplicable(std::string message, std::vector<Evidence> evidence) {
  return {CheckStatus::NotApplicable, std::move(message), std::move(evidence)};
}
Outcome Outcome::error(std::string message, std::vector<Evidence> evidence) {
  return {CheckStatus::Error, std::move(message), std::move(evidence)};
}

CheckRegistry& CheckRegistry::instance() {
  static CheckRegistry registry;
  return registry;
}

bool CheckRegistry::add(const CheckSpec& spec, CheckFunction run) {
  if (find(spec.id) != nullptr) {
    std::fprintf(stderr, "annexa: check %.*s registered twice\n", static_cast<int>(spec.id.size()), spec.id.data());
    std::abort();
  }
  const auto position = std::lower_bound(checks_.begin(), checks_.end(), spec.id,
                                         [](const CheckDefinition& d, std::string_view id) { return d.spec.id < id; });
  checks_.insert(position, CheckDefinition{spec, run});
  return true;
}

const CheckDefinition* CheckRegistry::find(std::string_view id) const {
  const auto it = std::lower_bound(checks_.begin(), checks_.end(), id,
                                   [](const CheckDefinition& d, std::string_view key) { return d.spec.id < key; });
  return (it != checks_.end() && it->spec.id == id) ? &*it : nullptr;
}

}  // namespace annexa::agent
