// The register forms drawn with ImGui: one input per field, the collector's error next to the field it names,
// Save (or the form's action) that hands the write to the RegisterWriter. Models in edit_form.hpp.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cctype>

#include "common/text.hpp"
#include "dashboard/ui.hpp"

namespace annexa::dashboard {
namespace {

const ImVec4 kError(1.0f, 0.55f, 0.35f, 1.0f);

void input(FormField& f, bool editable) {
  ImGui::BeginDisabled(!editable);
  const std::string id = "##" + f.key;
  switch (f.kind) {
    case FieldKind::Flag: {
      bool on = f.value == "true";
      if (ImGui::Checkbox((f.label + id).c_str(), &on)) f.value = on ? "true" : "false";
      break;
    }
    case FieldKind::Choice:
      ImGui::SetNextItemWidth(scaled(200.0f));
      if (ImGui::BeginCombo(id.c_str(), f.value.c_str())) {
        for (const auto& c : f.choices)
          if (ImGui::Selectable(c.c_str(), c == f.value)) f.value = c;
        ImGui::EndCombo();
      }
      break;
    case FieldKind::Multiline:
      ImGui::InputTextMultiline(id.c_str(), &f.value, ImVec2(-1.0f, ImGui::GetTextLineHeight() * 3.6f));
      break;
    case FieldKind::Date:
      ImGui::SetNextItemWidth(scaled(140.0f));
      ImGui::InputTextWithHint(id.c_str(), "YYYY-MM-DD", &f.value);
      break;
    case FieldKind::Number:
      ImGui::SetNextItemWidth(scaled(80.0f));
      ImGui::InputText(id.c_str(), &f.value, ImGuiInputTextFlags_CharsDecimal);
      break;
    case FieldKind::Text:
    case FieldKind::List:
      ImGui::SetNextItemWidth(-1.0f);
      ImGui::InputText(id.c_str(), &f.value);
      break;
  }
  ImGui::EndDisabled();
}

}  // namespace

bool editForm(UiState& ui, const std::string& formKey, EditForm& form, bool editable, const char* action) {
  ImGui::PushID(formKey.c_str());
  const WriteOutcome outcome = ui.writer ? ui.writer->outcome(formKey) : WriteOutcome{};
  const std::string errorField =
      outcome.phase == WriteOutcome::Phase::Failed ? fieldOfError(form, outcome.error) : std::string();
  for (auto& f : form.fields) {
    if (f.kind != FieldKind::Flag) ImGui::TextDisabled("%s", f.label.c_str());
    input(f, editable);
    if (ui.tracker) track(ui, formKey + ":" + f.key);
    if (!errorField.empty() && errorField == f.key) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(kError, "%s", outcome.error.c_str());
      ImGui::PopTextWrapPos();
      if (ui.tracker) track(ui, formKey + ":error:" + f.key, outcome.error);
    }
  }
  bool pressed = false;
  if (editable) {
    ImGui::BeginDisabled(outcome.phase == WriteOutcome::Phase::Pending);
    pressed = ImGui::Button(action);
    if (ui.tracker) track(ui, formKey + ":save");
    ImGui::EndDisabled();
    ImGui::SameLine();
    switch (outcome.phase) {
      case WriteOutcome::Phase::Pending: ImGui::TextDisabled("writing to the collector ..."); break;
      case WriteOutcome::Phase::Done:
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(statusColor(ControlStatus::Passing)), "saved");
        if (ui.tracker) track(ui, formKey + ":saved");
        break;
      case WriteOutcome::Phase::Failed:
        if (errorField.empty()) {
          ImGui::PushTextWrapPos(0.0f);
          ImGui::TextColored(kError, "%s", outcome.error.c_str());
          ImGui::PopTextWrapPos();
          if (ui.tracker) track(ui, formKey + ":error", outcome.error);
        }
        break;
      case WriteOutcome::Phase::Idle: break;
    }
  }
  ImGui::PopID();
  return pressed;
}

// Ids in a route come from the collector's answers: never trust them blindly (no "..", no query, no spaces).
bool safeTarget(const std::string& target) {
  if (target.rfind("/api/v1/", 0) != 0 || target.size() > 200) return false;
  for (const auto& segment : text::split(std::string_view(target).substr(1), '/')) {
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (const char c : segment)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

void submitWrite(UiState& ui, const std::string& formKey, const char* method, const std::string& target,
                 const Result<nlohmann::json>& body) {
  if (!ui.writer) return;
  if (!body || !safeTarget(target)) {  // refused before it reaches the collector: shown like the collector's errors
    ui.writer->submit({formKey, "", "", body ? "refused: the id in " + text::printable(target) + " is not a plain id" : body.error()});
    return;
  }
  ui.writer->submit({formKey, method, target, body->dump()});
}

void reloadForm(UiState& ui, const std::string& formKey, EditForm& form, EditForm fresh) {
  if (form.loadedFor == fresh.loadedFor && !form.fields.empty()) return;
  const bool otherRow = formRow(form) != formRow(fresh);
  form = std::move(fresh);
  if (otherRow && ui.writer) ui.writer->forget(formKey);  // the same row saved and reloaded keeps its "saved"
}

bool takeSaved(UiState& ui, const std::string& formKey) {
  if (!ui.writer) return false;
  const auto outcome = ui.writer->outcome(formKey);
  if (outcome.phase != WriteOutcome::Phase::Done) return false;
  auto& seen = ui.forms.savedSeen[formKey];
  if (seen == outcome.sequence) return false;
  seen = outcome.sequence;
  return true;
}

}  // namespace annexa::dashboard
