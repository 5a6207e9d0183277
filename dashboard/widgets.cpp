// Shared widgets and the per-frame upkeep of UiState. Colours follow the Okabe-Ito palette (distinguishable
// with the common colour-vision deficiencies); every status also carries a shape and a word.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

constexpr float kPi = 3.14159265f;

// Draws the status shape in a square of the current line height and advances the cursor past it.
enum class Shape { Disc, Cross, HalfDisc, Ring, Dash, Triangle, Diamond };

void shape(Shape s, ImU32 color) {
  const float size = ImGui::GetTextLineHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 c(p.x + size * 0.5f, p.y + size * 0.5f);
  const float r = size * 0.38f;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  switch (s) {
    case Shape::Disc: draw->AddCircleFilled(c, r, color, 16); break;
    case Shape::Cross:
      draw->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), color, 2.5f);
      draw->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), color, 2.5f);
      break;
    case Shape::HalfDisc:
      draw->AddCircle(c, r, color, 16, 1.5f);
      draw->PathArcTo(c, r, kPi * 0.5f, kPi * 1.5f, 10);
      draw->PathFillConvex(color);
      break;
    case Shape::Ring: draw->AddCircle(c, r, color, 16, 1.5f); break;
    case Shape::Dash: draw->AddLine(ImVec2(c.x - r, c.y), ImVec2(c.x + r, c.y), color, 2.0f); break;
    case Shape::Diamond:  // outlined: accepted is neither a pass (disc) nor hidden
      draw->AddQuad(ImVec2(c.x, c.y - r * 1.15f), ImVec2(c.x + r * 1.15f, c.y), ImVec2(c.x, c.y + r * 1.15f),
                    ImVec2(c.x - r * 1.15f, c.y), color, 2.0f);
      draw->AddCircleFilled(c, r * 0.3f, color, 8);
      break;
    case Shape::Triangle:
      draw->AddTriangleFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y + r), ImVec2(c.x - r, c.y + r), color);
      break;
  }
  ImGui::Dummy(ImVec2(size, size));
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
}

void labelled(Shape s, ImU32 color, std::string_view text) {
  shape(s, color);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopStyleColor();
}

}  // namespace

float scaled(float pixels) { return pixels * ImGui::GetFontSize() / 13.0f; }

ImU32 statusColor(ControlStatus status) {
  switch (status) {
    case ControlStatus::Passing: return IM_COL32(86, 180, 233, 255);   // sky blue
    case ControlStatus::Failing: return IM_COL32(230, 97, 0, 255);     // vermillion
    case ControlStatus::Partial: return IM_COL32(240, 200, 60, 255);   // yellow
    case ControlStatus::NotEvidenced: return IM_COL32(165, 165, 165, 255);
    case ControlStatus::NotApplicable: return IM_COL32(105, 105, 105, 255);
    case ControlStatus::Accepted: return IM_COL32(0, 158, 115, 255);  // bluish green, hollow diamond
  }
  return IM_COL32_WHITE;
}

ImU32 resultColor(ResultStatus status) {
  switch (status) {
    case ResultStatus::Pass: return statusColor(ControlStatus::Passing);
    case ResultStatus::Fail: return statusColor(ControlStatus::Failing);
    case ResultStatus::Error: return IM_COL32(204, 121, 167, 255);  // reddish purple
    case ResultStatus::NotApplicable: return statusColor(ControlStatus::NotApplicable);
  }
  return IM_COL32_WHITE;
}

ImU32 severityColor(Severity severity) {
  switch (severity) {
    case Severity::Critical: return IM_COL32(230, 97, 0, 255);
    case Severity::High: return IM_COL32(240, 200, 60, 255);
    case Severity::Medium: return IM_COL32(200, 200, 200, 255);
    case Severity::Low: return IM_COL32(150, 150, 150, 255);
  }
  return IM_COL32_WHITE;
}

