// Human-readable renderings: the check run as a table grouped by Annex A theme, the catalog, the check list.
#pragma once

#include <ostream>
#include <vector>

#include "agent/check.hpp"
#include "common/catalog.hpp"
#include "common/model.hpp"

namespace annexa::agent {

struct StatusCounts {
  int pass = 0;
  int fail = 0;
  int notApplicable = 0;
  int error = 0;
  int total() const { return pass + fail + notApplicable + error; }
};

StatusCounts countStatuses(const std::vector<CheckResult>& results);

void printReportText(const Report& report, const Catalog& catalog, bool colour, std::ostream& out);
void printCatalogText(const Catalog& catalog, std::ostream& out);
void printChecksText(const std::vector<CheckDefinition>& checks, const CheckMapping& mapping, std::ostream& out);

nlohmann::json catalogToJson(const Catalog& catalog);
nlohmann::json checksToJson(const std::vector<CheckDefinition>& checks, const CheckMapping& mapping);

}  // namespace annexa::agent
