// Host detail: every check result of one host, failing first: status, controls, observed vs expected evidence,
// and how to fix it.
#include <imgui.h>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {

void drawHostDetail(UiState& ui) {
  if (!requireFleet(ui)) return;
  if (ui.selectedHost.empty()) {
    ImGui::TextDisabled("Select a host in the Hosts view (or a host of a control in Annex A).");
    return;
  }
  const auto& detail = ui.snapshot->host;
  if (!detail || detail->host.id != ui.selectedHost) {
    ImGui::TextDisabled("Loading host %s ...", ui.selectedHost.c_str());
    return;
  }
  const auto& h = detail->host;
  ImGui::Text("%s", h.hostname.c_str());
  ImGui::SameLine(0, scaled(20.0f));
  if (h.revoked) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Failing)), "REVOKED");
  else if (h.stale) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Partial)), "STALE (last known results: failures still count, passes no longer do)");
  else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Passing)), "REPORTING");
  ImGui::TextDisabled("%s | kernel %s | agent %s | last seen %s | enrolled %s | id %s", h.os.c_str(), detail->kernel.c_str(),
                      detail->agentVersion.c_str(), h.lastSeenText.c_str(), detail->enrolledAt.c_str(), h.id.c_str());
  int accepted = 0;
  for (const auto& r : detail->results)
    accepted += r.status == ResultStatus::Fail && ui.cover.findForAll(h.id, r.check, r.controls) ? 1 : 0;
  ImGui::Text("%d pass, %d fail (%d of them accepted by an exception), %d error, %d not applicable", h.pass, h.fail,
              accepted, h.error, h.notApplicable);
  ImGui::Separator();

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("results", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Check", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("Severity", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("Controls", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn("Evidence: observed / expected", ImGuiTableColumnFlags_WidthStretch, 2.6f);
  ImGui::TableSetupColumn("Remediation", ImGuiTableColumnFlags_WidthStretch, 1.8f);
  ImGui::TableHeadersRow();
  for (const auto index : ui.hostOrder) {
    const auto& r = detail->results[index];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const ExceptionRow* acceptedBy = r.status == ResultStatus::Fail ? ui.cover.findForAll(h.id, r.check, r.controls) : nullptr;
    if (acceptedBy) {
      acceptedBadge(*acceptedBy);
    } else {
      resultBadge(r.status);
      if (r.status == ResultStatus::Fail)  // accepted for some of its controls only: still failing on the others
        for (const auto& control : r.controls)
          if (const auto* e = ui.cover.find(h.id, r.check, control))
            ImGui::TextDisabled("accepted for %s (#%lld)", control.c_str(), static_cast<long long>(e->id));
    }
    if (ui.tracker) track(ui, "host:status:" + r.check, acceptedBy ? acceptedLabel(*acceptedBy) : std::string(label(r.status)));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.check.c_str());
    ImGui::TextWrapped("%s", r.message.c_str());
    ImGui::TableNextColumn();
    severityText(r.severity);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", r.controlsText.c_str());
    ImGui::TableNextColumn();
    for (const auto& e : r.evidence) {
      ImGui::TextDisabled("%s", e.source.c_str());
      ImGui::TextWrapped("  %s", e.observed.c_str());
      if (e.observed != e.expected) ImGui::TextWrapped("  want: %s", e.expected.c_str());
    }
    ImGui::TableNextColumn();
    if (r.remediation.empty()) ImGui::TextDisabled("-");
    else ImGui::TextWrapped("%s", r.remediation.c_str());
  }
  ImGui::EndTable();
}

}  // namespace annexa::dashboard
