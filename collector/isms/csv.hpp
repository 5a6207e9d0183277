// RFC 4180 CSV: a writer that quotes fields only when needed, and a strict reader (CRLF or LF, header row)
// whose errors name the line where the problem is. Used for the ISMS registers' import and export.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace annexa::csv {

using Row = std::vector<std::string>;

// Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell that begins with = + - @ TAB or CR as a
// formula. Such a cell is written with a leading apostrophe, which spreadsheets show as text. So that the
// apostrophe is unambiguous, a cell that is apostrophes followed by such a character gets one more. Every field
// formatRow writes goes through this; the reader (parseTable) takes exactly one apostrophe off again.
std::string neutralizeFormula(std::string_view cell);
// The inverse: "'=1+1" → "=1+1", "''=x" → "'=x"; any other cell unchanged (a plain "'quoted" stays as it is).
std::string restoreFormula(std::string_view cell);

// "a,b" → a,b; every field neutralized (above); fields holding a comma, quote, CR or LF are quoted with inner
// quotes doubled. Lines end in CRLF.
std::string formatRow(const Row& fields);
std::string format(const Row& header, const std::vector<Row>& rows);

// All records. A quote inside an unquoted field, text after a closing quote, or an unterminated quoted
// field is an error "line N: …" (N is the physical line where the record or problem starts).
Result<std::vector<Row>> parse(std::string_view text);

// A parsed file with a header: every record must have as many fields as the header. Fields are passed through
// restoreFormula, so what formatRow wrote reads back as it was.
struct Table {
  Row header;
  std::vector<std::map<std::string, std::string>> records;
  std::vector<int> lines;  // the line each record starts on, for messages
};
Result<Table> parseTable(std::string_view text, const std::vector<std::string>& requiredColumns);

}  // namespace annexa::csv
