// unchangedReference (common/model.hpp): the quick reading of a stored body that names the full report a short
// "unchanged since" report confirms. It must agree with the full reader on every body that one accepts.
#include "common/model.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = annexa::fuzz::asText(data, size);
  const auto reference = annexa::unchangedReference(body);
  const auto report = annexa::parseReport(body);
  if (!report) return 0;
  if (report->unchangedSince) {
    ANNEXA_FUZZ_CHECK(reference.has_value());
    ANNEXA_FUZZ_CHECK(*reference == report->unchangedSince->reportId);
  } else {
    ANNEXA_FUZZ_CHECK(!reference.has_value());
  }
  return 0;
}
