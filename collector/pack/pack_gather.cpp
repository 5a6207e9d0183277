#include "collector/pack/pack_gather.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "collector/posture/posture_at.hpp"
#include "collector/isms/readiness.hpp"
#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::collector::pack {
namespace {

std::vector<Evidence> parseEvidence(const std::string& json) {
  std::vector<Evidence> out;
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_array()) return out;
  for (const auto& e : doc) {
    if (!e.is_object()) continue;
    out.push_back({e.value("source", std::string()), e.value("observed", std::string()),
                   e.value("expected", std::string())});
  }
  return out;
}

std::string day(std::int64_t t) { return formatRfc3339(t).substr(0, 10); }

std::string reportKey(const std::string& agentId, const std::string& reportId) { return agentId + '\n' + reportId; }

void report(const PackProgress& progress, std::string_view stage, std::size_t done, std::size_t total) {
  if (progress) progress(stage, done, total);
}

// The hosts in scope at `at` (revoked ones included: their history is evidence too, the posture skips them).
std::vector<AgentRecord> selectedAgents(Store& store, const ExportRequest& scope) {
  auto agents = store.agentsAt(scope.at);
  std::erase_if(agents, [&](const AgentRecord& a) { return !hostSelected(scope.hosts, a.hostname, a.id); });
  return agents;
}

std::vector<PackHost> packHosts(const std::vector<AgentRecord>& agents, std::int64_t at) {
  std::vector<PackHost> hosts;
  hosts.reserve(agents.size());
  for (const auto& a : agents) {
    const std::string os = a.osName.empty() ? std::string(text::trim(a.osId + " " + a.osVersion)) : a.osName;
    hosts.push_back({a.id, a.hostname, os, a.lastSeen, isStale(a, at)});
  }
  return hosts;
}

// Every host × check result at `at`, with the canonical hash of the report that recorded it (evidence log).
std::vector<PackResult> packResults(Store& store, const std::unordered_set<std::string>& agentIds,
                                    std::int64_t at, const PackProgress& progress) {
  std::unordered_map<std::string, std::string> reportHashes;
  for (auto& e : store.evidenceEntries(0, at + 1)) reportHashes.emplace(reportKey(e.agentId, e.reportId), e.reportSha256);
  auto stored = store.resultsAt(at, std::nullopt);
  std::vector<PackResult> results;
  results.reserve(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    auto& r = stored[i];
    if (i % 50000 == 0) report(progress, "results", i, stored.size());
    if (!agentIds.count(r.agentId)) continue;
    PackResult p;
    p.agentId = r.agentId;
    p.result.check = r.checkId;
    p.result.title = std::move(r.title);
    p.result.status = r.status;
    p.result.severity = r.severity;
    p.result.message = std::move(r.message);
    p.result.remediation = std::move(r.remediation);
    p.result.evidence = parseEvidence(r.evidenceJson);
    p.observedAt = r.since;  // the report that recorded this status and evidence
    p.since = r.since;
    p.reportId = r.reportId;
    if (const auto hash = reportHashes.find(reportKey(r.agentId, r.reportId)); hash != reportHashes.end())
      p.reportSha256 = hash->second;
    results.push_back(std::move(p));
  }
  report(progress, "results", stored.size(), stored.size());
  return results;
}

std::optional<EvidenceLogRange> logRange(Store& store, const ExportRequest& scope) {
  const auto range = store.evidenceRange(scope.from, scope.to);
  if (!range) return std::nullopt;
  EvidenceLogRange out{range->firstSeq, range->lastSeq, range->headHash, std::nullopt};
  if (const auto& head = range->signedHead)
    out.signedHead = SignedLogHead{head->seq, head->entryHash, head->signedAt, head->signerFingerprint,
                                   text::base64Encode(head->signature)};
  return out;
}

}  // namespace

bool hostSelected(const std::string& hosts, const std::string& hostname, const std::string& agentId) {
  if (text::trim(hosts).empty()) return true;
  for (const auto& raw : text::split(hosts, ',')) {
    const std::string pattern(text::trim(raw));
    if (pattern.empty()) continue;
    if (fnmatch(pattern.c_str(), hostname.c_str(), 0) == 0 || fnmatch(pattern.c_str(), agentId.c_str(), 0) == 0)
      return true;
  }
  return false;
}

Result<PackData> gatherPack(const GatherInputs& in, const ExportRequest& scope, std::int64_t now,
                            const PackProgress& progress) {
  if (auto ok = checkExportRequest(scope, now); !ok) return makeError(ok.error());
  report(progress, "hosts", 0, 1);
  const auto agents = selectedAgents(in.store, scope);
  if (agents.empty() && !text::trim(scope.hosts).empty())
    return makeError("--hosts \"" + scope.hosts + "\" matches no host enrolled by " + formatRfc3339(scope.at));
  std::unordered_set<std::string> agentIds;
  for (const auto& a : agents) agentIds.insert(a.id);

  PackData data;
  data.generatedAt = now;
  data.periodFrom = scope.from;
  data.periodTo = scope.to;
  data.at = scope.at;
  data.scope = scope.hosts;
  data.collector = in.collector;
  data.hosts = packHosts(agents, scope.at);
  data.results = packResults(in.store, agentIds, scope.at, progress);

  report(progress, "posture", 0, 1);
  // The results at `at` already are the statuses the posture needs: no second query of the history.
  std::vector<StatusRow> statuses;
  statuses.reserve(data.results.size());
  for (const auto& r : data.results)
    statuses.push_back({r.agentId, r.result.check, r.result.status, r.result.severity, r.since});
  data.exceptions = in.isms.exceptions();
  const auto accepted = isms::acceptanceAt(data.exceptions, scope.at);
  data.posture = computePosture(in.catalog, in.mapping, agents, statuses, scope.at, accepted);
  const isms::FleetIndex index(agents, statuses, scope.at);

  report(progress, "registers", 0, 1);
  data.soa = in.isms.soa();
  for (auto& risk : in.isms.risks()) {
    auto assessment = isms::assess(risk, data.posture);
    data.risks.push_back({std::move(risk), std::move(assessment)});
  }
  data.nonConformities = in.isms.nonConformities();
  data.readinessScore =
      isms::computeReadiness(index, in.isms.latestAttestations(), in.options.readiness, scope.at).score;
  data.daily = in.store.dailyPosture(day(scope.from), day(scope.to), std::nullopt);
  if (auto range = logRange(in.store, scope)) data.evidenceLog = std::move(*range);
  report(progress, "registers", 1, 1);
  return data;
}

}  // namespace annexa::collector::pack
