// Trends: posture over time per theme (share of controls passing) and, for a chosen control, hosts
// passing and failing per day. Both from /api/v1/history.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawTrends(UiState& ui) {
  if (!requireFleet(ui)) return;
  const auto& fleet = *ui.snapshot->fleet;
  const float chartHeight = (ImGui::GetContentRegionAvail().y - 7.0f * ImGui::GetFrameHeightWithSpacing()) * 0.5f;

  ImGui::TextUnformatted("Applicable, evidenced controls passing per theme (last 30 days)");
  ImGui::SameLine();
  ImGui::TextDisabled("(controls the SoA excludes and controls no check evidences are left out; accepted ones never pass)");
  lineChart("themes", ui.themeChart, " %", std::max(scaled(120.0f), chartHeight));
  ImGui::Separator();

  ImGui::TextUnformatted("Control:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(scaled(420.0f));
  std::string preview = ui.selectedControl.empty() ? std::string("choose a control") : ui.selectedControl;
  for (const auto& c : fleet.controls)
    if (c.id == ui.selectedControl) preview = c.id + "  " + c.title;
  if (ImGui::BeginCombo("##control", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
    for (const auto& c : fleet.controls) {
      const std::string label = c.id + "  " + c.title + (ui.excluded.count(c.id) ? "  (excluded: N/A)" : "");
      if (ImGui::Selectable(label.c_str(), c.id == ui.selectedControl)) ui.selectControl(c.id);
    }
    ImGui::EndCombo();
  }
  const auto& history = ui.snapshot->controlHistory;
  if (ui.selectedControl.empty()) {
    ImGui::TextDisabled("Choose a control to see its hosts passing and failing over time.");
  } else if (!history || history->controlId != ui.selectedControl) {
    ImGui::TextDisabled("Loading history of %s ...", ui.selectedControl.c_str());
  } else {
    if (ui.excluded.count(ui.selectedControl))
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::NotApplicable)),
                         "N/A: the Statement of Applicability excludes %s; its hosts are shown for reference only.",
                         ui.selectedControl.c_str());
    lineChart("control", ui.controlChart, "", std::max(scaled(120.0f), chartHeight));
  }
}

}  // namespace annexa::dashboard
