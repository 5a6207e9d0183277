#include "collector/evidence/evidence_verify.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "collector/store/evidence_chain.hpp"
#include "common/clock.hpp"
#include "common/model.hpp"
#include "common/pki.hpp"

namespace annexa::collector {
namespace {

constexpr int kPageSize = 1000;
constexpr std::size_t kMaxProblems = 100;  // enough to see the pattern; the first one is what matters
// A short report names its host's latest full report; a few more cover late redeliveries in between.
constexpr std::size_t kRecentFullReports = 8;

class ChainWalk {
 public:
  ChainWalk(EvidenceVerification& result, const std::map<std::int64_t, std::string>& headSeqs,
            const IsmsItemCheck& checkIsmsItem)
      : result_(result), headSeqs_(headSeqs), checkIsmsItem_(checkIsmsItem) {}

  void check(const EvidenceRecord& record) {
    const auto& e = record.entry;
    if (e.seq != expectedSeq_) {
      // Name the first missing seq; the next entry's link is then broken by construction, so skip to it.
      problem({EvidenceProblem::Kind::Entry, expectedSeq_, "", "",
               "entry " + std::to_string(expectedSeq_) + " missing (the log continues at " + std::to_string(e.seq) + ")"});
    } else if (e.prevHash != previousHash_) {
      entryProblem(e, "prev_hash does not link to entry " + std::to_string(e.seq - 1) + " (entries reordered or altered)");
    } else if (evidenceEntryHash(e) != e.entryHash) {
      entryProblem(e, "entry_hash does not match the entry's fields (entry altered)");
    }
    if (e.agentId == kIsmsEvidenceAgent) {
      checkIsmsItem(e);
    } else {
      checkReport(record);
      checkReference(record);
    }
    if (headSeqs_.count(e.seq)) chainHashes_[e.seq] = e.entryHash;
    previousHash_ = e.entryHash;
    expectedSeq_ = e.seq + 1;
    result_.lastSeq = e.seq;
    ++result_.entries;
  }

  const std::map<std::int64_t, std::string>& chainHashes() const { return chainHashes_; }

 private:
  // A document version, its retirement or a record: its own row and files, not a report, back the hash.
  void checkIsmsItem(const EvidenceEntry& e) {
    ++result_.ismsItems;
    if (!checkIsmsItem_) return entryProblem(e, "ISMS evidence item, but no ISMS register to check it against");
    if (auto reason = checkIsmsItem_(e)) entryProblem(e, std::move(*reason));
  }
  void checkReport(const EvidenceRecord& record) {
    switch (record.body) {
      case EvidenceBody::Missing: entryProblem(record.entry, "report row missing"); break;
      case EvidenceBody::Purged: ++result_.purgedBodies; break;
      case EvidenceBody::Present:
        if (!record.bodyDamage.empty())
          entryProblem(record.entry, "stored report body is damaged (" + record.bodyDamage + ")");
        else if (evidenceReportSha256(record.bodyBytes) != record.entry.reportSha256)
          entryProblem(record.entry, "stored report body does not match its hash (report altered)");
        break;
    }
  }
  // A short report stands for a full report of the same host earlier in the log (docs/unchanged-reports.md).
  void checkReference(const EvidenceRecord& record) {
    const auto& e = record.entry;
    auto& host = hosts_[e.agentId];
    // A purged (or damaged) body was a full report or a short one: the walk cannot tell, so a short report may name
    // it. Retention purges the oldest bodies first, so once a short report names a full report the walk has read,
    // every later one names that report or a later one, and is checked again.
    if (record.body != EvidenceBody::Present || !record.bodyDamage.empty()) {
      host.unreadableBefore = true;
      return;
    }
    const auto sameAs = unchangedReference(record.bodyBytes);
    if (!sameAs) {
      host.recentFull.push_back(e.reportId);
      if (host.recentFull.size() > kRecentFullReports) host.recentFull.pop_front();
    } else if (std::find(host.recentFull.begin(), host.recentFull.end(), *sameAs) != host.recentFull.end()) {
      host.unreadableBefore = false;
    } else if (!host.unreadableBefore) {
      entryProblem(e, "short report names \"" + *sameAs + "\", which is not a full report of this host earlier in the log");
    }
  }
  void entryProblem(const EvidenceEntry& e, std::string reason) {
    problem({EvidenceProblem::Kind::Entry, e.seq, e.agentId, e.reportId, std::move(reason)});
  }
  void problem(EvidenceProblem p) {
    if (result_.problems.size() < kMaxProblems) result_.problems.push_back(std::move(p));
  }

