// The ISO/IEC 27001:2022 Annex A catalog (93 controls, 4 themes) with the 2013 crosswalk,
// and the check→control mapping. Both ship as JSON in configs/ and are embedded in the binaries.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa {

struct Control {
  std::string id;     // "A.8.24"
  std::string theme;  // Organizational | People | Physical | Technological
  std::string title;
  std::vector<std::string> iso2013;  // the 2013 controls it replaces; empty when new in 2022
  bool newIn2022 = false;
};

struct LegacyControl {
  std::string id;  // "A.10.1.1"
  std::string title;
};

class Catalog {
 public:
  static constexpr std::size_t kControlCount = 93;
  static constexpr std::size_t kLegacyControlCount = 114;

  // Parses and validates; the error names the first problem found.
  static Result<Catalog> parse(std::string_view jsonText);
  static Result<Catalog> loadFile(const std::filesystem::path& path);
  // The catalog compiled into the binary from configs/annex-a-2022.json.
  static const Catalog& builtin();

  static const std::vector<std::string>& themes();
  // "A.7.3" → "Physical"; empty for an id outside Annex A.
  static std::string themeOf(std::string_view controlId);

  const std::vector<Control>& controls() const { return controls_; }
  const std::vector<LegacyControl>& legacyControls() const { return legacy_; }
  const Control* find(std::string_view id) const;
  // The 2022 controls that replace a 2013 control (two for A.18.2.3).
  std::vector<const Control*> successorsOf(std::string_view legacyId) const;

 private:
  std::vector<Control> controls_;
  std::vector<LegacyControl> legacy_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, std::size_t, std::less<>> legacyIndex_;
};

// check id → Annex A control ids.
class CheckMapping {
 public:
  static Result<CheckMapping> parse(std::string_view jsonText, const Catalog& catalog);
  static Result<CheckMapping> loadFile(const std::filesystem::path& path, const Catalog& catalog);
  static const CheckMapping& builtin();

  const std::vector<std::string>& controlsFor(std::string_view checkId) const;
  bool contains(std::string_view checkId) const { return map_.find(checkId) != map_.end(); }
  const std::map<std::string, std::vector<std::string>, std::less<>>& entries() const { return map_; }
  // Checks mapped to a control, in id order.
  std::vector<std::string> checksFor(std::string_view controlId) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> map_;
};

// The JSON texts compiled in from configs/ (generated at build time).
std::string_view embeddedCatalogJson();
std::string_view embeddedMappingJson();

}  // namespace annexa
