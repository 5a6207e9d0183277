// Non-conformities: major / minor / OFI, where each stands in its lifecycle, the corrective action's owner and
// due date; overdue ones come first and are flagged.
#include <imgui.h>

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

}  // namespace

void drawNonConformities(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& reg = ui.snapshot->isms->nonConformities;
  readOnlyNote("Record and move them with `annexa-collector nc add|transition ...` or POST /api/v1/nonconformities.");
  ImGui::Text("%zu non-conformities, %d open;", reg.rows.size(), reg.open);
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d overdue", reg.overdue);
  if (reg.rows.empty()) {
    ImGui::TextDisabled("No non-conformities recorded (see the proposals: GET /api/v1/nonconformities/proposals).");
    return;
  }
  if (!beginRegisterTable("ncs", {{"ID"}, {"Kind"}, {"Title", 1.0f}, {"Control"}, {"State"}, {"Corrective action owner"},
                                  {"Due"}, {"Overdue"}}))
    return;
  clippedRows(ui.ncRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
    const auto& n = reg.rows[index];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(n.id));
    ImGui::TableNextColumn();
    flagChip(label(n.kind).data(), kindColor(n.kind));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(n.title.c_str());
    if (!n.correctiveAction.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("Corrective action: %s", n.correctiveAction.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(n.control.empty() ? "-" : n.control.c_str());
    ImGui::TableNextColumn();
    lifecycle(n.state);
    if (n.reopenCount > 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("(reopened %dx)", n.reopenCount);
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(n.actionOwner.empty() ? "-" : n.actionOwner.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(n.actionDue.empty() ? "-" : n.actionDue.c_str());
    ImGui::TableNextColumn();
    if (n.overdue) flagChip("OVERDUE", statusColor(ControlStatus::Failing));
    else ImGui::TextDisabled("no");
  });
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