void statusBadge(ControlStatus status) {
  static constexpr Shape shapes[] = {Shape::Disc, Shape::Cross, Shape::HalfDisc, Shape::Ring, Shape::Dash, Shape::Diamond};
  labelled(shapes[static_cast<int>(status)], statusColor(status), label(status));
}

void resultBadge(ResultStatus status) {
  static constexpr Shape shapes[] = {Shape::Disc, Shape::Cross, Shape::Triangle, Shape::Dash};
  labelled(shapes[static_cast<int>(status)], resultColor(status), label(status));
}

void severityText(Severity severity) {
  const auto text = label(severity);
  ImGui::PushStyleColor(ImGuiCol_Text, severityColor(severity));
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopStyleColor();
}

bool requireFleet(const UiState& ui) {
  if (ui.snapshot && ui.snapshot->fleet) return true;
  ImGui::Spacing();
  const std::string why = ui.snapshot && !ui.snapshot->connection.lastError.empty()
                              ? "No data yet: " + ui.snapshot->connection.lastError
                              : std::string("Loading data from the collector ...");
  ImGui::TextWrapped("%s", why.c_str());
  track(ui, "no-data", why);
  return false;
}

bool requireIsms(const UiState& ui) {
  if (!requireFleet(ui)) return false;
  const auto& isms = ui.snapshot->isms;
  if (!isms) {
    ImGui::TextUnformatted("Loading the ISMS registers from the collector ...");
    return false;
  }
  if (!isms->error.empty())
    ImGui::TextColored(ImVec4(1.0f, 0.86f, 0.47f, 1.0f), "Not every register arrived: %s", isms->error.c_str());
  return true;
}

bool UiState::canEdit() const { return writer && writer->role() == OperatorRole::Admin; }

void editNote(const UiState& ui, const char* what) {
  const OperatorRole role = ui.writer ? ui.writer->role() : OperatorRole::Unknown;
  if (role == OperatorRole::Admin) {
    ImGui::TextDisabled("Connected as an admin: select a row to edit %s; changes are written to the collector.", what);
    track(ui, "edit-note", "admin");
  } else if (role == OperatorRole::Viewer) {
    ImGui::TextColored(ImVec4(1.0f, 0.86f, 0.47f, 1.0f), "Read-only: connected with a viewer certificate.");
    track(ui, "edit-note", "Read-only: connected with a viewer certificate.");
    ImGui::SameLine();
    ImGui::TextDisabled("An admin certificate edits %s here.", what);
  } else {
    ImGui::TextDisabled("Read-only: %s", ui.writer ? "finding out whether this certificate may edit ..."
                                                   : "no collector connection to write to.");
  }
}

void track(const UiState& ui, const std::string& name, std::string_view text) {
  if (!ui.tracker) return;
  const ImVec2 a = ImGui::GetItemRectMin();
  const ImVec2 b = ImGui::GetItemRectMax();
  (*ui.tracker)[name] = {a.x, a.y, b.x, b.y, std::string(text)};
}

bool selectableId(const UiState& ui, const char* view, std::int64_t id, std::int64_t selected) {
  char text[24];
  std::snprintf(text, sizeof text, "%lld", static_cast<long long>(id));
  const bool pressed = ImGui::Selectable(text, id == selected, ImGuiSelectableFlags_SpanAllColumns);
  if (ui.tracker) track(ui, std::string(view) + ":row:" + text);
  return pressed;
}

void detailField(const char* label, const std::string& value) {
  ImGui::TextDisabled("%s", label);
  ImGui::Indent(scaled(8.0f));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(value.empty() ? "-" : value.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Unindent(scaled(8.0f));
}

namespace {
bool masterSideBySide = true;  // the layout chosen by the last beginMaster (one master at a time)
}

void beginMaster(const char* id, float detailShare) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  masterSideBySide = avail.x >= scaled(1100.0f);
  ImGui::PushID(id);
  if (masterSideBySide) ImGui::BeginChild("master", ImVec2(avail.x * (1.0f - detailShare), 0), false);
  else ImGui::BeginChild("master", ImVec2(0, avail.y * (1.0f - detailShare)), false);
}

