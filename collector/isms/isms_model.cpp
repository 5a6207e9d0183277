#include "collector/isms/isms_model.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "common/catalog.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

template <typename E, std::size_t N>
Result<E> parseName(std::string_view text, const std::array<std::pair<E, std::string_view>, N>& names,
                    std::string_view what) {
  std::string allowed;
  for (const auto& [value, name] : names) {
    if (text::iequals(text, name)) return value;
    allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  }
  return makeError(std::string(what) + " must be one of " + allowed + " (got \"" + std::string(text) + "\")");
}

template <typename E, std::size_t N>
std::string_view nameOf(E value, const std::array<std::pair<E, std::string_view>, N>& names) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return names[0].second;
}

constexpr std::array<std::pair<Implementation, std::string_view>, 4> kImplementation = {{
    {Implementation::Implemented, "implemented"},
    {Implementation::Partially, "partially"},
    {Implementation::Planned, "planned"},
    {Implementation::NotImplemented, "not_implemented"},
}};
constexpr std::array<std::pair<Treatment, std::string_view>, 4> kTreatment = {{
    {Treatment::Mitigate, "mitigate"}, {Treatment::Transfer, "transfer"},
    {Treatment::Accept, "accept"},     {Treatment::Avoid, "avoid"},
}};
constexpr std::array<std::pair<RiskLevel, std::string_view>, 4> kLevel = {{
    {RiskLevel::Low, "low"}, {RiskLevel::Medium, "medium"}, {RiskLevel::High, "high"}, {RiskLevel::Critical, "critical"},
}};
constexpr std::array<std::pair<ExceptionScope, std::string_view>, 3> kScope = {{
    {ExceptionScope::HostCheck, "host_check"}, {ExceptionScope::Check, "check"}, {ExceptionScope::Control, "control"},
}};
constexpr std::array<std::pair<NcKind, std::string_view>, 3> kKind = {{
    {NcKind::Major, "major"}, {NcKind::Minor, "minor"}, {NcKind::Ofi, "ofi"},
}};
constexpr std::array<std::pair<NcState, std::string_view>, 5> kState = {{
    {NcState::Open, "open"},
    {NcState::RootCause, "root_cause"},
    {NcState::CorrectiveAction, "corrective_action"},
    {NcState::Verification, "verification"},
    {NcState::Closed, "closed"},
}};

bool inRange(int v) { return v >= 1 && v <= 5; }

}  // namespace

std::string_view toString(Implementation v) { return nameOf(v, kImplementation); }
std::string_view toString(Treatment v) { return nameOf(v, kTreatment); }
std::string_view toString(RiskLevel v) { return nameOf(v, kLevel); }
std::string_view toString(ExceptionScope v) { return nameOf(v, kScope); }
std::string_view toString(NcKind v) { return nameOf(v, kKind); }
std::string_view toString(NcState v) { return nameOf(v, kState); }
Result<Implementation> parseImplementation(std::string_view t) { return parseName(t, kImplementation, "implementation"); }
Result<Treatment> parseTreatment(std::string_view t) { return parseName(t, kTreatment, "treatment"); }
Result<ExceptionScope> parseExceptionScope(std::string_view t) { return parseName(t, kScope, "scope"); }
Result<NcKind> parseNcKind(std::string_view t) { return parseName(t, kKind, "kind"); }
Result<NcState> parseNcState(std::string_view t) { return parseName(t, kState, "state"); }

bool RiskAcceptance::covers(std::string_view agent, std::string_view check, std::string_view control) const {
  switch (scope) {
    case ExceptionScope::HostCheck: return agentId == agent && checkId == check;
    case ExceptionScope::Check: return checkId == check;
    case ExceptionScope::Control: return controlId == control;
  }
  return false;
}

