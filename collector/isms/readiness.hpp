// The ISO 27001 readiness checklist: 7 areas, 27 items. Items the fleet can back are computed from current
// check results; the others are attested by a person (evidence reference and date) and go stale after a year.
// Score = items met, banded exactly as the readiness guide: High risk, Moderate risk, Low risk, Well prepared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "collector/isms/isms_fleet.hpp"
#include "collector/isms/isms_model.hpp"

namespace annexa::collector::isms {

struct ReadinessItem {
  std::string_view id;
  std::string_view area;
  std::string_view title;
  std::vector<std::string_view> checks;  // agent checks that must all pass on a host; empty: attested by a person
  bool computed() const { return !checks.empty(); }
};
const std::vector<ReadinessItem>& readinessItems();
const ReadinessItem* findReadinessItem(std::string_view id);

struct ReadinessBand {
  int minScore;
  int maxScore;
  std::string_view level;   // machine name
  std::string_view label;   // the guide's band name
  std::string_view advice;  // the guide's text in parentheses
  std::string assessment() const;  // "Moderate risk (key areas require attention)"
};
// The guide's bands, word for word. They run to 28 while its checklist has 27 items, so 27 / 27 is the best
// score and lands in "Well prepared"; the bands stay as the guide prints them.
inline constexpr int kReadinessMaxScore = 27;
inline constexpr ReadinessBand kReadinessBands[] = {
    {0, 14, "high_risk", "High risk", "significant work needed"},
    {15, 21, "moderate_risk", "Moderate risk", "key areas require attention"},
    {22, 25, "low_risk", "Low risk", "minor improvements needed"},
    {26, 28, "well_prepared", "Well prepared", "ready for audit"},
};
const ReadinessBand& readinessBand(int score);
// "20 / 27"
std::string scoreText(int score);

struct ReadinessOptions {
  double passShare = 0.95;  // a computed item is met when at least this share of in-scope hosts pass
};

struct ItemResult {
  const ReadinessItem* item = nullptr;
  bool met = false;
  // Computed items: in-scope hosts and those passing every mapped check (stale hosts never pass).
  int hostsInScope = 0;
  int hostsPassing = 0;
  // Attested items: the latest attestation and whether it is older than twelve months.
  std::optional<Attestation> attestation;
  bool stale = false;
  std::string note;
};

struct ReadinessResult {
  std::vector<ItemResult> items;
  int score = 0;
  const ReadinessBand* band = nullptr;
};

ReadinessResult computeReadiness(const FleetIndex& fleet, const std::vector<Attestation>& attestations,
                                 const ReadinessOptions& options, std::int64_t now);
nlohmann::json toJson(const ReadinessResult& result, const ReadinessOptions& options);

}  // namespace annexa::collector::isms
