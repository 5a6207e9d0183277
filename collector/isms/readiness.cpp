#include "collector/isms/readiness.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_json.hpp"

namespace annexa::collector::isms {
namespace {

constexpr std::string_view kProgram = "Information security program";
constexpr std::string_view kAccess = "Access control";
constexpr std::string_view kData = "Data protection";
constexpr std::string_view kVendors = "Third-party management";
constexpr std::string_view kLogging = "Monitoring and logging";
constexpr std::string_view kAudit = "Compliance and audit";
constexpr std::string_view kTraining = "Training and awareness";

// How many in-scope hosts pass every check of the item they report (at least one, none failing or in error).
int hostsPassing(const FleetIndex& fleet, const ReadinessItem& item) {
  enum : std::uint8_t { kNone = 0, kPass = 1, kBad = 2 };
  std::unordered_map<std::string, std::uint8_t> hosts;
  for (const auto check : item.checks) {
    const auto rows = fleet.byCheck.find(std::string(check));
    if (rows == fleet.byCheck.end()) continue;
    for (const auto& row : rows->second) {
      auto& h = hosts[row.agentId];
      if (row.status == CheckStatus::Fail || row.status == CheckStatus::Error) h |= kBad;
      if (row.status == CheckStatus::Pass) h |= kPass;
    }
  }
  int passing = 0;
  for (const auto& [agent, h] : hosts) {
    const auto stale = fleet.stale.find(agent);
    if (h == kPass && stale != fleet.stale.end() && !stale->second) ++passing;
  }
  return passing;
}

}  // namespace

const std::vector<ReadinessItem>& readinessItems() {
  static const std::vector<ReadinessItem> items = {
      {"program.scope", kProgram, "ISMS scope and objectives defined", {}},
      {"program.risk_assessment", kProgram, "Risk assessments conducted regularly", {}},
      {"program.incident_response", kProgram, "Incident response plan", {}},
      {"program.continuity", kProgram, "Business continuity plan developed and tested", {}},
      {"access.rbac", kAccess, "Role-based access control", {}},
      {"access.mfa", kAccess, "Multi-factor authentication enabled", {"ssh.mfa_required", "pam.mfa_module"}},
      {"access.reviews", kAccess, "Regular access reviews", {}},
      {"access.passwords", kAccess, "Strong password policies",
       {"auth.password_quality", "auth.password_hashing", "auth.empty_passwords"}},
      {"data.classification", kData, "Data classification scheme", {}},
      {"data.encryption", kData, "Encryption at rest and in transit",
       {"disk.root_encrypted", "disk.all_encrypted", "disk.swap_encrypted", "tls.system_min_protocol"}},
      {"data.retention", kData, "Retention and disposal policies", {}},
      {"data.backups", kData, "Regular backups performed and tested", {"backup.configured", "backup.recent"}},
      {"vendors.risk_assessment", kVendors, "Vendor risk assessments", {}},
      {"vendors.contracts", kVendors, "Security requirements in contracts", {}},
      {"vendors.reviews", kVendors, "Vendor performance reviews", {}},
      {"vendors.access_monitoring", kVendors, "Monitoring of third-party access", {}},
      {"logging.centralized", kLogging, "Centralized log management", {"logging.remote_forwarding"}},
      {"logging.review", kLogging, "Regular log review", {}},
      {"logging.ids", kLogging, "Intrusion detection/prevention (IDS/IPS)", {"monitoring.agent_present"}},
      {"logging.siem", kLogging, "Security information and event management (SIEM)", {}},
      {"audit.internal", kAudit, "Internal audit program", {}},
      {"audit.regulations", kAudit, "Compliance with relevant regulations", {}},
      {"audit.controls_documented", kAudit, "Controls documented and maintained", {}},
      {"audit.findings", kAudit, "Tracking and resolving audit findings", {}},
      {"training.awareness", kTraining, "Regular security awareness training", {}},
      {"training.phishing", kTraining, "Phishing simulations and assessments", {}},
      {"training.records", kTraining, "Documentation of training", {}},
  };
  return items;
}

const ReadinessItem* findReadinessItem(std::string_view id) {
  for (const auto& item : readinessItems())
    if (item.id == id) return &item;
  return nullptr;
}

const ReadinessBand& readinessBand(int score) {
  for (const auto& band : kReadinessBands)
    if (score >= band.minScore && score <= band.maxScore) return band;
  return score < 0 ? kReadinessBands[0] : kReadinessBands[std::size(kReadinessBands) - 1];
}

std::string ReadinessBand::assessment() const {
  return std::string(label) + " (" + std::string(advice) + ")";
}

std::string scoreText(int score) { return std::to_string(score) + " / " + std::to_string(kReadinessMaxScore); }

ReadinessResult computeReadiness(const FleetIndex& fleet, const std::vector<Attestation>& attestations,
                                 const ReadinessOptions& options, std::int64_t now) {
  ReadinessResult result;
  for (const auto& item : readinessItems()) {
    ItemResult r;
    r.item = &item;
    if (item.computed()) {
      r.hostsInScope = fleet.hostsInScope;
      r.hostsPassing = hostsPassing(fleet, item);
      // Integer comparison (passing ≥ share × hosts) so 95 % of 20 hosts means exactly 19.
      const auto needed = static_cast<int>(std::ceil(options.passShare * r.hostsInScope - 1e-9));
      r.met = r.hostsInScope > 0 && r.hostsPassing >= needed;
      r.note = r.hostsInScope == 0 ? "no hosts in scope" : std::to_string(r.hostsPassing) + " of " +
                                                              std::to_string(r.hostsInScope) + " hosts pass";
    } else {
      const auto a = std::find_if(attestations.begin(), attestations.end(),
                                  [&](const Attestation& x) { return x.itemId == item.id; });
      if (a == attestations.end()) {
        r.note = "not attested";
      } else {
        r.attestation = *a;
        r.stale = a->staleAt(now);
        r.met = a->met && !r.stale;
        r.note = r.stale ? "attestation older than 12 months" : a->met ? "attested" : "attested as not met";
      }
    }
    result.score += r.met ? 1 : 0;
    result.items.push_back(std::move(r));
  }
  result.band = &readinessBand(result.score);
  return result;
}

nlohmann::json toJson(const ReadinessResult& result, const ReadinessOptions& options) {
  auto items = nlohmann::json::array();
  for (const auto& r : result.items) {
    nlohmann::json j = {{"id", r.item->id}, {"area", r.item->area}, {"title", r.item->title},
                        {"basis", r.item->computed() ? "fleet" : "attestation"}, {"met", r.met}, {"note", r.note}};
    if (r.item->computed()) {
      j["evidence"] = {{"checks", r.item->checks}, {"hosts_in_scope", r.hostsInScope},
                       {"hosts_passing", r.hostsPassing}, {"threshold", options.passShare}};
    } else {
      j["attestation"] = r.attestation ? toJson(*r.attestation) : nlohmann::json(nullptr);
      j["stale"] = r.stale;
    }
    items.push_back(std::move(j));
  }
  auto bands = nlohmann::json::array();
  for (const auto& b : kReadinessBands)
    bands.push_back({{"min", b.minScore}, {"max", b.maxScore}, {"level", b.level}, {"label", b.label},
                     {"text", b.assessment()}});
  return {{"score", result.score}, {"max_score", kReadinessMaxScore}, {"score_text", scoreText(result.score)},
          {"level", result.band->level}, {"label", result.band->label}, {"assessment", result.band->assessment()},
          {"bands", bands}, {"items", items}};
}

}  // namespace annexa::collector::isms