void beginDetail() {
  ImGui::EndChild();
  if (masterSideBySide) ImGui::SameLine();
  ImGui::BeginChild("detail", ImVec2(0, 0), true);
}

void endDetail() {
  ImGui::EndChild();
  ImGui::PopID();
}

void acceptedBadge(const ExceptionRow& exception) {
  statusBadge(ControlStatus::Accepted);
  ImGui::SameLine(0, scaled(4.0f));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Accepted)), "(exception #%lld)",
                     static_cast<long long>(exception.id));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Accepted by exception #%lld until %s: %s", static_cast<long long>(exception.id),
                      exception.expiresAt.c_str(), exception.justification.c_str());
}

ImU32 riskLevelColor(RiskLevel level) {
  switch (level) {
    case RiskLevel::Critical: return IM_COL32(230, 97, 0, 255);   // vermillion
    case RiskLevel::High: return IM_COL32(230, 159, 0, 255);      // orange
    case RiskLevel::Medium: return IM_COL32(240, 228, 66, 255);   // yellow
    case RiskLevel::Low: return IM_COL32(86, 180, 233, 255);      // sky blue
  }
  return IM_COL32_WHITE;
}

ImU32 readinessLevelColor(std::string_view level) {
  if (level == "well_prepared") return statusColor(ControlStatus::Accepted);  // bluish green
  if (level == "low_risk") return statusColor(ControlStatus::Passing);
  if (level == "moderate_risk") return statusColor(ControlStatus::Partial);
  return statusColor(ControlStatus::Failing);
}

void readyBadge(bool ready) {
  const ImU32 color = ready ? statusColor(ControlStatus::Passing) : statusColor(ControlStatus::Failing);
  const char* word = ready ? "READY" : "NOT READY";
  const float size = ImGui::GetTextLineHeight();
  const float pad = scaled(4.0f);
  const ImVec2 text = ImGui::CalcTextSize(word);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 end(p.x + pad * 3 + size + text.x, p.y + size + pad * 2);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRect(p, end, color, pad, 0, 2.0f);
  ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
  ImGui::BeginGroup();
  labelled(ready ? Shape::Disc : Shape::Cross, color, word);
  ImGui::EndGroup();
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(ImVec2(end.x - p.x, end.y - p.y));
}

bool beginRegisterTable(const char* id, std::initializer_list<TableColumn> columns, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable(id, static_cast<int>(columns.size()), flags, ImVec2(0, height))) return false;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const auto& c : columns)
    ImGui::TableSetupColumn(c.name, c.stretch > 0 ? ImGuiTableColumnFlags_WidthStretch : ImGuiTableColumnFlags_None, c.stretch);
  ImGui::TableHeadersRow();
  return true;
}

void clippedRows(const std::vector<std::uint32_t>& rows, const std::function<void(std::uint32_t)>& draw) {
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) draw(rows[static_cast<std::size_t>(i)]);
}

void flagChip(const char* text, ImU32 color) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float pad = scaled(3.0f);
  ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + size.x + pad * 2, p.y + size.y), color, pad);
  ImGui::GetWindowDrawList()->AddText(ImVec2(p.x + pad, p.y), IM_COL32(0, 0, 0, 255), text);
  ImGui::Dummy(ImVec2(size.x + pad * 2, size.y));
}

ImU32 seriesColor(int series) {
  static const ImU32 colors[] = {IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255), IM_COL32(0, 158, 115, 255),
                                 IM_COL32(204, 121, 167, 255), IM_COL32(240, 228, 66, 255)};
  return colors[series % 5];
}

