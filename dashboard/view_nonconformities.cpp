// Non-conformities: major / minor / OFI, where each stands in its lifecycle, the corrective action's owner and
// due date; overdue ones come first and are flagged. The detail pane shows the selected one in full; an admin
// moves it through its lifecycle there (POST /api/v1/nonconformities/{id}/transition).
#include <imgui.h>

#include <cstdio>
#include <iterator>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

ImU32 kindColor(NcKind kind) {
  switch (kind) {
    case NcKind::Major: return statusColor(ControlStatus::Failing);
    case NcKind::Minor: return statusColor(ControlStatus::Partial);
    case NcKind::Ofi: return statusColor(ControlStatus::Passing);
  }
  return IM_COL32_WHITE;
}

// "open > root cause > [corrective action] > verification > closed": the current step bracketed and bright.
void lifecycle(const std::string& state) {
  const int at = ncStateIndex(state);
  if (at < 0) {
    ImGui::TextUnformatted(state.c_str());
    return;
  }
  for (int i = 0; i < static_cast<int>(std::size(kNcStates)); ++i) {
    if (i > 0) {
      ImGui::SameLine(0, 2.0f);
      ImGui::TextDisabled(">");
      ImGui::SameLine(0, 2.0f);
    }
    const auto name = std::string(kNcStates[static_cast<std::size_t>(i)]);
    if (i == at) ImGui::Text("[%s]", name.c_str());
    else ImGui::TextDisabled("%s", name.c_str());
  }
}

void ncDetail(UiState& ui, const NcRow& n) {
  ImGui::Text("Non-conformity #%lld", static_cast<long long>(n.id));
  ImGui::SameLine();
  flagChip(label(n.kind).data(), kindColor(n.kind));
  if (n.overdue) {
    ImGui::SameLine();
    flagChip("OVERDUE", statusColor(ControlStatus::Failing));
  }
  detailField("Title", n.title);
  track(ui, "nc:detail:title", n.title);
  if (!n.description.empty()) detailField("Description", n.description);
  detailField("Control", n.control);
  ImGui::TextDisabled("State");
  lifecycle(n.state);
  if (n.reopenCount > 0) ImGui::TextDisabled("reopened %d times", n.reopenCount);
  ImGui::Separator();
  if (!ui.canEdit()) {
    detailField("Root cause", n.rootCause);
    detailField("Corrective action", n.correctiveAction + (n.actionOwner.empty() ? "" : " (owner " + n.actionOwner + ", due " + n.actionDue + ")"));
    detailField("Verification", n.verification);
    return;
  }
  ImGui::TextUnformatted("Move it on");
  reloadForm(ui, "nc", ui.forms.nc, ncTransitionForm(n));
  if (editForm(ui, "nc", ui.forms.nc, true, "Apply transition"))
    submitWrite(ui, "nc", "POST", "/api/v1/nonconformities/" + std::to_string(n.id) + "/transition",
                filledFields(ui.forms.nc));
}

}  // namespace

void drawNonConformities(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& reg = ui.snapshot->isms->nonConformities;
  editNote(ui, "non-conformities (lifecycle transitions)");
  ImGui::Text("%zu non-conformities, %d open;", reg.rows.size(), reg.open);
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d overdue", reg.overdue);
  if (reg.rows.empty()) {
    ImGui::TextDisabled("No non-conformities recorded (see the proposals: GET /api/v1/nonconformities/proposals).");
    return;
  }
  beginMaster("nc-split", 0.38f);
  if (beginRegisterTable("ncs", {{"ID"}, {"Kind"}, {"Title", 1.0f}, {"Control"}, {"State"}, {"Owner"}, {"Due"}})) {
    clippedRows(ui.ncRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
      const auto& n = reg.rows[index];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (selectableId(ui, "nc", n.id, ui.selectedNc)) ui.selectedNc = n.id;
      ImGui::TableNextColumn();
      flagChip(label(n.kind).data(), kindColor(n.kind));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(n.title.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(n.control.empty() ? "-" : n.control.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(n.state.c_str());
      if (n.reopenCount > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(reopened %dx)", n.reopenCount);
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(n.actionOwner.empty() ? "-" : n.actionOwner.c_str());
      ImGui::TableNextColumn();
      if (n.overdue) flagChip(n.actionDue.empty() ? "OVERDUE" : ("OVERDUE " + n.actionDue).c_str(), statusColor(ControlStatus::Failing));
      else ImGui::TextUnformatted(n.actionDue.empty() ? "-" : n.actionDue.c_str());
    });
    ImGui::EndTable();
  }
  beginDetail();
  const NcRow* selected = nullptr;
  for (const auto& n : reg.rows)
    if (n.id == ui.selectedNc) selected = &n;
  if (selected) ncDetail(ui, *selected);
  else ImGui::TextDisabled("Select a non-conformity for it in full%s.", ui.canEdit() ? " and to move it on" : "");
  endDetail();
}

}  // namespace annexa::dashboard
