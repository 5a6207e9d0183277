// Statement of Applicability: the 93 Annex A controls with applicability, justification, implementation,
// owner, the fleet's evidence and manual evidence; rows that are applicable but evidenced by nothing stand out.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawSoa(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& soa = ui.snapshot->isms->soa;
  readOnlyNote("Edit rows with `annexa-collector soa set|evidence ...` or PUT /api/v1/soa/{control}.");
  ImGui::Text("%d applicable, %d excluded;", soa.applicable, soa.excluded);
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d applicable with no evidence",
                     soa.noEvidence);
  ImGui::SameLine();
  ImGui::TextDisabled("; %d without a justification", soa.justificationMissing);

  ImGui::SetNextItemWidth(scaled(240.0f));
  ImGui::InputTextWithHint("##soa-filter", "filter: control, title, owner, justification", ui.soaText, sizeof ui.soaText);
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::SetNextItemWidth(scaled(150.0f));
  const char* current = ui.soaTheme == 0 || ui.soaTheme > static_cast<int>(ui.soaThemes.size())
                            ? "all themes"
                            : ui.soaThemes[static_cast<std::size_t>(ui.soaTheme - 1)].c_str();
  if (ImGui::BeginCombo("##soa-theme", current)) {
    if (ImGui::Selectable("all themes", ui.soaTheme == 0)) ui.soaTheme = 0;
    for (std::size_t i = 0; i < ui.soaThemes.size(); ++i)
      if (ImGui::Selectable(ui.soaThemes[i].c_str(), ui.soaTheme == static_cast<int>(i + 1))) ui.soaTheme = static_cast<int>(i + 1);
    ImGui::EndCombo();
  }
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::Checkbox("applicable, no evidence only", &ui.soaFlaggedOnly);
  ImGui::SameLine(0, scaled(14.0f));
  ImGui::TextDisabled("%zu of %zu controls", ui.soaRows.size(), soa.rows.size());

  if (!beginRegisterTable("soa", {{"Control"}, {"Title", 1.2f}, {"Applicable"}, {"Justification", 1.4f}, {"Implementation"},
                                  {"Owner"}, {"Fleet evidence"}, {"Manual"}, {"Flags"}}))
    return;
  clippedRows(ui.soaRows, [&](std::uint32_t index) {
    const auto& r = soa.rows[index];
    ImGui::TableNextRow();
    if (r.noEvidence) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(90, 40, 0, 110));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.control.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.title.c_str());
    ImGui::TableNextColumn();
    if (r.applicable) ImGui::TextUnformatted("yes");
    else ImGui::TextDisabled("excluded");
    ImGui::TableNextColumn();
    if (r.justification.empty()) ImGui::TextDisabled("-");
    else ImGui::TextUnformatted(r.justification.c_str());
    if (!r.justification.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.justification.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.implementation.c_str());
    ImGui::TableNextColumn();
    if (r.owner.empty()) ImGui::TextDisabled("-");
    else ImGui::TextUnformatted(r.owner.c_str());
    ImGui::TableNextColumn();
    statusBadge(r.fleetStatus);
    ImGui::TableNextColumn();
    ImGui::Text("%d", r.manualEvidence);
    ImGui::TableNextColumn();
    if (r.noEvidence) {
      flagChip("NO EVIDENCE", statusColor(ControlStatus::Failing));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Applicable, but no host reports a mapped check and no manual evidence is recorded.");
      ImGui::SameLine();
    }
    if (r.notReviewed) ImGui::TextDisabled("not reviewed");
    else ImGui::TextDisabled("reviewed %s", r.reviewedAt.c_str());
    if (r.justificationMissing) {
      ImGui::SameLine();
      ImGui::TextDisabled("no justification");
    }
  });
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
