#include "common/catalog.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "common/json.hpp"
#include "common/text.hpp"
#include "common/text_file.hpp"

namespace annexa {
namespace {

// "A.5.1" … "A.8.34": theme by clause number, and the highest control number per clause.
struct ThemeRange {
  int clause;
  const char* theme;
  int lastControl;
};
constexpr ThemeRange kThemeRanges[] = {
    {5, "Organizational", 37}, {6, "People", 8}, {7, "Physical", 14}, {8, "Technological", 34}};

bool parseControlId(std::string_view id, int& clause, int& number) {
  if (!text::startsWith(id, "A.")) return false;
  const auto parts = text::split(id.substr(2), '.');
  long long c = 0;
  long long n = 0;
  if (parts.size() != 2 || !text::parseInt(parts[0], c) || !text::parseInt(parts[1], n)) return false;
  clause = static_cast<int>(c);
  number = static_cast<int>(n);
  return true;
}

Result<std::vector<std::string>> stringArray(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return std::vector<std::string>{};
  if (!it->is_array()) return makeError(where + ": \"" + key + "\" must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) return makeError(where + ": \"" + key + "\" must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::string> requiredString(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
    return makeError(where + ": missing \"" + key + "\"");
  return it->get<std::string>();
}

}  // namespace

const std::vector<std::string>& Catalog::themes() {
  static const std::vector<std::string> names = {"Organizational", "People", "Physical", "Technological"};
  return names;
}

std::string Catalog::themeOf(std::string_view controlId) {
  int clause = 0;
  int number = 0;
  if (!parseControlId(controlId, clause, number)) return {};
  for (const auto& range : kThemeRanges)
    if (range.clause == clause && number >= 1 && number <= range.lastControl) return range.theme;
  return {};
}

Result<Catalog> Catalog::parse(std::string_view jsonText) {
  auto parsed = parseJson(jsonText);
  if (!parsed) return makeError("catalog: " + parsed.error());
  const auto& root = *parsed;
  if (!root.is_object() || !root.contains("controls") || !root["controls"].is_array())
    return makeError("catalog: expected an object with a \"controls\" array");

  Catalog catalog;
  // The 2013 controls first, so control rows can be checked against them.
  if (const auto legacy = root.find("iso2013_controls"); legacy != root.end()) {
    if (!legacy->is_array()) return makeError("catalog: \"iso2013_controls\" must be an array");
    for (const auto& item : *legacy) {
      if (!item.is_object()) return makeError("catalog: iso2013_controls entries must be objects");
      auto id = requiredString(item, "id", "catalog iso2013 entry");
      if (!id) return makeError(id.error());
      auto title = requiredString(item, "title", "catalog iso2013 " + *id);
      if (!title) return makeError(title.error());
      if (!catalog.legacyIndex_.emplace(*id, catalog.legacy_.size()).second)
        return makeError("catalog: duplicate 2013 control " + *id);
      catalog.legacy_.push_back({std::move(*id), std::move(*title)});
    }
  }
  if (catalog.legacy_.size() != kLegacyControlCount)
    return makeError("catalog: expected " + std::to_string(kLegacyControlCount) + " ISO/IEC 27001:2013 controls, found " +
                     std::to_string(catalog.legacy_.size()));

  std::set<std::string, std::less<>> referencedLegacy;
  for (const auto& item : root["controls"]) {
    if (!item.is_object()) return makeError("catalog: control entries must be objects");
    Control control;
    auto id = requiredString(item, "id", "catalog control");
    if (!id) return makeError(id.error());
    control.id = std::move(*id);
    const std::string where = "catalog control " + control.id;

    const std::string expectedTheme = themeOf(control.id);
    if (expectedTheme.empty()) return makeError(where + ": not an ISO/IEC 27001:2022 Annex A id");
    auto theme = requiredString(item, "theme", where);
    if (!theme) return makeError(theme.error());
    if (*theme != expectedTheme) return makeError(where + ": theme \"" + *theme + "\", expected \"" + expectedTheme + "\"");
    control.theme = std::move(*theme);

    auto title = requiredString(item, "title", where);
    if (!title) return makeError(title.error());
    control.title = std::move(*title);

    auto iso2013 = stringArray(item, "iso2013", where);
    if (!iso2013) return makeError(iso2013.error());
    for (const auto& legacyId : *iso2013) {
      if (!catalog.legacyIndex_.count(legacyId)) return makeError(where + ": unknown 2013 control " + legacyId);
      referencedLegacy.insert(legacyId);
    }
    control.iso2013 = std::move(*iso2013);
    control.newIn2022 = item.value("new_in_2022", false);
    if (control.newIn2022 != control.iso2013.empty())
      return makeError(where + ": a control is new in 2022 exactly when it replaces no 2013 control");

    if (!catalog.index_.emplace(control.id, catalog.controls_.size()).second)
      return makeError("catalog: duplicate control " + control.id);
    catalog.controls_.push_back(std::move(control));
  }
  if (catalog.controls_.size() != kControlCount)
    return makeError("catalog: expected " + std::to_string(kControlCount) + " controls, found " +
                     std::to_string(catalog.controls_.size()));
  // The crosswalk is complete only when every 2013 control has a successor.
  for (const auto& legacy : catalog.legacy_)
    if (!referencedLegacy.count(legacy.id))
      return makeError("catalog: 2013 control " + legacy.id + " is not mapped to any 2022 control");
  return catalog;
}

Result<Catalog> Catalog::loadFile(const std::filesystem::path& path) {
  auto content = readTextFile(path);
  if (!content) return makeError(content.error());
  auto catalog = parse(*content);
  if (!catalog) return makeError(path.string() + ": " + catalog.error());
  return catalog;
}

const Catalog& Catalog::builtin() {
  static const Catalog catalog = [] {
    auto parsed = parse(embeddedCatalogJson());
    // The embedded file is validated by the test suite; failing here means a broken build.
    if (!parsed) throw std::runtime_error("embedded catalog is invalid: " + parsed.error());
    return std::move(parsed).value();
  }();
  return catalog;
}

const Control* Catalog::find(std::string_view id) const {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : &controls_[it->second];
}

std::vector<const Control*> Catalog::successorsOf(std::string_view legacyId) const {
  std::vector<const Control*> out;
  for (const auto& control : controls_)
    for (const auto& id : control.iso2013)
      if (id == legacyId) out.push_back(&control);
  return out;
}

Result<CheckMapping> CheckMapping::parse(std::string_view jsonText, const Catalog& catalog) {
  auto parsed = parseJson(jsonText);
  if (!parsed) return makeError("check mapping: " + parsed.error());
  const auto checks = parsed->find("checks");
  if (!parsed->is_object() || checks == parsed->end() || !checks->is_object())
    return makeError("check mapping: expected an object with a \"checks\" object");
  CheckMapping mapping;
  for (const auto& [checkId, controls] : checks->items()) {
    const std::string where = "check mapping " + checkId;
    if (!controls.is_array() || controls.empty()) return makeError(where + ": needs a non-empty array of control ids");
    std::vector<std::string> ids;
    for (const auto& c : controls) {
      if (!c.is_string() || !catalog.find(c.get<std::string>()))
        return makeError(where + ": unknown control " + c.dump());
      ids.push_back(c.get<std::string>());
    }
    mapping.map_.emplace(checkId, std::move(ids));
  }
  return mapping;
}

Result<CheckMapping> CheckMapping::loadFile(const std::filesystem::path& path, const Catalog& catalog) {
  auto content = readTextFile(path);
  if (!content) return makeError(content.error());
  auto mapping = parse(*content, catalog);
  if (!mapping) return makeError(path.string() + ": " + mapping.error());
  return mapping;
}

const CheckMapping& CheckMapping::builtin() {
  static const CheckMapping mapping = [] {
    auto parsed = parse(embeddedMappingJson(), Catalog::builtin());
    if (!parsed) throw std::runtime_error("embedded check mapping is invalid: " + parsed.error());
    return std::move(parsed).value();
  }();
  return mapping;
}

const std::vector<std::string>& CheckMapping::controlsFor(std::string_view checkId) const {
  static const std::vector<std::string> none;
  const auto it = map_.find(checkId);
  return it == map_.end() ? none : it->second;
}

std::vector<std::string> CheckMapping::checksFor(std::string_view controlId) const {
  std::vector<std::string> out;
  for (const auto& [check, controls] : map_)
    for (const auto& c : controls)
      if (c == controlId) out.push_back(check);
  return out;
}

}  // namespace annexa
