// The ISMS operations shared by the HTTP API and the command line: each returns a Reply (an HTTP-like status
// and a JSON body, or an error message) so both front ends answer the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/isms/isms_fleet.hpp"
#include "collector/isms/isms_store.hpp"
#include "collector/isms/nonconformity.hpp"
#include "collector/posture/posture.hpp"
#include "collector/isms/readiness.hpp"
#include "collector/isms/soa.hpp"
#include "collector/store/store.hpp"
#include "common/catalog.hpp"

namespace annexa::collector::isms {

struct Reply {
  int status = 200;  // 200, 201; 400 invalid input; 404 unknown id
  nlohmann::json body;
  bool ok() const { return status < 300; }
  std::string error() const { return body.value("error", std::string()); }
};
Reply errorReply(int status, const std::string& message);

struct IsmsOptions {
  NcOptions nc;
  ReadinessOptions readiness;
};

// The fleet as the registers see it: posture with valid exceptions applied, and results indexed by check.
struct FleetView {
  FleetPosture posture;
  FleetIndex index;
  AcceptedFailure accepted;
};

enum class Register { Soa, Exceptions, Risks, NonConformities };
Result<Register> parseRegister(std::string_view name);  // soa | exceptions | risks | nc | nonconformities

class IsmsService {
 public:
  IsmsService(Store& store, IsmsStore& isms, const Catalog& catalog, const CheckMapping& mapping, IsmsOptions options);

  // Exceptions valid at `now`, for the posture engine.
  AcceptedFailure acceptanceAt(std::int64_t now);
  FleetView fleet(std::int64_t now);

  Reply soa(std::int64_t now);
  Reply soaControl(const std::string& controlId, std::int64_t now);
  Reply updateSoa(const std::string& controlId, const nlohmann::json& patch, const std::string& actor, std::int64_t now);
  Reply addEvidence(const std::string& controlId, const nlohmann::json& body, const std::string& actor, std::int64_t now);
  std::string soaHtml(std::int64_t now);

  // `expiringDays` lists only valid exceptions expiring within that many days.
  Reply exceptions(std::int64_t now, std::optional<int> expiringDays = std::nullopt);
  Reply addException(const nlohmann::json& body, const std::string& actor, std::int64_t now);
  Reply revokeException(std::int64_t id, const std::string& actor, std::int64_t now);

  Reply risks(std::int64_t now);
  Reply risk(std::int64_t id, std::int64_t now);
  Reply addRisk(const nlohmann::json& body, const std::string& actor, std::int64_t now);
  Reply updateRisk(std::int64_t id, const nlohmann::json& patch, const std::string& actor, std::int64_t now);

  // Listing first reopens closed NCs whose checks fail again.
  Reply nonConformities(std::int64_t now);
  Reply nonConformity(std::int64_t id, std::int64_t now);
  Reply addNonConformity(const nlohmann::json& body, const std::string& actor, std::int64_t now);
  Reply updateNonConformity(std::int64_t id, const nlohmann::json& patch, const std::string& actor, std::int64_t now);
  Reply transitionNonConformity(std::int64_t id, const nlohmann::json& body, const std::string& actor, std::int64_t now);
  Reply proposals(std::int64_t now);
  // Records every current proposal as an open NC (source auto).
  Reply applyProposals(const std::string& actor, std::int64_t now);

  Reply readiness(std::int64_t now);
  Reply attest(const std::string& itemId, const nlohmann::json& body, const std::string& actor, std::int64_t now);

  Reply audit(const std::string& entity, const std::string& entityId);

  // isms_service_review.cpp. The audit calendar and the overview summary: {"calendar": …, "summary": …}.
  Reply calendar(std::int64_t now);
  Reply updateCalendar(const nlohmann::json& patch, const std::string& actor, std::int64_t now);
  // The management review input (clause 9.3) as one HTML page; the period starts at `since`, by default the last
  // management review date the calendar has held.
  std::string managementReview(std::int64_t now, std::optional<std::int64_t> since = std::nullopt);

  // Periodic upkeep: reopens closed NCs that fail again; returns how many.
  int maintain(std::int64_t now);

  std::string exportCsv(Register which, std::int64_t now);
  // SoA: updates rows; risks: adds rows without id, updates rows with one; exceptions: adds rows.
  // All rows are validated before any is written; errors name the CSV line.
  Reply importCsv(Register which, std::string_view text, const std::string& actor, std::int64_t now);

 private:
  std::vector<SoaRow> soaRows(const FleetView& fleet);
  std::vector<NcProposal> allProposals(const FleetView& fleet);
  nlohmann::json riskJson(const Risk& risk, const FleetPosture& posture);
  int reopen(const FleetView& fleet, std::int64_t now);
  CalendarSummary calendarSummary(const FleetView& fleet, const AuditCalendar& calendar, std::int64_t now);
  // A new exception naming a mapped check and (for host_check) an enrolled host.
  Result<RiskAcceptance> checkedException(const nlohmann::json& body, std::int64_t now);

  Store& store_;
  IsmsStore& isms_;
  const Catalog& catalog_;
  const CheckMapping& mapping_;
  IsmsOptions options_;
};

}  // namespace annexa::collector::isms
