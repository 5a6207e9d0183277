// Annex A: the 93 controls as a filterable table; below it the selected control's host results, failing hosts
// first, in a sortable table, and a detail pane with the selected result's evidence and remediation in full.
#include <imgui.h>

#include "common/text.hpp"
#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

// A result's status as the fleet counts it: a failure under a valid exception is ACCEPTED, with its id.
void resultStatusCell(const UiState& ui, const ControlHost& host, const ResultRow& r, const std::string& control) {
  const DrillRank rank = drillRank(host, r);
  if (r.status == ResultStatus::Fail) {
    if (const auto* e = ui.cover.find(host.id, r.check, control)) acceptedBadge(*e);
    else resultBadge(ResultStatus::Fail);
    if (host.stale) {
      ImGui::SameLine();
      ImGui::TextDisabled("(stale: still counts)");
    }
    return;
  }
  if (rank == DrillRank::Stale) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)), "STALE");
    ImGui::SameLine();
    ImGui::TextDisabled("(last %s: no longer counts)", std::string(label(r.status)).c_str());
    return;
  }
  resultBadge(r.status);
}

void resultDetail(UiState& ui, const ControlDetail& detail) {
  const ControlHost* host = nullptr;
  const ResultRow* result = nullptr;
  for (const auto& h : detail.hosts)
    if (h.id == ui.selectedResultHost)
      for (const auto& r : h.results)
        if (r.check == ui.selectedResultCheck) host = &h, result = &r;
  if (!host || !result) {
    ImGui::TextDisabled("Select a row for its evidence and how to fix it.");
    return;
  }
  ImGui::TextUnformatted(host->hostname.c_str());
  track(ui, "annex-a:detail:host", host->hostname);
  ImGui::SameLine(0, scaled(12.0f));
  resultStatusCell(ui, *host, *result, detail.control.id);
  if (ImGui::Button("Open host detail")) {
    ui.selectHost(host->id);
    ui.switchTo = ViewId::Host;
  }
  track(ui, "annex-a:detail:open-host");
  detailField("Check", result->check + (result->title.empty() ? "" : "  -  " + result->title));
  detailField("Severity / controls / since",
              std::string(label(result->severity)) + "  /  " + result->controlsText + "  /  " + result->since);
  detailField("Message", result->message);
  ImGui::TextDisabled("Evidence");
  if (result->evidence.empty()) ImGui::TextDisabled("  none reported");
  ImGui::PushTextWrapPos(0.0f);
  for (const auto& e : result->evidence) {
    ImGui::BulletText("%s", e.source.c_str());
    ImGui::Indent(scaled(16.0f));
    ImGui::TextWrapped("observed: %s", e.observed.c_str());
    if (e.expected != e.observed) ImGui::TextWrapped("expected: %s", e.expected.c_str());
    ImGui::Unindent(scaled(16.0f));
  }
  ImGui::PopTextWrapPos();
  detailField("Remediation", result->remediation);
  track(ui, "annex-a:detail:remediation", result->remediation);
}

void hostResultsTable(UiState& ui, const ControlDetail& detail) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("control-hosts", 5, flags)) return;
  if (ui.controlResults.takeControlChanged()) {  // another control: from the top, nothing selected
    ImGui::SetScrollY(0.0f);
    ui.selectedResultHost.clear();
    ui.selectedResultCheck.clear();
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Host", ImGuiTableColumnFlags_WidthStretch, 1.0f, static_cast<ImGuiID>(ControlResultColumn::Host));
  ImGui::TableSetupColumn("Check", ImGuiTableColumnFlags_WidthStretch, 1.0f, static_cast<ImGuiID>(ControlResultColumn::Check));
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultSort, 0.0f,
                          static_cast<ImGuiID>(ControlResultColumn::Status));
  ImGui::TableSetupColumn("Severity", ImGuiTableColumnFlags_WidthFixed, 0.0f, static_cast<ImGuiID>(ControlResultColumn::Severity));
  ImGui::TableSetupColumn("Observed", ImGuiTableColumnFlags_WidthStretch, 1.6f, static_cast<ImGuiID>(ControlResultColumn::Message));
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0)
      ui.controlResults.setSort(static_cast<ControlResultColumn>(specs->Specs[0].ColumnUserID),
                                specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending);
    specs->SpecsDirty = false;
  }
  const auto& rows = ui.controlResults.rows();
  // Rows of equal height through a clipper: a control on 10,000 hosts stays smooth.
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const auto ref = rows[static_cast<std::size_t>(i)];
      const auto& host = detail.hosts[ref.host];
      const auto& r = host.results[ref.result];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      const bool selected = host.id == ui.selectedResultHost && r.check == ui.selectedResultCheck;
      if (ImGui::Selectable(host.hostname.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
        ui.selectedResultHost = host.id;
        ui.selectedResultCheck = r.check;
      }
      if (ui.tracker) track(ui, "annex-a:row:" + std::to_string(i), host.hostname + " " + r.check);
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.check.c_str());
      ImGui::TableNextColumn();
      resultStatusCell(ui, host, r, detail.control.id);
      ImGui::TableNextColumn();
      severityText(r.severity);
      ImGui::TableNextColumn();
      const std::string observed = r.status == ResultStatus::Fail ? observedText(r) : r.message;
      ImGui::TextUnformatted(observed.c_str());
    }
  }
  ImGui::EndTable();
}