  EvidenceVerification& result_;
  const std::map<std::int64_t, std::string>& headSeqs_;
  const IsmsItemCheck& checkIsmsItem_;
  std::map<std::int64_t, std::string> chainHashes_;
  struct HostReports {
    std::deque<std::string> recentFull;  // full reports read, oldest first
    bool unreadableBefore = false;       // a body the walk could not read came since a short report last resolved
  };
  std::unordered_map<std::string, HostReports> hosts_;  // per agent
  std::int64_t expectedSeq_ = 1;
  std::string previousHash_ = kEvidenceGenesisHash;
};

void checkHeads(const std::vector<SignedHead>& heads, const std::map<std::int64_t, std::string>& chainHashes,
                X509* serverCertificate, EvidenceVerification& result) {
  const std::string fingerprint = serverCertificate ? pki::fingerprint(serverCertificate) : "";
  for (const auto& h : heads) {
    std::string reason;
    if (h.seq > result.lastSeq) {
      reason = "signed head is beyond the end of the log (entry " + std::to_string(result.lastSeq) +
               "): entries were truncated";
    } else if (const auto at = chainHashes.find(h.seq); at == chainHashes.end() || at->second != h.entryHash) {
      reason = "signed hash differs from the chain's entry " + std::to_string(h.seq);
    } else if (!serverCertificate || h.signerFingerprint != fingerprint) {
      reason = "signed by " + h.signerFingerprint + ", not the server certificate " + fingerprint;
    } else if (auto ok = pki::verifySha256(serverCertificate, evidenceHeadSigningString(h.seq, h.entryHash, h.signedAt),
                                           h.signature);
               !ok) {
      reason = "signature does not verify: " + ok.error();
    }
    if (!reason.empty() && result.problems.size() < kMaxProblems)
      result.problems.push_back({EvidenceProblem::Kind::Head, h.seq, "", "", reason});
  }
}

}  // namespace

EvidenceVerification verifyEvidenceLog(EvidenceLogStore& store, X509* serverCertificate,
                                       const std::function<void(std::int64_t)>& progress, std::int64_t progressEvery,
                                       const IsmsItemCheck& checkIsmsItem) {
  EvidenceVerification result;
  const auto heads = store.signedHeads();
  std::map<std::int64_t, std::string> headSeqs;
  for (const auto& h : heads) headSeqs.emplace(h.seq, h.entryHash);

  ChainWalk walk(result, headSeqs, checkIsmsItem);
  for (std::int64_t after = 0;;) {
    const auto page = store.evidenceRecords(after, kPageSize);
    if (page.empty()) break;
    for (const auto& record : page) {
      walk.check(record);
      if (progress && result.entries % progressEvery == 0) progress(result.entries);
    }
    after = page.back().entry.seq;
  }
  result.signedHeads = static_cast<std::int64_t>(heads.size());
  if (!heads.empty()) result.lastSignedSeq = heads.back().seq;
  result.unsignedEntries = result.lastSeq - std::min(result.lastSeq, result.lastSignedSeq.value_or(0));
  checkHeads(heads, walk.chainHashes(), serverCertificate, result);
  return result;
}

std::string describe(const EvidenceProblem& p) {
  if (p.kind == EvidenceProblem::Kind::Head) return "signed head at entry " + std::to_string(p.seq) + ": " + p.reason;
  if (p.agentId.empty() && p.reportId.empty()) return p.reason;
  return "entry " + std::to_string(p.seq) + " (agent " + p.agentId + ", report " + p.reportId + "): " + p.reason;
}

nlohmann::json toJson(const EvidenceVerification& r) {
  auto problems = nlohmann::json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"kind", p.kind == EvidenceProblem::Kind::Head ? "head" : "entry"},
                        {"seq", p.seq},
                        {"agent_id", p.agentId},
                        {"report_id", p.reportId},
                        {"reason", p.reason}});
  return {{"intact", r.intact()},
          {"entries", r.entries},
          {"last_seq", r.lastSeq},
          {"purged_bodies", r.purgedBodies},
          {"isms_items", r.ismsItems},
          {"signed_heads", r.signedHeads},
          {"last_signed_seq", r.lastSignedSeq ? nlohmann::json(*r.lastSignedSeq) : nlohmann::json(nullptr)},
          {"unsigned_entries", r.unsignedEntries},
          {"problems", problems}};
}

}  // namespace annexa::collector
