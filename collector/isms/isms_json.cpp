#include "collector/isms/isms_json.hpp"

#include <limits>

#include "common/catalog.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::isms {
namespace {

using nlohmann::json;

json optionalTime(const std::optional<std::int64_t>& t) { return t ? json(formatRfc3339(*t)) : json(nullptr); }
json optionalInt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

// Each reader: std::nullopt inside the Result when the key is absent (or null, where null means "clear").
Result<std::optional<std::string>> readString(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::optional<std::string>();
  if (it->is_null()) return std::optional<std::string>(std::string());
  if (!it->is_string()) return makeError(std::string(key) + " must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

// A whole number that fits an int; a larger one is refused, never wrapped (4294967297 is not 1).
Result<std::optional<int>> readInt(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) return std::optional<int>();
  const auto refused = makeError(std::string(key) + " must be a whole number between " +
                                 std::to_string(std::numeric_limits<int>::min()) + " and " +
                                 std::to_string(std::numeric_limits<int>::max()));
  long long v = 0;
  if (it->is_number_unsigned()) {
    if (it->get<unsigned long long>() > static_cast<unsigned long long>(std::numeric_limits<int>::max()))
      return refused;
    v = static_cast<long long>(it->get<unsigned long long>());
  } else if (it->is_number_integer()) {
    v = it->get<long long>();
  } else if (!it->is_string() || !text::parseInt(text::trim(it->get<std::string>()), v)) {
    return makeError(std::string(key) + " must be a whole number");
  }
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) return refused;
  return std::optional<int>(static_cast<int>(v));
}

Result<std::optional<bool>> readBool(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::optional<bool>();
  if (it->is_boolean()) return std::optional<bool>(it->get<bool>());
  if (it->is_string()) {
    const auto s = text::toLower(text::trim(it->get<std::string>()));
    if (s == "yes" || s == "true" || s == "1") return std::optional<bool>(true);
    if (s == "no" || s == "false" || s == "0") return std::optional<bool>(false);
  }
  return makeError(std::string(key) + " must be yes or no");
}

// Absent → nullopt; null or "" → an engaged empty optional (cleared); otherwise the parsed time.
Result<std::optional<std::optional<std::int64_t>>> readDate(const json& j, const char* key) {
  using Out = std::optional<std::optional<std::int64_t>>;
  const auto it = j.find(key);
  if (it == j.end()) return Out();
  if (it->is_null() || (it->is_string() && it->get<std::string>().empty())) return Out(std::optional<std::int64_t>());
  if (it->is_string())
    if (const auto t = parseRfc3339(text::trim(it->get<std::string>()))) return Out(*t);
  return makeError(std::string(key) + " must be a date (YYYY-MM-DD or RFC 3339)");
}

Result<std::optional<std::vector<std::string>>> readList(const json& j, const char* key) {
  using Out = std::optional<std::vector<std::string>>;
  const auto it = j.find(key);
  if (it == j.end()) return Out();
  std::vector<std::string> out;
  if (it->is_array()) {
    for (const auto& v : *it) {
      if (!v.is_string()) return makeError(std::string(key) + " must be a list of strings");
      out.push_back(v.get<std::string>());
    }
  } else if (it->is_string()) {
    for (const auto& part : text::split(it->get<std::string>(), ','))
      if (!text::trim(part).empty()) out.emplace_back(text::trim(part));
  } else if (!it->is_null()) {
    return makeError(std::string(key) + " must be a list");
  }
  return Out(std::move(out));
}

template <typename E, Result<E> (*Parse)(std::string_view)>
Result<std::optional<E>> readEnum(const json& j, const char* key) {
  auto name = readString(j, key);
  if (!name) return makeError(name.error());
  if (!*name) return std::optional<E>();
  auto parsed = Parse(**name);
  if (!parsed) return makeError(parsed.error());
  return std::optional<E>(*parsed);
}

// Applies `reader(j, key)` to `target` when the key is present; returns the error text otherwise empty.
#define ISMS_READ(reader, key, target)              \
  do {                                              \
    auto value_ = reader(patch, key);               \
    if (!value_) return makeError(value_.error());  \
    if (*value_) target = **value_;                 \
  } while (false)

}  // namespace

std::string formatDay(std::int64_t t) { return formatRfc3339(t).substr(0, 10); }

json toJson(const ManualEvidence& e) {
  return {{"id", e.id}, {"control", e.controlId}, {"document", e.document}, {"location", e.location},
          {"date", e.date}, {"reviewer", e.reviewer}, {"created_at", formatRfc3339(e.createdAt)},
          {"created_by", e.createdBy}};
}

