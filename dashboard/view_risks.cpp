// Risk register: score = likelihood x impact with its level colour, treatment, linked controls, owner and due
// date; a mitigating treatment whose linked control fails in the fleet is flagged "treatment not effective" (an
// accepted risk is not: nothing is meant to treat it). The detail pane shows the risk in full; an admin edits
// it there (PUT /api/v1/risks/{id}) or records a new one (POST /api/v1/risks).
#include <imgui.h>

#include <cstdio>

#include "common/text.hpp"
#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

void effectiveness(const RiskRow& r) {
  if (r.treatment == "accept") {
    ImGui::TextDisabled("accepted risk");
  } else if (!treatmentNotEffective(r)) {
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
}

void riskDetail(UiState& ui, const RiskRow* r) {
  if (r) {
    ImGui::Text("Risk #%lld", static_cast<long long>(r->id));
    ImGui::SameLine();
    char score[48];
    std::snprintf(score, sizeof score, "%d %s (%dx%d)", r->score, label(r->level).data(), r->likelihood, r->impact);
    flagChip(score, riskLevelColor(r->level));
    ImGui::SameLine();
    effectiveness(*r);
    detailField("Title", r->title);
    track(ui, "risks:detail:title", r->title);
    if (treatmentNotEffective(*r)) detailField("Linked controls failing in the fleet", text::join(r->failingControls, ", "));
    if (r->residualScore > 0) detailField("Residual score", std::to_string(r->residualScore));
    ImGui::Separator();
  }
  const bool editable = ui.canEdit();
  const std::string key = ui.forms.newRisk ? "risk-new" : "risk";
  if (ui.forms.newRisk) {
    ImGui::TextUnformatted("New risk");
    if (takeSaved(ui, key)) ui.forms.newRisk = false;
    else if (ui.forms.risk.loadedFor.rfind("new", 0) != 0) ui.forms.risk = riskForm(RiskRow{});
  } else if (r) {
    reloadForm(ui, key, ui.forms.risk, riskForm(*r));
  }
  if (!ui.forms.newRisk && !r) return;
  if (editForm(ui, key, ui.forms.risk, editable, ui.forms.newRisk ? "Add risk" : "Save")) {
    if (ui.forms.newRisk) submitWrite(ui, key, "POST", "/api/v1/risks", filledFields(ui.forms.risk));
    else submitWrite(ui, key, "PUT", "/api/v1/risks/" + std::to_string(r->id), changedFields(ui.forms.risk));
  }
}

}  // namespace

void drawRisks(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& risks = ui.snapshot->isms->risks;
  editNote(ui, "risks (add, edit)");
  int ineffective = 0;
  for (const auto& r : risks) ineffective += treatmentNotEffective(r) ? 1 : 0;
  ImGui::Text("%zu risks;", risks.size());
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "%d with a treatment not effective",
                     ineffective);
  ImGui::SameLine();
  ImGui::TextDisabled("(levels: 1-4 low, 5-9 medium, 10-16 high, 17-25 critical)");
  if (ui.canEdit()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("New risk")) ui.forms.newRisk = true;
    track(ui, "risks:new");
  }

  beginMaster("risks-split", 0.38f);
  if (risks.empty()) ImGui::TextDisabled("No risks recorded.");
  else if (beginRegisterTable("risks", {{"ID"}, {"Risk", 1.0f}, {"Score (L x I)"}, {"Treatment"}, {"Controls"},
                                        {"Effective"}, {"Owner"}, {"Due"}})) {
    clippedRows(ui.riskRows, [&](std::uint32_t index) {  // one line per row: a register of thousands stays smooth
      const auto& r = risks[index];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (selectableId(ui, "risks", r.id, ui.selectedRisk)) {
        ui.selectedRisk = r.id;
        ui.forms.newRisk = false;
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.title.c_str());
      ImGui::TableNextColumn();
      char score[48];
      std::snprintf(score, sizeof score, "%d %s (%dx%d)", r.score, label(r.level).data(), r.likelihood, r.impact);
      flagChip(score, riskLevelColor(r.level));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.treatment.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.controlsText.empty() ? "-" : r.controlsText.c_str());
      ImGui::TableNextColumn();
      effectiveness(r);
      if (ui.tracker) track(ui, "risks:effective:" + std::to_string(r.id), treatmentNotEffective(r) ? "NOT EFFECTIVE" : "");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.owner.empty() ? "-" : r.owner.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.dueDate.empty() ? "-" : r.dueDate.c_str());
    });
    ImGui::EndTable();
  }
  beginDetail();
  const RiskRow* selected = nullptr;
  for (const auto& r : risks)
    if (r.id == ui.selectedRisk) selected = &r;
  if (!selected && !ui.forms.newRisk) ImGui::TextDisabled("Select a risk for it in full%s.", ui.canEdit() ? " and to edit it" : "");
  else riskDetail(ui, ui.forms.newRisk ? nullptr : selected);
  endDetail();
}

}  // namespace annexa::dashboard
