// assessment-results.json. The outer structure is written by hand and each inventory item, observation, risk
// and finding is one small JSON object dumped on its own line, so memory stays flat however large the fleet.
#include <nlohmann/json.hpp>

#include "collector/pack/pack_writers.hpp"
#include "collector/isms/readiness.hpp"
#include "common/clock.hpp"

namespace annexa::collector::pack {
namespace {

using Json = nlohmann::ordered_json;  // keys in insertion order: readable, and still deterministic

// Our own property names live in this namespace; OSCAL reserves names without one for NIST.
constexpr const char* kNs = "urn:annexa:oscal";
constexpr std::size_t kProgressEvery = 10000;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// OSCAL strings in props are one trimmed line, never empty.
std::string oneLine(std::string_view s) {
  std::string out;
  for (const char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

void addProp(Json& props, std::string_view name, std::string_view value) {
  const auto v = oneLine(value);
  if (!v.empty()) props.push_back({{"name", name}, {"ns", kNs}, {"value", v}});
}

void setProps(Json& object, Json props) {
  if (!props.empty()) object["props"] = std::move(props);
}

std::string time(std::int64_t t) { return formatRfc3339(t); }

// Everything that names this export; findings and risks are specific to it, observations are not.
std::string exportKey(const PackData& d) {
  return std::to_string(d.periodFrom) + ":" + std::to_string(d.periodTo) + ":" + std::to_string(d.at) + ":" + d.scope +
         ":" + d.evidenceLog.headHash;
}
std::string hostUuid(std::string_view agentId) { return nameUuid("host:" + std::string(agentId)); }
std::string observationUuid(const PackResult& r) {
  return nameUuid("observation:" + r.agentId + ":" + r.result.check + ":" + std::to_string(r.observedAt));
}
std::string riskUuid(const PackData& d, std::int64_t id) {
  return nameUuid("risk:" + exportKey(d) + ":" + std::to_string(id));
}
std::string planUuid(const PackData& d) { return nameUuid("plan:" + exportKey(d)); }

// Writes `[` items `]` with one item per line; `item(i)` returns the object for the i-th element.
template <typename Item>
void writeArray(std::ostream& out, std::string_view key, std::size_t count, Item&& item, const char* indent) {
  out << indent << '"' << key << "\": [\n";
  for (std::size_t i = 0; i < count; ++i) out << indent << "  " << dump(item(i)) << (i + 1 < count ? ",\n" : "\n");
  out << indent << "]";
}

Json metadata(const PackData& d) {
  Json props = Json::array();
  addProp(props, "posture-at", time(d.at));
  addProp(props, "scope", d.scope.empty() ? "whole fleet" : d.scope);
  addProp(props, "readiness-score", isms::scoreText(d.readinessScore));
  addProp(props, "readiness-band", isms::readinessBand(d.readinessScore).assessment());
  addProp(props, "evidence-log-first-seq", std::to_string(d.evidenceLog.firstSeq));
  addProp(props, "evidence-log-last-seq", std::to_string(d.evidenceLog.lastSeq));
  addProp(props, "evidence-log-head-hash", d.evidenceLog.headHash);
  addProp(props, "collector-ca-fingerprint", d.collector.caFingerprint);
  Json m = {{"title", "Annexa ISO/IEC 27001:2022 assessment results"},
            {"published", time(d.generatedAt)},
            {"last-modified", time(d.generatedAt)},
            {"version", time(d.at)},
            {"oscal-version", "1.1.2"}};
  setProps(m, std::move(props));
  return m;
}

Json inventoryItem(const PackHost& h) {
  Json props = Json::array();
  addProp(props, "hostname", h.hostname);
  addProp(props, "os", h.os);
  addProp(props, "agent-id", h.agentId);
  if (h.lastSeen) addProp(props, "last-seen", time(*h.lastSeen));
  addProp(props, "stale", h.stale ? "true" : "false");
  Json item = {{"uuid", hostUuid(h.agentId)}, {"description", "Host " + h.hostname + " (agent " + h.agentId + ")"}};
  setProps(item, std::move(props));
  return item;
}

Json evidenceItem(const Evidence& e) {
  Json item = {{"description", e.observed.empty() ? std::string("(nothing observed)") : e.observed}};
  Json props = Json::array();
  addProp(props, "source", e.source);
  setProps(item, std::move(props));
  item["remarks"] = "Expected: " + e.expected;
  return item;
}

Json observation(const PackResult& r, const PackIndex& idx) {
  const std::string host(idx.hostname(r.agentId));
  Json props = Json::array();
  addProp(props, "check-id", r.result.check);
  addProp(props, "status", toString(r.result.status));
  addProp(props, "severity", toString(r.result.severity));
  addProp(props, "status-since", time(r.since));
  addProp(props, "report-id", r.reportId);
  addProp(props, "report-sha256", r.reportSha256);
  if (idx.stale(r.agentId)) addProp(props, "host-stale", "true");  // the host's last known result
  Json o = {{"uuid", observationUuid(r)},
            {"title", r.result.check + " on " + host},
            {"description", "Check " + r.result.check + " (" + r.result.title + ") reported " +
                                std::string(toString(r.result.status)) + " on " + host + "."}};
  setProps(o, std::move(props));
  o["methods"] = Json::array({"TEST"});
  o["subjects"] = Json::array({{{"subject-uuid", hostUuid(r.agentId)}, {"type", "inventory-item"}}});
  if (!r.result.evidence.empty()) {
    Json evidence = Json::array();
    for (const auto& e : r.result.evidence) evidence.push_back(evidenceItem(e));
    o["relevant-evidence"] = std::move(evidence);
  }
  o["collected"] = time(r.observedAt);
  return o;
}

// OSCAL risk status from the register: accepted risks are approved deviations; a treatment whose controls
// fail leaves the risk open; otherwise it is treated.
std::string_view riskState(const isms::RiskStatus& r) {
  if (r.risk.treatment == isms::Treatment::Accept) return "deviation-approved";
  return r.assessment.treatmentEffective ? "closed" : "open";
}

Json risk(const isms::RiskStatus& rs, const PackData& d) {
  const auto& r = rs.risk;
  Json props = Json::array();
  addProp(props, "risk-id", std::to_string(r.id));
  addProp(props, "score", std::to_string(r.score()));
  addProp(props, "level", toString(isms::riskLevel(r.score())));
  addProp(props, "treatment", toString(r.treatment));
  addProp(props, "owner", r.owner);
  if (const auto residual = r.residualScore()) addProp(props, "residual-score", std::to_string(*residual));
  for (const auto& c : r.controls) addProp(props, "control-id", c);
  for (const auto& c : rs.assessment.failingControls) addProp(props, "failing-control-id", c);
  Json j = {{"uuid", riskUuid(d, r.id)},
            {"title", r.title},
            {"description", "Threat: " + r.threat + ". Vulnerability: " + r.vulnerability + "."},
            {"statement", "Assets: " + r.assets + ". Likelihood " + std::to_string(r.likelihood) + " × impact " +
                              std::to_string(r.impact) + " = " + std::to_string(r.score()) + "; treatment " +
                              std::string(toString(r.treatment)) + "."}};
  setProps(j, std::move(props));
  j["status"] = riskState(rs);
  if (r.dueDate) j["deadline"] = time(*r.dueDate);
  return j;
}

bool linked(const isms::Risk& r, std::string_view controlId) {
  for (const auto& c : r.controls)
    if (c == controlId) return true;
  return false;
}

std::string_view findingReason(ControlStatus s) {
  if (s == ControlStatus::Passing) return "pass";
  if (s == ControlStatus::Failing || s == ControlStatus::Partial) return "fail";
  return "other";  // accepted (failures covered by exceptions) or not evidenced by the fleet
}

// Stale hosts keep their last failures; the auditor is told which failures are last known, not current.
std::string staleNote(int failingStale) {
  if (failingStale == 0) return "";
  return " (" + std::to_string(failingStale) + " of them stale: silent hosts whose last results failed)";
}

Json finding(const ControlPosture& c, const PackData& d, const PackIndex& idx) {
  const auto& id = c.control->id;
  const auto status = toString(c.status);
  Json props = Json::array();
  addProp(props, "control-status", status);
  for (const auto& [name, n] : {std::pair{"hosts-passing", c.hostsPassing},
                                {"hosts-failing", c.hostsFailing},
                                {"hosts-failing-stale", c.hostsFailingStale},
                                {"hosts-error", c.hostsError},
                                {"hosts-stale", c.hostsStale},
                                {"hosts-accepted", c.hostsAccepted}})
    addProp(props, name, std::to_string(n));
  Json f = {{"uuid", nameUuid("finding:" + exportKey(d) + ":" + id)},
            {"title", id + " " + c.control->title},
            {"description", "Control " + id + " is " + std::string(status) + " at " + time(d.at) + ": " +
                                std::to_string(c.hostsPassing) + " hosts passing, " + std::to_string(c.hostsFailing) +
                                " failing" + staleNote(c.hostsFailingStale) + ", " + std::to_string(c.hostsAccepted) +
                                " accepted by an exception."}};
  setProps(f, std::move(props));
  f["target"] = {{"type", "objective-id"},
                 {"target-id", id},
                 {"status",
                  {{"state", c.status == ControlStatus::Passing ? "satisfied" : "not-satisfied"},
                   {"reason", findingReason(c.status)}}}};
  Json observations = Json::array();
  for (const auto& check : c.checks) {
    const auto it = idx.resultsByCheck.find(check);
    if (it == idx.resultsByCheck.end()) continue;
    for (const auto* r : it->second) observations.push_back({{"observation-uuid", observationUuid(*r)}});
  }
  if (!observations.empty()) f["related-observations"] = std::move(observations);
  Json risks = Json::array();
  for (const auto& r : d.risks)
    if (linked(r.risk, id)) risks.push_back({{"risk-uuid", riskUuid(d, r.risk.id)}});
  if (!risks.empty()) f["related-risks"] = std::move(risks);
  return f;
}

Json reviewedControls(const std::vector<const ControlPosture*>& applicable) {
  Json selection = {{"remarks", "The Annex A controls the Statement of Applicability marks applicable."}};
  Json ids = Json::array();
  for (const auto* c : applicable) ids.push_back({{"control-id", c->control->id}});
  if (!ids.empty()) selection["include-controls"] = std::move(ids);
  return {{"control-selections", Json::array({selection})}};
}

void writeResult(const PackData& d, const PackIndex& idx, std::ostream& out, const PackProgress& progress) {
  constexpr const char* kIn = "      ";
  std::vector<const ControlPosture*> applicable;
  for (const auto& c : d.posture.controls)
    if (c.control && idx.applicable(c.control->id)) applicable.push_back(&c);
  std::vector<const isms::RiskStatus*> risks;
  for (const auto& r : d.risks)
    if (!r.risk.controls.empty()) risks.push_back(&r);

  Json head = {{"uuid", nameUuid("result:" + exportKey(d))},
               {"title", "Annex A posture at " + time(d.at)},
               {"description", "Automated checks of the fleet (" + std::to_string(d.hosts.size()) +
                                   " hosts) against ISO/IEC 27001:2022 Annex A, as they stood at " + time(d.at) +
                                   ", with the ISMS registers of the period."},
               {"start", time(d.periodFrom)},
               {"end", time(d.periodTo)}};
  const auto headText = dump(head);
  out << "    {" << headText.substr(1, headText.size() - 2) << ",\n";
  if (!d.hosts.empty()) {
    out << kIn << "\"local-definitions\": {\n";
    writeArray(
        out, "inventory-items", d.hosts.size(), [&](std::size_t i) { return inventoryItem(d.hosts[i]); }, "        ");
    out << "\n" << kIn << "},\n";
  }
  out << kIn << "\"reviewed-controls\": " << dump(reviewedControls(applicable));
  if (!d.results.empty()) {
    out << ",\n";
    writeArray(
        out, "observations", d.results.size(),
        [&](std::size_t i) {
          if (progress && i % kProgressEvery == 0) progress("assessment-results.json", i, d.results.size());
          return observation(d.results[i], idx);
        },
        kIn);
  }
  if (!risks.empty()) {
    out << ",\n";
    writeArray(
        out, "risks", risks.size(), [&](std::size_t i) { return risk(*risks[i], d); }, kIn);
  }
  if (!applicable.empty()) {
    out << ",\n";
    writeArray(
        out, "findings", applicable.size(), [&](std::size_t i) { return finding(*applicable[i], d, idx); }, kIn);
  }
  out << "\n    }";
}

}  // namespace

void writeAssessmentResults(const PackData& data, std::ostream& out, const PackProgress& progress) {
  const PackIndex idx(data);
  const Json importAp = {{"href", "#" + planUuid(data)},
                         {"remarks",
                          "The plan is the Annex A catalog and the check-to-control mapping built into "
                          "Annexa; see the back-matter resource."}};
  const Json backMatter = {
      {"resources", Json::array({{{"uuid", planUuid(data)},
                                  {"title", "Annexa assessment plan"},
                                  {"description",
                                   "Every enrolled host in scope runs the agent checks; each check maps "
                                   "to Annex A controls (configs/check-mapping.json); the Statement "
                                   "of Applicability selects the controls reviewed."}}})}};
  out << "{\n  \"assessment-results\": {\n";
  out << "    \"uuid\": \"" << nameUuid("document:" + exportKey(data)) << "\",\n";
  out << "    \"metadata\": " << dump(metadata(data)) << ",\n";
  out << "    \"import-ap\": " << dump(importAp) << ",\n";
  out << "    \"results\": [\n";
  writeResult(data, idx, out, progress);
  out << "\n    ],\n";
  out << "    \"back-matter\": " << dump(backMatter) << "\n";
  out << "  }\n}\n";
  if (progress) progress("assessment-results.json", data.results.size(), data.results.size());
}

}  // namespace annexa::collector::pack
