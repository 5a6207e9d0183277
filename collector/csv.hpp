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

// "a,b" → a,b; fields holding a comma, quote, CR or LF are quoted with inner quotes doubled. Lines end in CRLF.
std::string formatRow(const Row& fields);
std::string format(const Row& header, const std::vector<Row>& rows);

// All records. A quote inside an unquoted field, text after a closing quote, or an unterminated quoted
// field is an error "line N: …" (N is the physical line where the record or problem starts).
Result<std::vector<Row>> parse(std::string_view text);

// A parsed file with a header: every record must have as many fields as the header.
struct Table {
  Row header;
  std::vector<std::map<std::string, std::string>> records;
  std::vector<int> lines;  // the line each record starts on, for messages
};
Result<Table> parseTable(std::string_view text, const std::vector<std::string>& requiredColumns);

}  // namespace annexa::csv
