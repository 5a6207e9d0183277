// Findings: failing results grouped by control and severity. Expanding a check lists every host failing it with
// the observed value, each a click to Host detail; a failure under a valid exception shows ACCEPTED with its id.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

// Every host failing the focused check (from the control's detail), one line each through a clipper.
void failingHostRows(UiState& ui, const FindingGroup& group, const FindingCheck& check) {
  const auto& detail = ui.snapshot->control;
  if (!detail || detail->control.id != group.controlId || ui.failingFor != detail.get()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Indent(scaled(40.0f));
    ImGui::TextDisabled("Loading the hosts failing %s ...", check.check.c_str());
    ImGui::Unindent(scaled(40.0f));
    return;
  }
  if (ui.failingHosts.empty()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Indent(scaled(40.0f));
    ImGui::TextDisabled("No host fails %s any more (the findings were computed before the last report).", check.check.c_str());
    ImGui::Unindent(scaled(40.0f));
    return;
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(ui.failingHosts.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const auto ref = ui.failingHosts[static_cast<std::size_t>(i)];
      const auto& host = detail->hosts[ref.host];
      const auto& r = host.results[ref.result];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Indent(scaled(40.0f));
      ImGui::PushID(i);
      if (ImGui::Selectable(host.hostname.c_str(), false)) {
        ui.selectHost(host.id);
        ui.switchTo = ViewId::Host;
      }
      if (ui.tracker) track(ui, "findings:host:" + host.hostname, observedText(r));
      ImGui::PopID();
      ImGui::SameLine();
      ImGui::TextDisabled("%s", observedText(r).c_str());
      ImGui::Unindent(scaled(40.0f));
      ImGui::TableNextColumn();
      const auto* acceptedBy = ui.cover.find(host.id, r.check, group.controlId);
      if (acceptedBy) acceptedBadge(*acceptedBy);
      else resultBadge(ResultStatus::Fail);
      if (ui.tracker) track(ui, "findings:status:" + host.hostname, acceptedBy ? acceptedLabel(*acceptedBy) : "FAIL");
      ImGui::TableNextColumn();
      if (host.stale) ImGui::TextDisabled("stale: still counts");
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.since.c_str());
    }
  }
}

void checkRow(UiState& ui, const FindingGroup& group, const FindingCheck& check) {
  const bool focused = ui.findingFocus.control == group.controlId && ui.findingFocus.check == check.check;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::Indent(scaled(20.0f));
  if (focused && ui.findingFocus.scroll) ImGui::SetNextItemOpen(true);
  const bool open = ImGui::TreeNodeEx(check.check.c_str(), ImGuiTreeNodeFlags_SpanFullWidth, "%s  %s", check.check.c_str(),
                                      check.title.c_str());
  if (ui.tracker) track(ui, "findings:check:" + group.controlId + ":" + check.check);
  if (focused && ui.findingFocus.scroll) {
    ImGui::SetScrollHereY(0.2f);
    ui.findingFocus.scroll = false;
  }
  if (ImGui::IsItemToggledOpen() && open) ui.openFinding(group.controlId, check.check), ui.switchTo.reset();
  ImGui::Unindent(scaled(20.0f));
  ImGui::TableNextColumn();
  severityText(check.severity);
  ImGui::TableNextColumn();
  if (const auto* e = ui.cover.wholeCheck(check.check, group.controlId)) {
    ImGui::Text("%d", check.hosts);
    ImGui::SameLine();
    acceptedBadge(*e);
  } else if (check.hostsStale > 0) {
    ImGui::Text("%d (%d stale)", check.hosts, check.hostsStale);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%d of these hosts are silent: their last known result fails, and still counts", check.hostsStale);
  } else {
    ImGui::Text("%d", check.hosts);
  }
  if (const auto perHost = ui.cover.perHost(check.check); !perHost.empty() && !ui.cover.wholeCheck(check.check, group.controlId)) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%zu host exception%s)", perHost.size(), perHost.size() == 1 ? "" : "s");
  }
  ImGui::TableNextColumn();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(check.firstSeen.c_str());
  if (!open) return;
  if (focused) {
    failingHostRows(ui, group, check);
  } else {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Indent(scaled(40.0f));
    if (ImGui::SmallButton("list the failing hosts")) ui.openFinding(group.controlId, check.check), ui.switchTo.reset();
    ImGui::Unindent(scaled(40.0f));
  }
  ImGui::TreePop();
}

}  // namespace

void drawFindings(UiState& ui) {
  if (!requireFleet(ui)) return;
  const auto& findings = ui.snapshot->fleet->findings;
  ImGui::TextUnformatted("Failing host-checks:");
  for (const auto& [severity, count] : findings.hostsBySeverity) {
    ImGui::SameLine(0, scaled(16.0f));
    severityText(severity);
    ImGui::SameLine(0, scaled(4.0f));
    ImGui::Text("%d", count);
  }
  ImGui::SameLine(0, scaled(16.0f));
  ImGui::TextDisabled("(accepted failures included: they show ACCEPTED with their exception)");
  ImGui::SetNextItemWidth(scaled(260.0f));
  ImGui::InputTextWithHint("##finding-filter", "filter: control or check", ui.findingFilter, sizeof ui.findingFilter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(scaled(160.0f));
  const char* severities[] = {"critical only", "high and above", "medium and above", "all severities"};
  ImGui::Combo("##min-severity", &ui.findingMinSeverity, severities, 4);
  ui.updateDerived();  // the filter may have changed this frame
  ImGui::SameLine();
  ImGui::TextDisabled("%zu groups; expand a check for its failing hosts", ui.findingGroups.size());

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("findings", 5, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Control / check / host", ImGuiTableColumnFlags_WidthStretch, 3.0f);
  ImGui::TableSetupColumn("Severity", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Hosts failing", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Checks", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("First seen", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableHeadersRow();
  for (std::size_t g = 0; g < ui.findingGroups.size(); ++g) {
    const auto& group = ui.findingGroups[g];
    ImGui::PushID(static_cast<int>(g));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (ui.findingFocus.scroll && ui.findingFocus.control == group.controlId)
      for (const auto& c : group.checks)
        if (c.check == ui.findingFocus.check) ImGui::SetNextItemOpen(true);
    const bool open = ImGui::TreeNodeEx("group", ImGuiTreeNodeFlags_SpanFullWidth, "%s  %s", group.controlId.c_str(),
                                        group.controlTitle.c_str());
    ImGui::TableNextColumn();
    severityText(group.severity);
    ImGui::TableNextColumn();
    ImGui::Text("up to %d", group.maxHosts);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%d failing host-checks in this group", group.hostChecks);
    ImGui::TableNextColumn();
    ImGui::Text("%zu", group.checks.size());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(group.firstSeen.c_str());
    if (open) {
      for (const auto& check : group.checks) checkRow(ui, group, check);
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