void seriesMarker(int series, float x, float y, float r, ImU32 color) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  switch (series % 5) {
    case 0: draw->AddCircleFilled(ImVec2(x, y), r, color, 12); break;
    case 1: draw->AddRectFilled(ImVec2(x - r, y - r), ImVec2(x + r, y + r), color); break;
    case 2: draw->AddTriangleFilled(ImVec2(x, y - r * 1.2f), ImVec2(x + r, y + r), ImVec2(x - r, y + r), color); break;
    case 3: draw->AddQuadFilled(ImVec2(x, y - r * 1.3f), ImVec2(x + r * 1.3f, y), ImVec2(x, y + r * 1.3f), ImVec2(x - r * 1.3f, y), color); break;
    default:
      draw->AddLine(ImVec2(x - r, y - r), ImVec2(x + r, y + r), color, 2.0f);
      draw->AddLine(ImVec2(x - r, y + r), ImVec2(x + r, y - r), color, 2.0f);
  }
}

void lineChart(const char* id, const Chart& chart, const char* unit, float height) {
  ImGui::PushID(id);
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float lineH = ImGui::GetTextLineHeight();
  const float left = origin.x + ImGui::CalcTextSize("100 %").x + 8.0f;
  const float right = origin.x + width - 10.0f;
  const float top = origin.y + 6.0f;
  const float bottom = origin.y + height - lineH - 6.0f;
  draw->AddRectFilled(ImVec2(left, top), ImVec2(right, bottom), IM_COL32(30, 30, 36, 255));
  const float maxValue = chart.maxValue > 0 ? chart.maxValue : 1.0f;
  char text[64];
  for (int g = 0; g <= 4; ++g) {  // horizontal grid lines with their values
    const float y = bottom - (bottom - top) * static_cast<float>(g) / 4.0f;
    draw->AddLine(ImVec2(left, y), ImVec2(right, y), IM_COL32(70, 70, 80, 255));
    std::snprintf(text, sizeof text, "%.0f%s", maxValue * static_cast<float>(g) / 4.0f, unit);
    draw->AddText(ImVec2(origin.x, y - lineH * 0.5f), IM_COL32(170, 170, 170, 255), text);
  }
  const std::size_t n = chart.days.size();
  const auto xAt = [&](std::size_t i) {
    return n <= 1 ? (left + right) * 0.5f : left + (right - left) * static_cast<float>(i) / static_cast<float>(n - 1);
  };
  if (n > 0) {  // first and last day under the axis
    draw->AddText(ImVec2(left, bottom + 3.0f), IM_COL32(170, 170, 170, 255), chart.days.front().c_str());
    const float w = ImGui::CalcTextSize(chart.days.back().c_str()).x;
    if (n > 1) draw->AddText(ImVec2(right - w, bottom + 3.0f), IM_COL32(170, 170, 170, 255), chart.days.back().c_str());
  }
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const auto& values = chart.series[s].values;
    const ImU32 color = seriesColor(static_cast<int>(s));
    ImVec2 points[400];
    const std::size_t count = std::min<std::size_t>(values.size(), 400);
    for (std::size_t i = 0; i < count; ++i)
      points[i] = ImVec2(xAt(i), bottom - (bottom - top) * std::clamp(values[i] / maxValue, 0.0f, 1.0f));
    if (count > 1) draw->AddPolyline(points, static_cast<int>(count), color, 0, 2.0f);
    for (std::size_t i = 0; i < count; ++i) seriesMarker(static_cast<int>(s), points[i].x, points[i].y, 4.0f, color);
  }
  ImGui::Dummy(ImVec2(width, height));
  // Legend: marker + name, so lines are told apart by shape as well as colour.
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    if (s > 0) ImGui::SameLine(0, scaled(18.0f));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    seriesMarker(static_cast<int>(s), p.x + lineH * 0.5f, p.y + lineH * 0.5f, 4.0f, seriesColor(static_cast<int>(s)));
    ImGui::Dummy(ImVec2(lineH, lineH));
    ImGui::SameLine();
    ImGui::TextUnformatted(chart.series[s].name.c_str());
  }
  if (n == 1) ImGui::TextDisabled("Only one day recorded so far (%s); lines appear from the second day.", chart.days[0].c_str());
  if (n == 0) ImGui::TextDisabled("No history recorded yet.");
  ImGui::PopID();
}

