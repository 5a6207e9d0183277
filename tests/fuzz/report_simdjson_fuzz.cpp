// The collector's ingest reader (simdjson, falling back to nlohmann) against nlohmann alone: report_intake.hpp
// promises the same report, canonical hash and error either way, so any difference is a bug in one of them.
#include <nlohmann/json.hpp>

#include "collector/ingest/report_intake.hpp"
#include "common/digest.hpp"
#include "common/json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using annexa::Result;
using annexa::collector::ReceivedReport;

Result<ReceivedReport> readWithNlohmannOnly(std::string_view body) {
  const auto document = annexa::parseJson(body);
  if (!document) return annexa::makeError(document.error());
  auto report = annexa::reportFromJson(*document);
  if (!report) return annexa::makeError(report.error());
  const auto canonical = annexa::canonicalDump(*document);
  return ReceivedReport{std::move(*report), annexa::sha256Hex(canonical), canonical == body};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = annexa::fuzz::asText(data, size);
  const auto received = annexa::collector::readReceivedReport(body);
  const auto reference = readWithNlohmannOnly(body);
  ANNEXA_FUZZ_CHECK(received.ok() == reference.ok());
  if (!received) {
    ANNEXA_FUZZ_CHECK(received.error() == reference.error());
    return 0;
  }
  ANNEXA_FUZZ_CHECK(received->canonicalSha256 == reference->canonicalSha256);
  ANNEXA_FUZZ_CHECK(received->bodyIsCanonical == reference->bodyIsCanonical);
  ANNEXA_FUZZ_CHECK(annexa::toJson(received->report) == annexa::toJson(reference->report));
  return 0;
}
