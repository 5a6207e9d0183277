// Certification readiness: the score out of 27 with its band and text, and the 7 areas with their items
// (met / not met / stale attestation), each with the fleet evidence or the attestation behind it.
#include <imgui.h>

#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

ImU32 bandColor(const Readiness& r) { return readinessLevelColor(r.level); }

void itemState(const ReadinessItem& item) {
  if (item.met) flagChip("MET", statusColor(ControlStatus::Passing));
  else if (item.stale) flagChip("STALE ATTESTATION", statusColor(ControlStatus::Partial));
  else flagChip("NOT MET", statusColor(ControlStatus::Failing));
}

}  // namespace

void drawReadiness(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& r = ui.snapshot->isms->readiness;
  readOnlyNote("Attest items with `annexa-collector readiness attest ...` or PUT /api/v1/readiness/{item}.");
  if (r.areas.empty()) {
    ImGui::TextDisabled("No readiness assessment received.");
    return;
  }
  char score[32];
  std::snprintf(score, sizeof score, "%d / %d", r.score, r.maxScore);
  ImGui::SetWindowFontScale(1.6f);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(bandColor(r)), "%s", score);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine(0, scaled(16.0f));
  ImGui::AlignTextToFramePadding();
  std::string level = r.level;  // "high_risk" → "high risk"
  for (auto& c : level)
    if (c == '_') c = ' ';
  flagChip(level.c_str(), bandColor(r));
  ImGui::SameLine();
  ImGui::TextUnformatted(r.assessment.c_str());
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled("Bands: 0-14 high risk, 15-21 moderate risk, 22-27 low risk. Six items are computed from the fleet "
                      "(met when >= 95 %% of in-scope hosts pass); the others need an attestation, stale after 12 months.");
  ImGui::PopTextWrapPos();
  ImGui::Separator();

  if (!beginRegisterTable("readiness", {{"Item", 1.0f}, {"State"}, {"Basis"}, {"Evidence or attestation", 1.3f}})) return;
  for (const auto& area : r.areas) {
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    ImGui::TableNextColumn();
    ImGui::Text("%s  (%d of %zu met)", area.name.c_str(), area.met, area.items.size());
    for (const auto& item : area.items) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Indent();
      ImGui::TextUnformatted(item.title.c_str());
      ImGui::Unindent();
      ImGui::TableNextColumn();
      itemState(item);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(item.computed ? "fleet" : "attestation");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(item.evidence.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %s", item.id.c_str(), item.note.c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
