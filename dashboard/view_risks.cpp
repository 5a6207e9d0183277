// Risk register: score = likelihood x impact with its level colour, treatment, linked controls, owner and due
// date; a treatment whose linked control fails in the fleet is flagged "treatment not effective".
#include <imgui.h>

#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawRisks(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& risks = ui.snapshot->isms->risks;
  readOnlyNote("Add or edit with `annexa-collector risks add|set ...` or POST/PUT /api/v1/risks.");
  int ineffective = 0;
  for (const auto& r : risks) ineffective += r.treatmentEffective ? 0 : 1;
  ImGui::Text("%zu risks;", risks.size());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d with a treatment not effective",
                     ineffective);
  ImGui::SameLine();
  ImGui::TextDisabled("(levels: 1-4 low, 5-9 medium, 10-16 high, 17-25 critical)");
  if (risks.empty()) {
    ImGui::TextDisabled("No risks recorded.");
    return;
  }
  if (!beginRegisterTable("risks", {{"ID"}, {"Risk", 1.0f}, {"Score (L x I)"}, {"Treatment"}, {"Controls"}, {"Effective"},
                                    {"Owner"}, {"Due"}}))
    return;
  clippedRows(ui.riskRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
    const auto& r = risks[index];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(r.id));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.title.c_str());
    ImGui::TableNextColumn();
    char score[48];
    std::snprintf(score, sizeof score, "%d %s (%dx%d)", r.score, label(r.level).data(), r.likelihood, r.impact);
    flagChip(score, riskLevelColor(r.level));
    if (r.residualScore > 0 && ImGui::IsItemHovered()) ImGui::SetTooltip("residual score %d", r.residualScore);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.treatment.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.controlsText.empty() ? "-" : r.controlsText.c_str());
    ImGui::TableNextColumn();
    if (r.treatmentEffective) {
      ImGui::TextDisabled("yes");
    } else {
      flagChip("NOT EFFECTIVE", statusColor(ControlStatus::Failing));
      if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::TextUnformatted("Treatment not effective: linked controls failing in the fleet:");
        for (const auto& c : r.failingControls) ImGui::BulletText("%s", c.c_str());
        ImGui::EndTooltip();
      }
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.owner.empty() ? "-" : r.owner.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.dueDate.empty() ? "-" : r.dueDate.c_str());
  });
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