// ---- UiState ------------------------------------------------------------------------------------------------

void UiState::selectControl(const std::string& id) {
  if (id == selectedControl) return;
  selectedControl = id;
  provider.selectControl(id);
}

void UiState::selectHost(const std::string& id) {
  if (id == selectedHost) return;
  selectedHost = id;
  provider.selectHost(id);
}

void UiState::openFinding(const std::string& control, const std::string& check) {
  findingFocus = {control, check, true};
  selectControl(control);  // its detail lists the failing hosts of the check
  switchTo = ViewId::Findings;
}

void UiState::updateIsms() {
  const IsmsData* isms = snapshot ? snapshot->isms.get() : nullptr;
  const FleetData* fleet = snapshot ? snapshot->fleet.get() : nullptr;
  if (isms && isms != ismsFor) {
    excluded = excludedControls(isms->soa);
    cover = ExceptionCover(isms->exceptions);
    themesFor = nullptr;
  }
  if (fleet && fleet != themesFor) {  // the theme counts as shown: excluded controls are N/A
    themesFor = fleet;
    shownThemes = themesWithExclusions(*fleet, excluded);
  }
  controls.setExcluded(excluded);
  if (!isms) return;
  if (isms != ismsFor) {
    ismsFor = isms;
    soaThemes.clear();
    for (const auto& r : isms->soa.rows)
      if (!r.theme.empty() && std::find(soaThemes.begin(), soaThemes.end(), r.theme) == soaThemes.end())
        soaThemes.push_back(r.theme);
    exceptionRows = exceptionOrder(isms->exceptions);
    riskRows = riskOrder(isms->risks);
    ncRows = ncOrder(isms->nonConformities);
    soaKey.text = "\x01";  // forces the SoA filter below
  }
  SoaFilter filter{soaText, soaTheme > 0 && soaTheme <= static_cast<int>(soaThemes.size()) ? soaThemes[soaTheme - 1] : "",
                   soaFlaggedOnly};
  if (!(filter == soaKey)) {
    soaKey = std::move(filter);
    soaRows = filterSoa(isms->soa, soaKey);
  }
}

void UiState::updateDerived() {
  const FleetData* fleet = snapshot ? snapshot->fleet.get() : nullptr;
  hosts.setData(snapshot ? snapshot->fleet : nullptr);
  controls.setData(snapshot ? snapshot->fleet : nullptr);
  if (fleet != derivedFor) {
    derivedFor = fleet;
    findingsKey.clear();
    if (fleet) {
      topFailing = topFailingChecks(fleet->findings, 10);
      dayChange = changeSinceYesterday(fleet->history);
      themeChart = themeTrend(fleet->history);
    }
  }
  const ControlHistory* history = snapshot ? snapshot->controlHistory.get() : nullptr;
  if (history != controlChartFor) {
    controlChartFor = history;
    if (history) controlChart = controlTrend(*history);
  }
  controlResults.setData(snapshot ? snapshot->control : nullptr);
  const ControlDetail* control = snapshot ? snapshot->control.get() : nullptr;
  if (control != failingFor || findingFocus.check != failingCheck) {
    failingFor = control;
    failingCheck = findingFocus.check;
    failingHosts.clear();
    if (control && control->control.id == findingFocus.control) failingHosts = failingHostsOf(*control, failingCheck);
  }
  const HostDetail* host = snapshot ? snapshot->host.get() : nullptr;
  if (host != hostOrderFor) {
    hostOrderFor = host;
    if (host) hostOrder = hostResultOrder(*host);
  }
  updateIsms();
  const std::string key = std::string(findingFilter) + "|" + std::to_string(findingMinSeverity);
  if (fleet && key != findingsKey) {
    findingsKey = key;
    findingGroups = groupFindings(fleet->findings, static_cast<Severity>(findingMinSeverity), findingFilter);
  }
}

}  // namespace annexa::dashboard
