// The register forms of the dashboard (no ImGui): fields loaded from a row, the JSON the collector's write
// routes take (docs/isms.md), and which field a collector error names so it is shown next to that field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "dashboard/isms_snapshot.hpp"
#include "dashboard/snapshot.hpp"

namespace annexa::dashboard {

enum class FieldKind { Text, Multiline, Date, Flag, Choice, Number, List };

struct FormField {
  std::string key;    // the JSON name the collector takes
  std::string label;  // what the operator reads
  FieldKind kind = FieldKind::Text;
  std::vector<std::string> choices;  // FieldKind::Choice
  std::string value;                 // as typed; a flag is "true" or "false"
  std::string initial;               // as loaded: unchanged fields are not sent
};

struct EditForm {
  std::string loadedFor;  // the row id and the values loaded: the view reloads the form when either changes
  std::vector<FormField> fields;

  FormField* field(const std::string& key);
  std::string value(const std::string& key) const;
  bool dirty() const;
};

// The row id part of loadedFor.
std::string formRow(const EditForm& form);
// The changed fields, typed as the collector reads them: numbers as numbers, flags as booleans, lists split at
// commas, an emptied date as null. An error names a number that is not one.
Result<nlohmann::json> changedFields(const EditForm& form);
// Every non-empty field (a new row: POST).
Result<nlohmann::json> filledFields(const EditForm& form);
// The key of the field a collector error message names ("justification is required" → "justification"), or ""
// when it names none (the error is then shown under the Save button).
std::string fieldOfError(const EditForm& form, const std::string& error);

// A host as the operator names it: its agent id, or a hostname that exactly one host has.
Result<std::string> resolveHost(const std::vector<HostRow>& hosts, const std::string& nameOrId);

EditForm soaForm(const SoaRow& row);
EditForm soaEvidenceForm();
EditForm newExceptionForm();
EditForm riskForm(const RiskRow& row);  // an empty row: the form of a new risk
EditForm ncTransitionForm(const NcRow& row);
EditForm attestationForm(const ReadinessItem& item);
EditForm calendarForm(const AuditCalendar& calendar);

struct EditForms {
  EditForm soa, evidence, exception, risk, nc, attestation, calendar;
  bool newRisk = false;  // the risk form edits a new risk, not the selected one
  bool confirmRevoke = false;
  std::map<std::string, std::uint64_t> savedSeen;  // per form: the last successful write already acted upon
};

}  // namespace annexa::dashboard
