// The Statement of Applicability as served and exported: each control's SoA row joined with its live fleet
// evidence (mapped checks), manual evidence and linked risks, with the flags an auditor looks for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/isms/isms_fleet.hpp"
#include "collector/isms/isms_model.hpp"
#include "collector/posture/posture.hpp"

namespace annexa::collector::isms {

struct SoaRow {
  SoaEntry entry;
  const ControlPosture* posture = nullptr;
  std::vector<CheckOnControl> checks;  // mapped checks with live host counts
  std::vector<std::int64_t> risks;     // risks linked to the control
  bool fleetEvidence = false;          // some host reports a mapped check
  bool noEvidence = false;             // applicable, yet neither fleet nor manual evidence: flagged
  bool justificationMissing = false;
};

// `posture` must outlive the rows.
std::vector<SoaRow> soaRows(const std::vector<SoaEntry>& entries, const FleetPosture& posture, const FleetIndex& fleet,
                            const AcceptedFailure& accepted, const std::vector<Risk>& risks);

nlohmann::json toJson(const SoaRow& row);
// The whole statement with a summary (applicable, excluded, flagged counts).
nlohmann::json soaJson(const std::vector<SoaRow>& rows);

// Refuses a change that leaves a control excluded without a justification; the message says when fleet checks
// evidence the control or fail on it.
VoidResult checkSoaChange(const SoaEntry& after, const SoaRow& current);

std::string soaCsv(const std::vector<SoaRow>& rows);
std::string soaHtml(const std::vector<SoaRow>& rows, std::int64_t now);

// Parses an edited SoA CSV (columns control plus any of applicable, justification, implementation, owner) into the
// changed rows, each checked like an API change. Nothing is returned unless every line is valid.
Result<std::vector<SoaEntry>> soaChangesFromCsv(std::string_view text, const std::vector<SoaRow>& current);

}  // namespace annexa::collector::isms
