#include "common/evidence_requirements.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "common/json.hpp"
#include "common/text_file.hpp"

namespace annexa {
namespace {

constexpr std::pair<RequirementKind, std::string_view> kKindNames[] = {{RequirementKind::Check, "check"},
                                                                       {RequirementKind::Document, "document"},
                                                                       {RequirementKind::Record, "record"},
                                                                       {RequirementKind::Inventory, "inventory"}};

// The field that only one kind may carry; a field another kind owns is a mistake worth naming.
constexpr std::pair<RequirementKind, std::string_view> kKindFields[] = {{RequirementKind::Check, "checks"},
                                                                        {RequirementKind::Document, "review_months"},
                                                                        {RequirementKind::Record, "cadence_days"},
                                                                        {RequirementKind::Inventory, "facts"}};
constexpr std::string_view kCommonFields[] = {"id", "kind", "title", "controls", "rationale"};

bool validId(std::string_view id) {
  if (id.empty() || id.size() > EvidenceRequirements::kMaxIdLength) return false;
  if (id.front() < 'a' || id.front() > 'z' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Result<std::string> boundedString(const nlohmann::json& item, const char* key, std::size_t minLength,
                                  std::size_t maxLength, const std::string& where) {
  const auto it = item.find(key);
  if (it == item.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return makeError(where + ": missing \"" + key + "\"");
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() < minLength)
    return makeError(where + ": \"" + key + "\" is too short (at least " + std::to_string(minLength) + " characters)");
  if (value.size() > maxLength)
    return makeError(where + ": \"" + key + "\" is longer than " + std::to_string(maxLength) + " characters");
  return value;
}

// A non-empty array of distinct strings.
Result<std::vector<std::string>> distinctStrings(const nlohmann::json& item, const char* key, const std::string& where) {
  const auto it = item.find(key);
  if (it == item.end() || !it->is_array() || it->empty())
    return makeError(where + ": \"" + key + "\" must be a non-empty array of strings");
  std::vector<std::string> out;
  for (const auto& value : *it) {
    if (!value.is_string()) return makeError(where + ": \"" + key + "\" must be a non-empty array of strings");
    if (std::find(out.begin(), out.end(), value.get<std::string>()) != out.end())
      return makeError(where + ": \"" + key + "\" lists " + value.get<std::string>() + " twice");
    out.push_back(value.get<std::string>());
  }
  return out;
}

Result<int> boundedInt(const nlohmann::json& value, const char* key, int low, int high, const std::string& where) {
  const auto fail = [&] {
    return makeError(where + ": \"" + key + "\" must be a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + ", got " + value.dump());
  };
  if (!value.is_number_integer()) return fail();
  const auto n = value.get<long long>();
  if (n < low || n > high) return fail();
  return static_cast<int>(n);
}

VoidResult checkFields(const nlohmann::json& item, RequirementKind kind, const std::string& where) {
  for (const auto& [key, value] : item.items()) {
    (void)value;
    if (std::find(std::begin(kCommonFields), std::end(kCommonFields), key) != std::end(kCommonFields)) continue;
    const auto owner = std::find_if(std::begin(kKindFields), std::end(kKindFields),
                                    [&](const auto& entry) { return entry.second == key; });
    if (owner == std::end(kKindFields)) return makeError(where + ": unknown field \"" + key + "\"");
    if (owner->first != kind)
      return makeError(where + ": \"" + key + "\" belongs to " + std::string(requirementKindName(owner->first)) +
                       " requirements, not " + std::string(requirementKindName(kind)) + " ones");
  }
  return success();
}

VoidResult parseKindSpecific(const nlohmann::json& item, EvidenceRequirement& requirement, const CheckMapping& mapping,
                             const std::string& where) {
  switch (requirement.kind) {
    case RequirementKind::Check: {
      auto checks = distinctStrings(item, "checks", where);
      if (!checks) return makeError(checks.error());
      for (const auto& check : *checks) {
        if (!mapping.contains(check)) return makeError(where + ": unknown check " + check);
        const auto& mapped = mapping.controlsFor(check);
        for (const auto& control : requirement.controls)
          if (std::find(mapped.begin(), mapped.end(), control) == mapped.end())
            return makeError(where + ": check " + check + " is not mapped to " + control + " in the check mapping");
      }
      requirement.checks = std::move(*checks);
      return success();
    }
    case RequirementKind::Document: {
      requirement.reviewMonths = EvidenceRequirements::kDefaultReviewMonths;
      if (const auto it = item.find("review_months"); it != item.end()) {
        auto months = boundedInt(*it, "review_months", 1, EvidenceRequirements::kMaxReviewMonths, where);
        if (!months) return makeError(months.error());
        requirement.reviewMonths = *months;
      }
      return success();
    }
    case RequirementKind::Record: {
      const auto it = item.find("cadence_days");
      if (it == item.end()) return makeError(where + ": a record requirement needs \"cadence_days\"");
      auto days = boundedInt(*it, "cadence_days", 1, EvidenceRequirements::kMaxCadenceDays, where);
      if (!days) return makeError(days.error());
      requirement.cadenceDays = *days;
      return success();
    }
    case RequirementKind::Inventory: {
      auto facts = distinctStrings(item, "facts", where);
      if (!facts) return makeError(facts.error());
      for (const auto& fact : *facts)
        if (!EvidenceRequirements::inventoryFacts().count(fact)) return makeError(where + ": unknown inventory fact " + fact);
      requirement.facts = std::move(*facts);
      return success();
    }
  }
  return makeError(where + ": unknown kind");
}

Result<EvidenceRequirement> parseRequirement(const nlohmann::json& item, const Catalog& catalog,
                                             const CheckMapping& mapping) {
  if (!item.is_object()) return makeError("evidence requirements: entries must be objects");
  EvidenceRequirement requirement;
  auto id = boundedString(item, "id", 1, EvidenceRequirements::kMaxIdLength, "evidence requirement");
  if (!id) return makeError(id.error());
  if (!validId(*id))
    return makeError("evidence requirement \"" + *id + "\": an id is lowercase letters, digits and '-', starting with a letter");
  requirement.id = std::move(*id);
  const std::string where = "evidence requirement " + requirement.id;

  const auto kindIt = item.find("kind");
  const auto kind = kindIt != item.end() && kindIt->is_string() ? parseRequirementKind(kindIt->get<std::string>()) : std::nullopt;
  if (!kind) return makeError(where + ": \"kind\" must be one of check, document, record, inventory");
  requirement.kind = *kind;
  if (auto fields = checkFields(item, requirement.kind, where); !fields) return makeError(fields.error());

  auto title = boundedString(item, "title", 1, EvidenceRequirements::kMaxTitleLength, where);
  if (!title) return makeError(title.error());
  requirement.title = std::move(*title);
  auto rationale = boundedString(item, "rationale", EvidenceRequirements::kMinRationaleLength,
                                 EvidenceRequirements::kMaxRationaleLength, where);
  if (!rationale) return makeError(rationale.error());
  requirement.rationale = std::move(*rationale);

  auto controls = distinctStrings(item, "controls", where);
  if (!controls) return makeError(controls.error());
  for (const auto& control : *controls)
    if (!catalog.find(control)) return makeError(where + ": unknown control " + control);
  requirement.controls = std::move(*controls);

  if (auto specific = parseKindSpecific(item, requirement, mapping, where); !specific) return makeError(specific.error());
  return requirement;
}

// Every control needs a requirement, and every (check, control) pair of the mapping must be in a check requirement
// of that control: otherwise a failing check would silently stop counting towards its control.
VoidResult checkCoverage(const EvidenceRequirements& requirements, const Catalog& catalog, const CheckMapping& mapping) {
  for (const auto& control : catalog.controls()) {
    const auto serving = requirements.forControl(control.id);
    if (serving.empty()) return makeError("evidence requirements: control " + control.id + " has no requirement");
    for (const auto& check : mapping.checksFor(control.id)) {
      const bool listed = std::any_of(serving.begin(), serving.end(), [&](const EvidenceRequirement* r) {
        return std::find(r->checks.begin(), r->checks.end(), check) != r->checks.end();
      });
      if (!listed)
        return makeError("evidence requirements: check " + check + " evidences " + control.id +
                         " in the check mapping, but no check requirement of " + control.id + " lists it");
    }
  }
  return success();
}

}  // namespace

std::string_view requirementKindName(RequirementKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<RequirementKind> parseRequirementKind(std::string_view name) {
  for (const auto& [kind, n] : kKindNames)
    if (n == name) return kind;
  return std::nullopt;
}

const std::map<std::string, std::string, std::less<>>& EvidenceRequirements::inventoryFacts() {
  static const std::map<std::string, std::string, std::less<>> facts = {
      {"hosts", "every enrolled host with its operating system and when it last reported"},
      {"host_owners", "the person accountable for each enrolled host"},
      {"accounts", "local accounts per host"},
      {"privileged_accounts", "accounts per host that can act as root"},
      {"packages", "installed software packages per host, with versions"},
      {"services", "network services listening on each host"},
  };
  return facts;
}

Result<EvidenceRequirements> EvidenceRequirements::parse(std::string_view jsonText, const Catalog& catalog,
                                                         const CheckMapping& mapping) {
  auto parsed = parseJson(jsonText);
  if (!parsed) return makeError("evidence requirements: " + parsed.error());
  const auto& root = *parsed;
  if (!root.is_object() || !root.contains("requirements") || !root["requirements"].is_array())
    return makeError("evidence requirements: expected an object with a \"requirements\" array");

  EvidenceRequirements requirements;
  if (const auto grace = root.find("record_grace_percent"); grace != root.end()) {
    auto percent = boundedInt(*grace, "record_grace_percent", 0, 100, "evidence requirements");
    if (!percent) return makeError(percent.error());
    requirements.gracePercent_ = *percent;
  }
  if (const auto facts = root.find("facts"); facts != root.end()) {
    if (!facts->is_object()) return makeError("evidence requirements: \"facts\" must be an object");
    for (const auto& [fact, description] : facts->items())
      if (!inventoryFacts().count(fact) || !description.is_string())
        return makeError("evidence requirements: \"facts\" describes unknown inventory fact " + fact);
  }
  for (const auto& item : root["requirements"]) {
    auto requirement = parseRequirement(item, catalog, mapping);
    if (!requirement) return makeError(requirement.error());
    if (!requirements.index_.emplace(requirement->id, requirements.requirements_.size()).second)
      return makeError("evidence requirements: duplicate id " + requirement->id);
    requirements.requirements_.push_back(std::move(*requirement));
  }
  if (auto coverage = checkCoverage(requirements, catalog, mapping); !coverage) return makeError(coverage.error());
  return requirements;
}

Result<EvidenceRequirements> EvidenceRequirements::loadFile(const std::filesystem::path& path, const Catalog& catalog,
                                                            const CheckMapping& mapping) {
  auto content = readTextFile(path);
  if (!content) return makeError(content.error());
  auto requirements = parse(*content, catalog, mapping);
  if (!requirements) return makeError(path.string() + ": " + requirements.error());
  return requirements;
}

const EvidenceRequirements& EvidenceRequirements::builtin() {
  static const EvidenceRequirements requirements = [] {
    auto parsed = parse(embeddedRequirementsJson(), Catalog::builtin(), CheckMapping::builtin());
    // The embedded file is validated by the test suite; failing here means a broken build.
    if (!parsed) throw std::runtime_error("embedded evidence requirements are invalid: " + parsed.error());
    return std::move(parsed).value();
  }();
  return requirements;
}

const EvidenceRequirement* EvidenceRequirements::find(std::string_view id) const {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : &requirements_[it->second];
}

std::vector<const EvidenceRequirement*> EvidenceRequirements::forControl(std::string_view controlId) const {
  std::vector<const EvidenceRequirement*> out;
  for (const auto& requirement : requirements_)
    if (std::find(requirement.controls.begin(), requirement.controls.end(), controlId) != requirement.controls.end())
      out.push_back(&requirement);
  return out;
}

}  // namespace annexa
