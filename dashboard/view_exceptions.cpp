// Exceptions (risk acceptances): what is accepted, why, by whom, until when. Those expiring within 30 days
// come first and are highlighted; expired and revoked ones are greyed (kept: the register is never rewritten).
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawExceptions(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& reg = ui.snapshot->isms->exceptions;
  readOnlyNote("Add or revoke with `annexa-collector exceptions add|revoke ...` or POST /api/v1/exceptions.");
  ImGui::Text("%zu exceptions;", reg.rows.size());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)), "%d expiring within %d days",
                     reg.expiringWithin30Days, kExpiringSoonDays);
  ImGui::SameLine();
  ImGui::TextDisabled("(a failure covered by a valid exception shows as ACCEPTED, never as passing)");
  if (reg.rows.empty()) {
    ImGui::TextDisabled("No exceptions recorded.");
    return;
  }
  if (!beginRegisterTable("exceptions", {{"ID"}, {"State"}, {"Scope"}, {"Target"}, {"Justification", 1.0f}, {"Approver"},
                                         {"Valid from"}, {"Expires"}}))
    return;
  const ImVec4 grey = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
  clippedRows(ui.exceptionRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
    const auto& e = reg.rows[index];
    const bool soon = expiringSoon(e);
    const bool greyed = inactive(e);
    ImGui::TableNextRow();
    if (soon) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(120, 95, 0, 120));
    if (greyed) ImGui::PushStyleColor(ImGuiCol_Text, grey);
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(e.id));
    ImGui::TableNextColumn();
    if (soon) flagChip("EXPIRING", statusColor(ControlStatus::Partial));
    else ImGui::TextUnformatted(label(e.state).data(), label(e.state).data() + label(e.state).size());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.scope.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.target.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.justification.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.justification.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.approver.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(e.validFrom.c_str());
    ImGui::TableNextColumn();
    if (e.state == ExceptionState::Valid) ImGui::Text("%s (%d d)", e.expiresAt.c_str(), e.daysLeft);
    else ImGui::TextUnformatted(e.expiresAt.c_str());
    if (greyed) ImGui::PopStyleColor();
  });
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
