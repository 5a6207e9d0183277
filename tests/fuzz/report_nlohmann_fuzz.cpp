// parseReport (common/model.hpp, nlohmann): what the agent spool, verify-log and the dashboard read reports with.
// A report it accepts must survive toJson and a second reading unchanged.
#include <nlohmann/json.hpp>

#include "common/model.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto report = annexa::parseReport(annexa::fuzz::asText(data, size));
  if (!report) return 0;
  const auto written = annexa::toJson(*report);
  const auto again = annexa::parseReport(written.dump());
  ANNEXA_FUZZ_CHECK(again.ok());
  ANNEXA_FUZZ_CHECK(annexa::toJson(*again) == written);
  return 0;
}
