// Exceptions (risk acceptances): what is accepted, why, by whom, until when. Those expiring within 30 days
// come first and are highlighted; expired and revoked ones are greyed (kept: the register is never rewritten).
// The detail pane shows the selected one in full; an admin revokes it there and adds new ones.
#include <imgui.h>

#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

void exceptionDetail(UiState& ui, const ExceptionRow& e) {
  ImGui::Text("Exception #%lld", static_cast<long long>(e.id));
  ImGui::SameLine();
  ImGui::TextDisabled("%s, %s", e.scope.c_str(), std::string(label(e.state)).c_str());
  detailField("Accepts", e.target);
  detailField("Justification", e.justification);
  track(ui, "exceptions:detail:justification", e.justification);
  detailField("Approved by / recorded by", e.approver + " / " + (e.createdBy.empty() ? "-" : e.createdBy));
  detailField("Valid", "from " + e.validFrom + " until " + e.expiresAt +
                           (e.state == ExceptionState::Valid ? " (" + std::to_string(e.daysLeft) + " days left)" : ""));
  if (!ui.canEdit() || inactive(e)) return;
  const std::string key = "exception-revoke";
  if (!ui.forms.confirmRevoke) {
    if (ImGui::Button("Revoke this exception")) ui.forms.confirmRevoke = true;
    track(ui, "exceptions:revoke");
  } else {
    ImGui::TextColored(ImVec4(1.0f, 0.86f, 0.47f, 1.0f), "The failures it covers will count as failing again.");
    if (ImGui::Button("Confirm revoke")) {
      submitWrite(ui, key, "POST", "/api/v1/exceptions/" + std::to_string(e.id) + "/revoke", nlohmann::json::object());
      ui.forms.confirmRevoke = false;
    }
    track(ui, "exceptions:confirm-revoke");
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ui.forms.confirmRevoke = false;
  }
  const auto outcome = ui.writer->outcome(key);
  if (outcome.phase == WriteOutcome::Phase::Failed) ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.35f, 1.0f), "%s", outcome.error.c_str());
  if (outcome.phase == WriteOutcome::Phase::Pending) ImGui::TextDisabled("revoking ...");
}

// The body of POST /api/v1/exceptions: only the target fields of the scope, the host named as the operator likes.
Result<nlohmann::json> newExceptionBody(const UiState& ui, const EditForm& form) {
  auto body = filledFields(form);
  if (!body) return body;
  const std::string scope = form.value("scope");
  if (scope != "host_check") body->erase("host");
  if (scope == "control") body->erase("check");
  else body->erase("control");
  if (scope == "host_check") {
    auto id = resolveHost(ui.snapshot->fleet->hosts, form.value("host"));
    if (!id) return makeError(id.error());
    (*body)["host"] = *id;
  }
  return body;
}

}  // namespace

void drawExceptions(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& reg = ui.snapshot->isms->exceptions;
  editNote(ui, "exceptions (add, revoke)");
  ImGui::Text("%zu exceptions;", reg.rows.size());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)), "%d expiring within %d days",
                     reg.expiringWithin30Days, kExpiringSoonDays);
  ImGui::SameLine();
  ImGui::TextDisabled("(a failure covered by a valid exception shows as ACCEPTED, never as passing)");

  beginMaster("exceptions-split", 0.38f);
  if (reg.rows.empty()) ImGui::TextDisabled("No exceptions recorded.");
  else if (beginRegisterTable("exceptions", {{"ID"}, {"State"}, {"Scope"}, {"Target", 1.0f}, {"Justification", 1.4f},
                                             {"Approver"}, {"Expires"}})) {
    const ImVec4 grey = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
    clippedRows(ui.exceptionRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
      const auto& e = reg.rows[index];
      const bool soon = expiringSoon(e);
      const bool greyed = inactive(e);
      ImGui::TableNextRow();
      if (soon) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(120, 95, 0, 120));
      if (greyed) ImGui::PushStyleColor(ImGuiCol_Text, grey);
      ImGui::TableNextColumn();
      if (selectableId(ui, "exceptions", e.id, ui.selectedException)) {
        ui.selectedException = e.id;
        ui.forms.confirmRevoke = false;
        if (ui.writer) ui.writer->forget("exception-revoke");
      }
      ImGui::TableNextColumn();
      if (soon) flagChip("EXPIRING", statusColor(ControlStatus::Partial));
      else ImGui::TextUnformatted(label(e.state).data(), label(e.state).data() + label(e.state).size());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.scope.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.target.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.justification.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(e.approver.c_str());
      ImGui::TableNextColumn();
      if (e.state == ExceptionState::Valid) ImGui::Text("%s (%d d)", e.expiresAt.c_str(), e.daysLeft);
      else ImGui::TextUnformatted(e.expiresAt.c_str());
      if (greyed) ImGui::PopStyleColor();
    });
    ImGui::EndTable();
  }
  beginDetail();
  const ExceptionRow* selected = nullptr;
  for (const auto& e : reg.rows)
    if (e.id == ui.selectedException) selected = &e;
  if (selected) exceptionDetail(ui, *selected);
  else ImGui::TextDisabled("Select an exception for it in full%s.", ui.canEdit() ? " (and to revoke it)" : "");
  if (ui.canEdit()) {
    ImGui::Separator();
    ImGui::TextUnformatted("New exception");
    auto& form = ui.forms.exception;  // outlives selections
    if (takeSaved(ui, "exception-new") || form.fields.empty()) form = newExceptionForm();
    if (editForm(ui, "exception-new", form, true, "Add exception"))
      submitWrite(ui, "exception-new", "POST", "/api/v1/exceptions", newExceptionBody(ui, form));
  }
  endDetail();
}

}  // namespace annexa::dashboard
