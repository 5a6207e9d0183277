// Documents and records: validation of what operators send (CLI or API), the JSON views with status at an
// instant, and the check verify-log runs on their evidence-log entries. Shared by annexa-collector docs|records
// and the API, like IsmsService for the other registers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/isms/evidence_files.hpp"
#include "collector/isms/isms_service.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/isms/nonconformity.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"
#include "common/evidence_requirements.hpp"

namespace annexa::collector::isms {

class EvidenceRegister {
 public:
  static constexpr std::size_t kMaxTextLength = 200;      // titles, names
  static constexpr std::size_t kMaxSummaryLength = 4000;  // a record's summary
  static constexpr std::size_t kMaxAttachments = 20;

  EvidenceRegister(IsmsStore& store, EvidenceFiles files, const EvidenceRequirements& requirements,
                   const Catalog& catalog)
      : store_(store), files_(std::move(files)), requirements_(requirements), catalog_(catalog) {}

  const EvidenceFiles& files() const { return files_; }
  const EvidenceRequirements& requirements() const { return requirements_; }

  // Fields: title, controls (a list or "A.5.1,A.5.10"; defaults to the requirement's), requirement (a document
  // requirement's id), owner, approved_by, approved_on (YYYY-MM-DD, not in the future), review_every ("12m" or a
  // number of months, 1–36; default the requirement's or 12), supersedes (a document id), file_name.
  // `file` is already in the content store.
  Reply addDocument(const nlohmann::json& fields, const StoredFile& file, const std::string& actor, std::int64_t now);
  // Fields: reason (required), retired_on (YYYY-MM-DD, default today).
  Reply retireDocument(std::int64_t id, const nlohmann::json& fields, const std::string& actor, std::int64_t now);
  // Fields: requirement (a record requirement's id), performed_on (YYYY-MM-DD, not in the future), performed_by,
  // summary, outcome (ok | issues, default ok). `attachments` are already in the content store.
  Reply addRecord(const nlohmann::json& fields, const std::vector<Attachment>& attachments, const std::string& actor,
                  std::int64_t now);

  // Views with each item's status at `at`.
  Reply documents(std::int64_t at);
  Reply document(std::int64_t id, std::int64_t at);
  Reply records(std::int64_t at);
  Reply record(std::int64_t id, std::int64_t at);

  // verify-log: for an entry of kEvidenceItemAgent, the reason it does not match its row or its files.
  std::optional<std::string> checkLogEntry(const EvidenceEntry& entry);

 private:
  nlohmann::json documentJson(const Document& document, const std::vector<Document>& all, std::int64_t at) const;
  nlohmann::json recordJson(const Record& record, std::int64_t at) const;

  IsmsStore& store_;
  EvidenceFiles files_;
  const EvidenceRequirements& requirements_;
  const Catalog& catalog_;
};

// A record whose outcome is `issues` proposes a minor non-conformity on the first applicable control of its
// requirement, once: a non-conformity with the same title (any state) means it was proposed already.
std::vector<NcProposal> proposeFromRecords(const std::vector<Record>& records, const EvidenceRequirements& requirements,
                                           const std::vector<SoaEntry>& soa, const std::vector<NonConformity>& existing);

// Text that goes to terminals, CSV and HTML: valid UTF-8 without control characters (newlines and tabs allowed
// only where `multiline`).
bool isPlainText(std::string_view text, bool multiline);

}  // namespace annexa::collector::isms
