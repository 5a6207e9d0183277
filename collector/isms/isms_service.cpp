#include "collector/isms/isms_service.hpp"

#include <algorithm>

#include "collector/isms/isms_evidence.hpp"
#include "collector/isms/isms_json.hpp"
#include "common/clock.hpp"

namespace annexa::collector::isms {

Reply errorReply(int status, const std::string& message) { return {status, {{"error", message}}}; }

Result<Register> parseRegister(std::string_view name) {
  if (name == "soa") return Register::Soa;
  if (name == "exceptions") return Register::Exceptions;
  if (name == "risks") return Register::Risks;
  if (name == "nc" || name == "nonconformities") return Register::NonConformities;
  return makeError("unknown register \"" + std::string(name) + "\" (soa, exceptions, risks, nc)");
}

IsmsService::IsmsService(Store& store, IsmsStore& isms, const Catalog& catalog, const CheckMapping& mapping,
                         IsmsOptions options)
    : store_(store), isms_(isms), catalog_(catalog), mapping_(mapping), options_(options) {}

AcceptedFailure IsmsService::acceptanceAt(std::int64_t now) { return isms::acceptanceAt(isms_.exceptions(), now); }

FleetView IsmsService::fleet(std::int64_t now) {
  const auto agents = store_.listAgents();
  const auto statuses = store_.currentStatuses();
  auto accepted = acceptanceAt(now);
  return {computePosture(catalog_, mapping_, agents, statuses, now, accepted), FleetIndex(agents, statuses, now),
          accepted};
}

std::vector<SoaRow> IsmsService::soaRows(const FleetView& fleet) {
  return isms::soaRows(isms_.soa(), fleet.posture, fleet.index, fleet.accepted, isms_.risks());
}

Reply IsmsService::soa(std::int64_t now) {
  const auto view = fleet(now);
  return {200, soaJson(soaRows(view))};
}

Reply IsmsService::soaControl(const std::string& controlId, std::int64_t now) {
  const auto view = fleet(now);
  for (const auto& row : soaRows(view))
    if (row.entry.controlId == controlId) return {200, toJson(row)};
  return errorReply(404, "no Annex A control " + controlId);
}

Reply IsmsService::updateSoa(const std::string& controlId, const nlohmann::json& patch, const std::string& actor,
                             std::int64_t now) {
  const auto view = fleet(now);
  const auto rows = soaRows(view);
  const auto row = std::find_if(rows.begin(), rows.end(), [&](const SoaRow& r) { return r.entry.controlId == controlId; });
  if (row == rows.end()) return errorReply(404, "no Annex A control " + controlId);
  auto updated = patchSoa(row->entry, patch);
  if (!updated) return errorReply(400, updated.error());
  if (auto ok = checkSoaChange(*updated, *row); !ok) return errorReply(400, ok.error());
  isms_.saveSoa(*updated, actor, now);
  return soaControl(controlId, now);
}

Reply IsmsService::addEvidence(const std::string& controlId, const nlohmann::json& body, const std::string& actor,
                               std::int64_t now) {
  if (!catalog_.find(controlId)) return errorReply(404, "no Annex A control " + controlId);
  auto evidence = evidenceFromJson(body);
  if (!evidence) return errorReply(400, evidence.error());
  evidence->controlId = controlId;
  isms_.addEvidence(*evidence, actor, now);
  auto reply = soaControl(controlId, now);
  reply.status = 201;
  return reply;
}

std::string IsmsService::soaHtml(std::int64_t now) {
  const auto view = fleet(now);
  return isms::soaHtml(soaRows(view), now);
}

Reply IsmsService::exceptions(std::int64_t now, std::optional<int> expiringDays) {
  auto all = isms_.exceptions();
  if (expiringDays) all = expiringWithin(all, now, static_cast<std::int64_t>(*expiringDays) * kDay);
  auto list = nlohmann::json::array();
  for (const auto& e : all) list.push_back(toJson(e, now));
  const auto soon = expiringWithin(isms_.exceptions(), now);
  return {200, {{"exceptions", list}, {"expiring_within_30_days", soon.size()}}};
}

Result<RiskAcceptance> IsmsService::checkedException(const nlohmann::json& body, std::int64_t now) {
  auto e = exceptionFromJson(body, now);
  if (!e) return e;
  if (e->scope != ExceptionScope::Control && !mapping_.contains(e->checkId)) return makeError("unknown check " + e->checkId);
  if (e->scope == ExceptionScope::HostCheck && !store_.findAgent(e->agentId)) return makeError("unknown host " + e->agentId);
  return e;
}

Reply IsmsService::addException(const nlohmann::json& body, const std::string& actor, std::int64_t now) {
  auto e = checkedException(body, now);
  if (!e) return errorReply(400, e.error());
  e->id = isms_.addException(*e, actor, now);
  return {201, toJson(*isms_.exception(e->id), now)};
}

Reply IsmsService::revokeException(std::int64_t id, const std::string& actor, std::int64_t now) {
  if (!isms_.exception(id)) return errorReply(404, "no exception " + std::to_string(id));
  if (!isms_.revokeException(id, actor, now)) return errorReply(400, "exception " + std::to_string(id) + " is already revoked");
  return {200, toJson(*isms_.exception(id), now)};
}

nlohmann::json IsmsService::riskJson(const Risk& risk, const FleetPosture& posture) {
  auto j = toJson(risk);
  const auto a = assess(risk, posture);
  j["treatment_effective"] = a.treatmentEffective;
  j["failing_controls"] = a.failingControls;
  if (!a.treatmentEffective) j["flag"] = "treatment not effective";
  return j;
}

Reply IsmsService::risks(std::int64_t now) {
  const auto view = fleet(now);
  auto list = nlohmann::json::array();
  for (const auto& r : isms_.risks()) list.push_back(riskJson(r, view.posture));
  auto bands = nlohmann::json::array();
  for (const auto& b : kRiskBands)
    bands.push_back({{"min", b.minScore}, {"max", b.maxScore}, {"level", toString(b.level)}});
  return {200, {{"risks", list}, {"bands", bands}}};
}

Reply IsmsService::risk(std::int64_t id, std::int64_t now) {
  const auto r = isms_.risk(id);
  if (!r) return errorReply(404, "no risk " + std::to_string(id));
  return {200, riskJson(*r, fleet(now).posture)};
}

Reply IsmsService::addRisk(const nlohmann::json& body, const std::string& actor, std::int64_t now) {
  auto r = patchRisk(Risk{}, body);
  if (!r) return errorReply(400, r.error());
  const auto id = isms_.addRisk(*r, actor, now);
  auto reply = risk(id, now);
  reply.status = 201;
  return reply;
}

Reply IsmsService::updateRisk(std::int64_t id, const nlohmann::json& patch, const std::string& actor, std::int64_t now) {
  const auto current = isms_.risk(id);
  if (!current) return errorReply(404, "no risk " + std::to_string(id));
  auto r = patchRisk(*current, patch);
  if (!r) return errorReply(400, r.error());
  isms_.updateRisk(*r, actor, now);
  return risk(id, now);
}

int IsmsService::reopen(const FleetView& view, std::int64_t now) {
  const auto reopened = reopenedByFleet(isms_.nonConformities(), view.index, view.accepted, now);
  for (const auto& nc : reopened) isms_.updateNonConformity(nc, "reopen", "collector", now);
  return static_cast<int>(reopened.size());
}

int IsmsService::maintain(std::int64_t now) { return reopen(fleet(now), now); }

Reply IsmsService::nonConformities(std::int64_t now) {
  reopen(fleet(now), now);
  auto list = nlohmann::json::array();
  int open = 0;
  int overdue = 0;
  for (const auto& nc : isms_.nonConformities()) {
    list.push_back(toJson(nc, now));
    open += nc.state != NcState::Closed ? 1 : 0;
    overdue += nc.overdue(now) ? 1 : 0;
  }
  return {200, {{"nonconformities", list}, {"open", open}, {"overdue", overdue}}};
}

Reply IsmsService::nonConformity(std::int64_t id, std::int64_t now) {
  const auto nc = isms_.nonConformity(id);
  if (!nc) return errorReply(404, "no non-conformity " + std::to_string(id));
  return {200, toJson(*nc, now)};
}

Reply IsmsService::addNonConformity(const nlohmann::json& body, const std::string& actor, std::int64_t now) {
  auto nc = patchNonConformity(NonConformity{}, body);
  if (!nc) return errorReply(400, nc.error());
  const auto id = isms_.addNonConformity(*nc, actor, now);
  auto reply = nonConformity(id, now);
  reply.status = 201;
  return reply;
}

Reply IsmsService::updateNonConformity(std::int64_t id, const nlohmann::json& patch, const std::string& actor,
                                       std::int64_t now) {
  const auto current = isms_.nonConformity(id);
  if (!current) return errorReply(404, "no non-conformity " + std::to_string(id));
  auto nc = patchNonConformity(*current, patch);
  if (!nc) return errorReply(400, nc.error());
  isms_.updateNonConformity(*nc, "update", actor, now);
  return nonConformity(id, now);
}

Reply IsmsService::transitionNonConformity(std::int64_t id, const nlohmann::json& body, const std::string& actor,
                                           std::int64_t now) {
  const auto current = isms_.nonConformity(id);
  if (!current) return errorReply(404, "no non-conformity " + std::to_string(id));
  auto t = transitionFromJson(body);
  if (!t) return errorReply(400, t.error());
  auto moved = transition(*current, *t, now);
  if (!moved) return errorReply(400, moved.error());
  isms_.updateNonConformity(*moved, "transition", actor, now);
  return nonConformity(id, now);
}

// The fleet's proposals, then those of records that found issues (issue 18).
std::vector<NcProposal> IsmsService::allProposals(const FleetView& view) {
  const auto existing = isms_.nonConformities();
  auto out = proposeNonConformities(soaRows(view), view.index, existing, options_.nc);
  for (auto& p : proposeFromRecords(isms_.records(), EvidenceRequirements::builtin(), isms_.soa(), existing))
    out.push_back(std::move(p));
  return out;
}

Reply IsmsService::proposals(std::int64_t now) {
  const auto view = fleet(now);
  auto list = nlohmann::json::array();
  for (const auto& p : allProposals(view))
    list.push_back({{"kind", toString(p.kind)}, {"control", p.controlId}, {"checks", p.checks}, {"title", p.title},
                    {"reason", p.reason}});
  return {200, {{"proposals", list}, {"hosts_in_scope", view.index.hostsInScope},
                {"major_share", options_.nc.majorShare}}};
}

Reply IsmsService::applyProposals(const std::string& actor, std::int64_t now) {
  const auto view = fleet(now);
  auto created = nlohmann::json::array();
  for (const auto& p : allProposals(view)) {
    const auto id = isms_.addNonConformity(fromProposal(p), actor, now);
    created.push_back(toJson(*isms_.nonConformity(id), now));
  }
  return {201, {{"created", created}}};
}

Reply IsmsService::readiness(std::int64_t now) {
  const auto view = fleet(now);
  return {200, toJson(computeReadiness(view.index, isms_.latestAttestations(), options_.readiness, now), options_.readiness)};
}

Reply IsmsService::attest(const std::string& itemId, const nlohmann::json& body, const std::string& actor,
                          std::int64_t now) {
  const auto* item = findReadinessItem(itemId);
  if (!item) return errorReply(404, "no readiness item " + itemId);
  if (item->computed()) return errorReply(400, itemId + " is computed from fleet data and cannot be attested");
  auto a = attestationFromJson(body, now);
  if (!a) return errorReply(400, a.error());
  a->itemId = itemId;
  isms_.attest(*a, actor, now);
  return readiness(now);
}

Reply IsmsService::audit(const std::string& entity, const std::string& entityId) {
  auto list = nlohmann::json::array();
  for (const auto& e : isms_.audit(entity, entityId)) list.push_back(toJson(e));
  return {200, {{"audit", list}}};
}

}  // namespace annexa::collector::isms
