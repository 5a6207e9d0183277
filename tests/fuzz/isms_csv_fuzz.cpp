// The ISMS registers' CSV import: the RFC 4180 reader (collector/isms/csv.hpp), the SoA import (soaChangesFromCsv) and
// the risk and exception rows as IsmsService::importCsv turns them into JSON patches. The first byte picks which.
// The reader and the writer must agree: what parse() reads, format() writes back to the same rows.
#include <nlohmann/json.hpp>

#include "collector/isms/csv.hpp"
#include "collector/isms/isms_json.hpp"
#include "collector/isms/soa.hpp"
#include "common/catalog.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace annexa;
using namespace annexa::collector::isms;
constexpr std::int64_t kNow = 1'800'000'000;

// A cell a CSV formula-injection guard may rewrite when writing (OWASP: = + - @ tab CR): compared by position only.
bool mayBeNeutralised(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
}

void checkRoundTrip(std::string_view text) {
  const auto rows = csv::parse(text);
  if (!rows || rows->empty()) return;
  const std::vector<csv::Row> body(rows->begin() + 1, rows->end());
  const auto again = csv::parse(csv::format(rows->front(), body));
  ANNEXA_FUZZ_CHECK(again.ok());
  ANNEXA_FUZZ_CHECK(again->size() == rows->size());
  for (std::size_t r = 0; r < rows->size(); ++r) {
    ANNEXA_FUZZ_CHECK((*again)[r].size() == (*rows)[r].size());
    for (std::size_t f = 0; f < (*rows)[r].size(); ++f)
      ANNEXA_FUZZ_CHECK(mayBeNeutralised((*rows)[r][f]) || (*again)[r][f] == (*rows)[r][f]);
  }
}

const std::vector<SoaRow>& defaultSoa() {
  static const auto rows = [] {
    std::vector<SoaRow> out;
    for (const auto& control : Catalog::builtin().controls()) {
      SoaRow row;
      row.entry.controlId = control.id;
      out.push_back(std::move(row));
    }
    return out;
  }();
  return rows;
}

// importCsv's rows: every column but "id" becomes a string field of the patch (for exceptions, empty cells but the
// justification are left out).
void importRows(std::string_view text, bool risks) {
  const auto table = risks ? csv::parseTable(text, {"title"})
                           : csv::parseTable(text, {"justification", "approver", "expires_at"});
  if (!table) return;
  for (const auto& record : table->records) {
    nlohmann::json patch = nlohmann::json::object();
    for (const auto& [column, value] : record)
      if (column != "id" && (risks || !value.empty() || column == "justification")) patch[column] = value;
    if (risks) (void)patchRisk(Risk{}, patch);
    else (void)exceptionFromJson(patch, kNow);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = annexa::fuzz::asText(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: checkRoundTrip(text); break;
    case 1:
      if (const auto changes = soaChangesFromCsv(text, defaultSoa()))
        for (const auto& entry : *changes) ANNEXA_FUZZ_CHECK(entry.applicable || !entry.justification.empty());
      break;
    case 2: importRows(text, true); break;
    default: importRows(text, false); break;
  }
  return 0;
}