json toJson(const SoaEntry& s) {
  auto evidence = json::array();
  for (const auto& e : s.evidence) evidence.push_back(toJson(e));
  return {{"control", s.controlId}, {"applicable", s.applicable}, {"justification", s.justification},
          {"implementation", toString(s.implementation)}, {"owner", s.owner}, {"reviewed_at", optionalTime(s.reviewedAt)},
          {"updated_at", formatRfc3339(s.updatedAt)}, {"updated_by", s.updatedBy}, {"manual_evidence", evidence}};
}

json toJson(const RiskAcceptance& e, std::int64_t now) {
  json j = {{"id", e.id}, {"scope", toString(e.scope)}, {"host", e.agentId}, {"check", e.checkId},
            {"control", e.controlId}, {"justification", e.justification}, {"approver", e.approver},
            {"valid_from", formatRfc3339(e.validFrom)}, {"expires_at", formatRfc3339(e.expiresAt)},
            {"revoked_at", optionalTime(e.revokedAt)}, {"created_at", formatRfc3339(e.createdAt)},
            {"created_by", e.createdBy}};
  if (now > 0) {
    j["state"] = e.revokedAt && *e.revokedAt <= now ? "revoked"
                 : now < e.validFrom                ? "scheduled"
                 : now >= e.expiresAt               ? "expired"
                                                    : "valid";
    j["days_left"] = e.expiresAt > now ? (e.expiresAt - now + kDay - 1) / kDay : 0;
  }
  return j;
}

json toJson(const Risk& r) {
  const auto residual = r.residualScore();
  return {{"id", r.id}, {"title", r.title}, {"assets", r.assets}, {"threat", r.threat},
          {"vulnerability", r.vulnerability}, {"likelihood", r.likelihood}, {"impact", r.impact},
          {"score", r.score()}, {"level", toString(riskLevel(r.score()))}, {"treatment", toString(r.treatment)},
          {"controls", r.controls}, {"owner", r.owner},
          {"due_date", r.dueDate ? json(formatDay(*r.dueDate)) : json(nullptr)},
          {"residual_likelihood", optionalInt(r.residualLikelihood)}, {"residual_impact", optionalInt(r.residualImpact)},
          {"residual_score", optionalInt(residual)},
          {"residual_level", residual ? json(toString(riskLevel(*residual))) : json(nullptr)},
          {"created_at", formatRfc3339(r.createdAt)}, {"updated_at", formatRfc3339(r.updatedAt)}};
}

json toJson(const NonConformity& n, std::int64_t now) {
  json j = {{"id", n.id}, {"kind", toString(n.kind)}, {"state", toString(n.state)}, {"title", n.title},
            {"description", n.description}, {"control", n.controlId}, {"checks", n.checks}, {"source", n.source},
            {"root_cause", n.rootCause}, {"corrective_action", n.correctiveAction}, {"action_owner", n.actionOwner},
            {"action_due", n.actionDue ? json(formatDay(*n.actionDue)) : json(nullptr)},
            {"verification", n.verification}, {"reopen_count", n.reopenCount},
            {"created_at", formatRfc3339(n.createdAt)}, {"updated_at", formatRfc3339(n.updatedAt)},
            {"closed_at", optionalTime(n.closedAt)}};
  std::vector<std::string> next;
  for (const auto s : allowedNext(n.state)) next.emplace_back(toString(s));
  j["next_states"] = next;
  if (now > 0) j["overdue"] = n.overdue(now);
  return j;
}

json toJson(const Attestation& a) {
  return {{"item", a.itemId}, {"met", a.met}, {"attested_by", a.attestedBy}, {"evidence_ref", a.evidenceRef},
          {"attested_at", formatDay(a.attestedAt)}, {"recorded_at", formatRfc3339(a.recordedAt)},
          {"recorded_by", a.recordedBy}};
}

json toJson(const AuditEntry& e) {
  return {{"id", e.id}, {"at", formatRfc3339(e.at)}, {"actor", e.actor}, {"entity", e.entity},
          {"entity_id", e.entityId}, {"action", e.action},
          {"detail", json::parse(e.detail, nullptr, false).is_discarded() ? json(e.detail) : json::parse(e.detail)}};
}

Result<SoaEntry> patchSoa(SoaEntry entry, const json& patch) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  ISMS_READ(readBool, "applicable", entry.applicable);
  ISMS_READ(readString, "justification", entry.justification);
  ISMS_READ(readString, "owner", entry.owner);
  ISMS_READ((readEnum<Implementation, parseImplementation>), "implementation", entry.implementation);
  return entry;
}