void controlDetail(UiState& ui) {
  const auto& detail = ui.snapshot->control;
  if (ui.selectedControl.empty()) {
    ImGui::TextDisabled("Select a control to see its hosts, results and evidence.");
    return;
  }
  if (!detail || detail->control.id != ui.selectedControl) {
    ImGui::TextDisabled("Loading %s ...", ui.selectedControl.c_str());
    return;
  }
  const auto& c = detail->control;
  ImGui::Text("%s  %s", c.id.c_str(), c.title.c_str());
  ImGui::SameLine(0, scaled(20.0f));
  const bool excluded = ui.excluded.count(c.id) > 0;
  statusBadge(excluded ? ControlStatus::NotApplicable : c.status);
  track(ui, "annex-a:control", c.id);
  if (excluded) {
    ImGui::SameLine();
    ImGui::TextDisabled("excluded in the Statement of Applicability (fleet status: %s)", std::string(label(c.status)).c_str());
  }
  ImGui::TextDisabled("%s theme; ISO 27001:2013: %s; %s", c.theme.c_str(), c.iso2013Text.c_str(), controlHostCounts(c).c_str());
  if (c.status == ControlStatus::Accepted)
    ImGui::TextWrapped("Accepted: every failure on this control is covered by a valid exception (see Exceptions). "
                       "It is not passing; when the exception expires the failure counts again.");
  if (c.checks.empty()) {
    ImGui::TextWrapped("No check maps to this control: it is not evidenced by Annexa and needs a manual (documentary) control.");
    return;
  }
  if (detail->hosts.empty()) {
    ImGui::TextWrapped("No host has reported a result for the mapped checks (%s) yet.", text::join(c.checks, ", ").c_str());
    return;
  }
  beginMaster("control-split", 0.38f);
  hostResultsTable(ui, *detail);
  beginDetail();
  resultDetail(ui, *detail);
  endDetail();
}

}  // namespace

void drawAnnexA(UiState& ui) {
  if (!requireFleet(ui)) return;
  ImGui::SetNextItemWidth(scaled(240.0f));
  ImGui::InputTextWithHint("##filter", "filter: id, title, theme, 2013 id", ui.controlFilter, sizeof ui.controlFilter);
  ui.controls.setFilter(ui.controlFilter);
  for (const auto s : kAllControlStatuses) {
    ImGui::SameLine(0, scaled(10.0f));
    bool shown = ui.controls.statusShown(s);
    ImGui::PushID(static_cast<int>(s));
    if (ImGui::Checkbox("##shown", &shown)) ui.controls.setStatusShown(s, shown);
    ImGui::PopID();
    ImGui::SameLine(0, scaled(4.0f));
    statusBadge(s);
  }
  const auto& rows = ui.controls.rows();
  ImGui::SameLine(0, scaled(10.0f));
  ImGui::TextDisabled("%zu of %zu", rows.size(), ui.snapshot->fleet->controls.size());

  const float tableHeight = ImGui::GetContentRegionAvail().y * 0.42f;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("controls", 9, flags, ImVec2(0, tableHeight))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("ID");
    ImGui::TableSetupColumn("Title", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("2013");
    ImGui::TableSetupColumn("Applicable");
    ImGui::TableSetupColumn("Status");
    ImGui::TableSetupColumn("Hosts fail");
    ImGui::TableSetupColumn("pass");
    ImGui::TableSetupColumn("accepted");
    ImGui::TableSetupColumn("Checks");
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const auto& c = ui.controls.control(rows[static_cast<std::size_t>(i)]);
        const bool excluded = ui.excluded.count(c.id) > 0;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (ImGui::Selectable(c.id.c_str(), c.id == ui.selectedControl, ImGuiSelectableFlags_SpanAllColumns))
          ui.selectControl(c.id);
        if (ui.tracker) track(ui, "annex-a:control:" + c.id);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.title.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.iso2013Text.c_str());
        ImGui::TableNextColumn();
        if (excluded) ImGui::TextDisabled("excluded");
        else ImGui::TextUnformatted("yes");
        ImGui::TableNextColumn();
        statusBadge(ui.controls.status(c));
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsFailing);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsPassing);
        ImGui::TableNextColumn();
        ImGui::Text("%d", c.hostsAccepted);
        ImGui::TableNextColumn();
        ImGui::Text("%zu", c.checks.size());
        if (!c.checks.empty() && ImGui::IsItemHovered()) {
          ImGui::BeginTooltip();
          for (const auto& check : c.checks) ImGui::TextUnformatted(check.c_str());
          ImGui::EndTooltip();
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  controlDetail(ui);
}

}  // namespace annexa::dashboard