VoidResult validate(const RiskAcceptance& e) {
  if (text::trim(e.justification).empty()) return makeError("an exception needs a justification");
  if (text::trim(e.approver).empty()) return makeError("an exception needs an approver");
  if (e.expiresAt <= 0) return makeError("an exception needs an expiry date");
  if (e.expiresAt <= e.validFrom) return makeError("the expiry must be after the start");
  if (e.expiresAt - e.validFrom > RiskAcceptance::kMaxDuration)
    return makeError("an exception may last at most one year; renew it when it expires");
  switch (e.scope) {
    case ExceptionScope::HostCheck:
      if (e.agentId.empty() || e.checkId.empty()) return makeError("scope host_check needs a host (agent id) and a check");
      break;
    case ExceptionScope::Check:
      if (e.checkId.empty()) return makeError("scope check needs a check");
      break;
    case ExceptionScope::Control:
      if (!Catalog::builtin().find(e.controlId)) return makeError("scope control needs an Annex A control id");
      break;
  }
  return success();
}

std::optional<int> Risk::residualScore() const {
  if (!residualLikelihood || !residualImpact) return std::nullopt;
  return *residualLikelihood * *residualImpact;
}

VoidResult validate(const Risk& r) {
  if (text::trim(r.title).empty()) return makeError("a risk needs a title");
  if (!inRange(r.likelihood) || !inRange(r.impact)) return makeError("likelihood and impact must be 1 to 5");
  if ((r.residualLikelihood && !inRange(*r.residualLikelihood)) || (r.residualImpact && !inRange(*r.residualImpact)))
    return makeError("residual likelihood and impact must be 1 to 5");
  for (const auto& c : r.controls)
    if (!Catalog::builtin().find(c)) return makeError("unknown Annex A control " + c);
  return success();
}

RiskLevel riskLevel(int score) {
  for (const auto& band : kRiskBands)
    if (score >= band.minScore && score <= band.maxScore) return band.level;
  return score > 25 ? RiskLevel::Critical : RiskLevel::Low;
}

bool NonConformity::overdue(std::int64_t now) const {
  return actionDue && *actionDue < now && (state == NcState::Open || state == NcState::RootCause ||
                                           state == NcState::CorrectiveAction);
}

std::vector<NcState> allowedNext(NcState from) {
  switch (from) {
    case NcState::Open: return {NcState::RootCause};
    case NcState::RootCause: return {NcState::CorrectiveAction};
    case NcState::CorrectiveAction: return {NcState::Verification};
    case NcState::Verification: return {NcState::Closed, NcState::CorrectiveAction};
    case NcState::Closed: return {NcState::Open};
  }
  return {};
}

Result<NonConformity> transition(NonConformity nc, const NcTransition& t, std::int64_t now) {
  const auto next = allowedNext(nc.state);
  if (std::find(next.begin(), next.end(), t.to) == next.end()) {
    std::string allowed;
    for (const auto s : next) allowed += (allowed.empty() ? "" : " or ") + std::string(toString(s));
    return makeError("cannot move a non-conformity from " + std::string(toString(nc.state)) + " to " +
                     std::string(toString(t.to)) + "; next: " + allowed);
  }
  switch (t.to) {
    case NcState::RootCause:
      if (text::trim(t.rootCause).empty()) return makeError("root_cause needs the root cause");
      nc.rootCause = t.rootCause;
      break;
    case NcState::CorrectiveAction:
      if (text::trim(t.correctiveAction).empty() || text::trim(t.actionOwner).empty() || !t.actionDue)
        return makeError("corrective_action needs the action, its owner and a due date");
      nc.correctiveAction = t.correctiveAction;
      nc.actionOwner = t.actionOwner;
      nc.actionDue = t.actionDue;
      break;
    case NcState::Closed:
      if (text::trim(t.verification).empty()) return makeError("closing needs the verification result");
      nc.verification = t.verification;
      nc.closedAt = now;
      break;
    case NcState::Open:
      ++nc.reopenCount;
      nc.closedAt.reset();
      break;
    case NcState::Verification: break;
  }
  nc.state = t.to;
  nc.updatedAt = now;
  return nc;
}

}  // namespace annexa::collector::isms
