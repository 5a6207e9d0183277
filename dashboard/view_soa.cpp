// Statement of Applicability: the 93 Annex A controls with applicability, justification, implementation, owner
// and the fleet's evidence; rows applicable but evidenced by nothing stand out. The detail pane shows the
// selected row in full and, for an admin, edits it (PUT /api/v1/soa/{control}) and adds manual evidence.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

void soaDetail(UiState& ui, const SoaRow& r) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::Text("%s  %s", r.control.c_str(), r.title.c_str());
  ImGui::PopTextWrapPos();
  track(ui, "soa:detail:title", r.title);
  ImGui::TextDisabled("%s theme; fleet:", r.theme.c_str());
  ImGui::SameLine();
  statusBadge(r.applicable ? r.fleetStatus : ControlStatus::NotApplicable);
  ImGui::TextDisabled("%d mapped checks; %s; %s", r.checks, r.notReviewed ? "not reviewed" : ("reviewed " + r.reviewedAt).c_str(),
                      r.updatedBy.empty() ? "never edited" : ("last edited by " + r.updatedBy).c_str());
  if (r.manualEvidenceText.empty()) detailField("Manual evidence", "none recorded");
  else ImGui::TextDisabled("Manual evidence");
  for (const auto& e : r.manualEvidenceText) ImGui::BulletText("%s", e.c_str());
  ImGui::Separator();
  const bool editable = ui.canEdit();
  reloadForm(ui, "soa", ui.forms.soa, soaForm(r));
  if (editForm(ui, "soa", ui.forms.soa, editable))
    submitWrite(ui, "soa", "PUT", "/api/v1/soa/" + r.control, changedFields(ui.forms.soa));
  if (!editable) return;
  ImGui::Separator();
  ImGui::TextUnformatted("Add manual evidence");
  if (takeSaved(ui, "soa-evidence") || ui.forms.evidence.fields.empty()) ui.forms.evidence = soaEvidenceForm();
  if (editForm(ui, "soa-evidence", ui.forms.evidence, true, "Add evidence"))
    submitWrite(ui, "soa-evidence", "POST", "/api/v1/soa/" + r.control + "/evidence", filledFields(ui.forms.evidence));
}

}  // namespace

void drawSoa(UiState& ui) {
  if (!requireIsms(ui)) return;
  const auto& soa = ui.snapshot->isms->soa;
  editNote(ui, "applicability, justification, implementation, owner and evidence");
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

  beginMaster("soa-split", 0.36f);
  const SoaRow* selected = nullptr;
  // Titles get the room: the justification (often empty) stretches less, flags are one chip, the rest fits its text.
  if (beginRegisterTable("soa", {{"Control"}, {"Title", 2.0f}, {"Applicable"}, {"Justification", 0.5f}, {"Implementation"},
                                 {"Owner"}, {"Fleet"}, {"Reviewed"}, {"Flag"}})) {
    clippedRows(ui.soaRows, [&](std::uint32_t index) {
      const auto& r = soa.rows[index];
      ImGui::TableNextRow();
      if (r.noEvidence) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(90, 40, 0, 110));
      ImGui::TableNextColumn();
      if (ImGui::Selectable(r.control.c_str(), r.control == ui.selectedSoa, ImGuiSelectableFlags_SpanAllColumns))
        ui.selectedSoa = r.control;
      if (ui.tracker) track(ui, "soa:row:" + r.control);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.title.c_str());
      ImGui::TableNextColumn();
      if (r.applicable) ImGui::TextUnformatted("yes");
      else ImGui::TextDisabled("excluded");
      ImGui::TableNextColumn();
      if (r.justification.empty()) ImGui::TextDisabled("-");
      else ImGui::TextUnformatted(r.justification.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.implementation.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.owner.empty() ? "-" : r.owner.c_str());
      ImGui::TableNextColumn();
      statusBadge(r.applicable ? r.fleetStatus : ControlStatus::NotApplicable);
      ImGui::TableNextColumn();
      if (r.notReviewed) ImGui::TextDisabled("no");
      else ImGui::TextUnformatted(r.reviewedAt.c_str());
      ImGui::TableNextColumn();
      if (r.noEvidence) flagChip("NO EVIDENCE", statusColor(ControlStatus::Failing));
    });
    ImGui::EndTable();
  }
  for (const auto& r : soa.rows)
    if (r.control == ui.selectedSoa) selected = &r;
  beginDetail();
  if (selected) soaDetail(ui, *selected);
  else ImGui::TextDisabled("Select a control for its row in full%s.", ui.canEdit() ? " and to edit it" : "");
  endDetail();
}

}  // namespace annexa::dashboard