Result<Risk> patchRisk(Risk risk, const json& patch) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  ISMS_READ(readString, "title", risk.title);
  ISMS_READ(readString, "assets", risk.assets);
  ISMS_READ(readString, "threat", risk.threat);
  ISMS_READ(readString, "vulnerability", risk.vulnerability);
  ISMS_READ(readString, "owner", risk.owner);
  ISMS_READ(readInt, "likelihood", risk.likelihood);
  ISMS_READ(readInt, "impact", risk.impact);
  ISMS_READ(readList, "controls", risk.controls);
  ISMS_READ(readDate, "due_date", risk.dueDate);
  for (const auto& [key, target] : {std::pair{"residual_likelihood", &risk.residualLikelihood},
                                     std::pair{"residual_impact", &risk.residualImpact}}) {
    if (!patch.contains(key)) continue;
    auto value = readInt(patch, key);  // null or "" clears it
    if (!value) return makeError(value.error());
    *target = *value;
  }
  ISMS_READ((readEnum<Treatment, parseTreatment>), "treatment", risk.treatment);
  if (auto valid = validate(risk); !valid) return makeError(valid.error());
  return risk;
}

Result<RiskAcceptance> exceptionFromJson(const json& patch, std::int64_t now) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  RiskAcceptance e;
  std::string scope;
  ISMS_READ(readString, "scope", scope);
  if (scope.empty()) scope = patch.contains("host") ? "host_check" : patch.contains("control") ? "control" : "check";
  auto parsed = parseExceptionScope(scope);
  if (!parsed) return makeError(parsed.error());
  e.scope = *parsed;
  ISMS_READ(readString, "host", e.agentId);
  ISMS_READ(readString, "check", e.checkId);
  ISMS_READ(readString, "control", e.controlId);
  ISMS_READ(readString, "justification", e.justification);
  ISMS_READ(readString, "approver", e.approver);
  std::optional<std::int64_t> from = now;
  std::optional<std::int64_t> expires;
  ISMS_READ(readDate, "valid_from", from);
  ISMS_READ(readDate, "expires_at", expires);
  e.validFrom = from.value_or(now);
  e.expiresAt = expires.value_or(0);
  if (auto valid = validate(e); !valid) return makeError(valid.error());
  if (e.expiresAt <= now) return makeError("the expiry lies in the past");
  return e;
}

Result<NonConformity> patchNonConformity(NonConformity nc, const json& patch) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  if (patch.contains("state")) return makeError("change the state with a transition, not an edit");
  ISMS_READ(readString, "title", nc.title);
  ISMS_READ(readString, "description", nc.description);
  ISMS_READ(readString, "control", nc.controlId);
  ISMS_READ(readList, "checks", nc.checks);
  ISMS_READ((readEnum<NcKind, parseNcKind>), "kind", nc.kind);
  if (text::trim(nc.title).empty()) return makeError("a non-conformity needs a title");
  if (!nc.controlId.empty() && !Catalog::builtin().find(nc.controlId))
    return makeError("unknown Annex A control " + nc.controlId);
  return nc;
}

Result<NcTransition> transitionFromJson(const json& patch) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  NcTransition t;
  std::string to;
  ISMS_READ(readString, "to", to);
  auto state = parseNcState(to);
  if (!state) return makeError(state.error());
  t.to = *state;
  ISMS_READ(readString, "root_cause", t.rootCause);
  ISMS_READ(readString, "corrective_action", t.correctiveAction);
  ISMS_READ(readString, "action_owner", t.actionOwner);
  ISMS_READ(readDate, "action_due", t.actionDue);
  ISMS_READ(readString, "verification", t.verification);
  return t;
}

Result<ManualEvidence> evidenceFromJson(const json& patch) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  ManualEvidence e;
  ISMS_READ(readString, "document", e.document);
  ISMS_READ(readString, "location", e.location);
  ISMS_READ(readString, "reviewer", e.reviewer);
  std::optional<std::int64_t> date;
  ISMS_READ(readDate, "date", date);
  if (text::trim(e.document).empty() || text::trim(e.location).empty() || !date || text::trim(e.reviewer).empty())
    return makeError("manual evidence needs document, location, date and reviewer");
  e.date = formatDay(*date);
  return e;
}

Result<Attestation> attestationFromJson(const json& patch, std::int64_t now) {
  if (!patch.is_object()) return makeError("expected a JSON object");
  Attestation a;
  std::optional<std::int64_t> at = now;
  ISMS_READ(readBool, "met", a.met);
  ISMS_READ(readString, "attested_by", a.attestedBy);
  ISMS_READ(readString, "evidence_ref", a.evidenceRef);
  ISMS_READ(readDate, "attested_at", at);
  if (text::trim(a.attestedBy).empty() || text::trim(a.evidenceRef).empty())
    return makeError("an attestation needs attested_by and evidence_ref");
  a.attestedAt = at.value_or(now);
  if (a.attestedAt > now) return makeError("attested_at lies in the future");
  return a;
}

}  // namespace annexa::collector::isms
