#include "dashboard/edit_form.hpp"

#include <algorithm>
#include <cctype>

#include "common/text.hpp"

namespace annexa::dashboard {
namespace {

FormField text(std::string key, std::string label, std::string value, FieldKind kind = FieldKind::Text) {
  FormField f{std::move(key), std::move(label), kind, {}, value, value};
  return f;
}

FormField choice(std::string key, std::string label, std::vector<std::string> choices, std::string value) {
  FormField f{std::move(key), std::move(label), FieldKind::Choice, std::move(choices), value, value};
  return f;
}

FormField flag(std::string key, std::string label, bool value) {
  const std::string v = value ? "true" : "false";
  return {std::move(key), std::move(label), FieldKind::Flag, {}, v, v};
}

Result<nlohmann::json> typed(const FormField& f) {
  const auto trimmed = std::string(text::trim(f.value));
  switch (f.kind) {
    case FieldKind::Flag: return nlohmann::json(f.value == "true");
    case FieldKind::Number: {
      if (trimmed.empty()) return nlohmann::json(nullptr);
      long long n = 0;
      if (!text::parseInt(trimmed, n)) return makeError(f.key + ": \"" + trimmed + "\" is not a whole number");
      return nlohmann::json(n);
    }
    case FieldKind::Date: return trimmed.empty() ? nlohmann::json(nullptr) : nlohmann::json(trimmed);
    case FieldKind::List: {
      auto list = nlohmann::json::array();
      for (const auto& part : text::split(trimmed, ','))
        if (const auto item = text::trim(part); !item.empty()) list.push_back(std::string(item));
      return list;
    }
    case FieldKind::Text:
    case FieldKind::Multiline:
    case FieldKind::Choice: break;
  }
  return nlohmann::json(f.value);
}

// The row id plus every loaded value: a saved row that comes back changed reloads the form.
EditForm stamped(EditForm form) {
  for (const auto& f : form.fields) form.loadedFor += '\x1f' + f.initial;
  return form;
}

}  // namespace

std::string formRow(const EditForm& form) { return form.loadedFor.substr(0, form.loadedFor.find('\x1f')); }

FormField* EditForm::field(const std::string& key) {
  for (auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

std::string EditForm::value(const std::string& key) const {
  for (const auto& f : fields)
    if (f.key == key) return f.value;
  return {};
}

bool EditForm::dirty() const {
  return std::any_of(fields.begin(), fields.end(), [](const FormField& f) { return f.value != f.initial; });
}

Result<nlohmann::json> changedFields(const EditForm& form) {
  auto out = nlohmann::json::object();
  for (const auto& f : form.fields) {
    if (f.value == f.initial) continue;
    auto value = typed(f);
    if (!value) return makeError(value.error());
    out[f.key] = std::move(*value);
  }
  return out;
}

Result<nlohmann::json> filledFields(const EditForm& form) {
  auto out = nlohmann::json::object();
  for (const auto& f : form.fields) {
    if (f.kind != FieldKind::Flag && text::trim(f.value).empty()) continue;
    auto value = typed(f);
    if (!value) return makeError(value.error());
    out[f.key] = std::move(*value);
  }
  return out;
}

std::string fieldOfError(const EditForm& form, const std::string& error) {
  // A key counts as a whole word only ("to" is in many words); the longest first ("residual_impact", "impact").
  const auto wordChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  const auto namesKey = [&](const std::string& key) {
    for (auto at = error.find(key); at != std::string::npos; at = error.find(key, at + 1)) {
      const bool before = at == 0 || !wordChar(error[at - 1]);
      const bool after = at + key.size() >= error.size() || !wordChar(error[at + key.size()]);
      if (before && after) return true;
    }
    return false;
  };
  std::string best;
  for (const auto& f : form.fields)
    if (f.key.size() > best.size() && namesKey(f.key)) best = f.key;
  return best;
}

Result<std::string> resolveHost(const std::vector<HostRow>& hosts, const std::string& nameOrId) {
  const auto wanted = std::string(text::trim(nameOrId));
  if (wanted.empty()) return makeError("host: give a hostname or an agent id");
  std::vector<const HostRow*> named;
  for (const auto& h : hosts) {
    if (h.id == wanted) return h.id;
    if (h.hostname == wanted) named.push_back(&h);
  }
  if (named.size() == 1) return named.front()->id;
  if (named.empty()) return makeError("host: no enrolled host has the hostname or agent id \"" + wanted + "\"");
  std::vector<std::string> ids;
  for (const auto* h : named) ids.push_back(h->id);
  return makeError("host: " + std::to_string(named.size()) + " hosts are called \"" + wanted +
                   "\"; give the agent id of one (" + text::join(ids, ", ") + ")");
}

EditForm soaForm(const SoaRow& row) {
  return stamped({row.control,
          {flag("applicable", "Applicable", row.applicable),
           text("justification", "Justification", row.justification, FieldKind::Multiline),
           choice("implementation", "Implementation", {"implemented", "partially", "planned", "not_implemented"},
                  row.implementation),
           text("owner", "Owner", row.owner)}});
}

EditForm soaEvidenceForm() {
  return stamped({"",
          {text("document", "Document", ""), text("location", "Location", ""),
           text("date", "Date (YYYY-MM-DD)", "", FieldKind::Date), text("reviewer", "Reviewer", "")}});
}

EditForm newExceptionForm() {
  return stamped({"new",
          {choice("scope", "Scope", {"host_check", "check", "control"}, "host_check"),
           text("host", "Host (hostname or agent id)", ""), text("check", "Check", ""), text("control", "Control", ""),
           text("justification", "Justification", "", FieldKind::Multiline), text("approver", "Approver", ""),
           text("valid_from", "Valid from (YYYY-MM-DD, empty: now)", "", FieldKind::Date),
           text("expires_at", "Expires (YYYY-MM-DD)", "", FieldKind::Date)}});
}

EditForm riskForm(const RiskRow& row) {
  const auto number = [](int n) { return n > 0 ? std::to_string(n) : std::string(); };
  return stamped({row.id > 0 ? std::to_string(row.id) : "new",
          {text("title", "Title", row.title, FieldKind::Multiline), text("assets", "Assets", row.assets),
           text("threat", "Threat", row.threat), text("vulnerability", "Vulnerability", row.vulnerability),
           text("likelihood", "Likelihood (1-5)", number(row.likelihood), FieldKind::Number),
           text("impact", "Impact (1-5)", number(row.impact), FieldKind::Number),
           choice("treatment", "Treatment", {"mitigate", "transfer", "accept", "avoid"},
                  row.treatment.empty() ? "mitigate" : row.treatment),
           text("controls", "Controls (comma separated)", row.controlsText, FieldKind::List),
           text("owner", "Owner", row.owner), text("due_date", "Due (YYYY-MM-DD)", row.dueDate, FieldKind::Date)}});
}

EditForm ncTransitionForm(const NcRow& row) {
  auto next = row.nextStates;
  if (next.empty()) next.push_back(row.state);
  return stamped({std::to_string(row.id) + "/" + row.state,
          {choice("to", "Move to", next, next.front()),
           text("root_cause", "Root cause", row.rootCause, FieldKind::Multiline),
           text("corrective_action", "Corrective action", row.correctiveAction, FieldKind::Multiline),
           text("action_owner", "Action owner", row.actionOwner),
           text("action_due", "Action due (YYYY-MM-DD)", row.actionDue, FieldKind::Date),
           text("verification", "Verification", row.verification, FieldKind::Multiline)}});
}

EditForm attestationForm(const ReadinessItem& item) {
  return stamped({item.id,
          {flag("met", "Met (uncheck to record that it is not)", true), text("attested_by", "Attested by", ""),
           text("evidence_ref", "Evidence reference", ""),
           text("attested_at", "Attested on (YYYY-MM-DD, empty: today)", "", FieldKind::Date)}});
}

EditForm calendarForm(const AuditCalendar& c) {
  return stamped({"calendar",
          {text("scope", "ISMS scope", c.scope, FieldKind::Multiline),
           text("internal_audit", "Internal audit (YYYY-MM-DD)", c.internalAudit, FieldKind::Date),
           text("management_review", "Management review", c.managementReview, FieldKind::Date),
           text("stage1", "Stage 1", c.stage1, FieldKind::Date), text("stage2", "Stage 2", c.stage2, FieldKind::Date)}});
}

}  // namespace annexa::dashboard
