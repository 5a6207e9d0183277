// Certification readiness: the score out of 27 with its band, and the 7 areas with their items (met / not met /
// stale attestation), each with the fleet evidence or the attestation behind it. The detail pane shows the
// selected item; an admin attests it there (PUT /api/v1/readiness/{item}) and sets the audit calendar.
#include <imgui.h>

#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

void itemState(const ReadinessItem& item) {
  if (item.met) flagChip("MET", statusColor(ControlStatus::Passing));
  else if (item.stale) flagChip("STALE ATTESTATION", statusColor(ControlStatus::Partial));
  else flagChip("NOT MET", statusColor(ControlStatus::Failing));
}

void itemDetail(UiState& ui, const ReadinessItem& item) {
  detailField(item.area.c_str(), item.title);
  itemState(item);
  ImGui::SameLine();
  ImGui::TextDisabled("%s (%s)", item.computed ? "computed from the fleet" : "needs an attestation", item.id.c_str());
  detailField("Evidence or attestation", item.evidence);
  if (!item.note.empty()) detailField("Note", item.note);
  if (item.computed || !ui.canEdit()) return;
  ImGui::TextUnformatted("Attest");
  reloadForm(ui, "attestation", ui.forms.attestation, attestationForm(item));
  if (editForm(ui, "attestation", ui.forms.attestation, true, "Record attestation"))
    submitWrite(ui, "attestation", "PUT", "/api/v1/readiness/" + item.id, filledFields(ui.forms.attestation));
}

void calendarSection(UiState& ui) {
  const auto& calendar = ui.snapshot->isms->calendar;
  ImGui::TextUnformatted("Audit calendar");
  if (!calendar.received) {
    ImGui::TextDisabled("not available from this collector (GET /api/v1/calendar)");
    return;
  }
  if (!calendar.updatedAt.empty()) ImGui::TextDisabled("saved %s by %s", calendar.updatedAt.c_str(), calendar.updatedBy.c_str());
  reloadForm(ui, "calendar", ui.forms.calendar, calendarForm(calendar));
  if (editForm(ui, "calendar", ui.forms.calendar, ui.canEdit()))
    submitWrite(ui, "calendar", "PUT", "/api/v1/calendar", changedFields(ui.forms.calendar));
}

}  // namespace

void drawReadiness(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& r = ui.snapshot->isms->readiness;
  editNote(ui, "attestations and the audit calendar");
  if (r.areas.empty()) {
    ImGui::TextDisabled("No readiness assessment received.");
    return;
  }
  const ImU32 band = readinessLevelColor(r.level);
  char score[32];
  std::snprintf(score, sizeof score, "%d / %d", r.score, r.maxScore);
  ImGui::SetWindowFontScale(1.6f);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(band), "%s", score);
  ImGui::SetWindowFontScale(1.0f);
  ImGui::SameLine(0, scaled(16.0f));
  ImGui::AlignTextToFramePadding();
  std::string level = r.level;  // "high_risk" → "high risk"
  for (auto& c : level)
    if (c == '_') c = ' ';
  flagChip(level.c_str(), band);
  ImGui::SameLine();
  ImGui::TextUnformatted(r.assessment.c_str());
  ImGui::PushTextWrapPos(0.0f);
  const std::string legend = "Bands: " + bandsLegend(r.bands) +
                             ". Six items are computed from the fleet (met when >= 95 % of in-scope hosts pass); the "
                             "others need an attestation, stale after 12 months.";
  ImGui::TextDisabled("%s", legend.c_str());
  track(ui, "readiness:legend", legend);
  ImGui::PopTextWrapPos();
  ImGui::Separator();

  beginMaster("readiness-split", 0.4f);
  const ReadinessItem* selected = nullptr;
  if (beginRegisterTable("readiness", {{"Item", 1.0f}, {"State"}, {"Basis"}, {"Evidence or attestation", 1.3f}})) {
    for (const auto& area : r.areas) {
      ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
      ImGui::TableNextColumn();
      ImGui::Text("%s  (%d of %zu met)", area.name.c_str(), area.met, area.items.size());
      for (const auto& item : area.items) {
        if (item.id == ui.selectedReadiness) selected = &item;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Indent();
        if (ImGui::Selectable(item.title.c_str(), item.id == ui.selectedReadiness, ImGuiSelectableFlags_SpanAllColumns))
          ui.selectedReadiness = item.id;
        if (ui.tracker) track(ui, "readiness:row:" + item.id);
        ImGui::Unindent();
        ImGui::TableNextColumn();
        itemState(item);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(item.computed ? "fleet" : "attestation");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(item.evidence.c_str());
      }
    }
    ImGui::EndTable();
  }
  beginDetail();
  if (selected) itemDetail(ui, *selected);
  else ImGui::TextDisabled("Select an item for it in full%s.", ui.canEdit() ? " and to attest it" : "");
  ImGui::Separator();
  calendarSection(ui);
  endDetail();
}

}  // namespace annexa::dashboard
