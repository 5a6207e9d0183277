#include "collector/isms/csv.hpp"

#include <algorithm>

namespace annexa::csv {

namespace {

bool startsFormula(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

// Apostrophes then a character a spreadsheet reads as the start of a formula (the apostrophes may be none).
bool looksLikeFormula(std::string_view cell) {
  const auto first = cell.find_first_not_of('\'');
  return first != std::string_view::npos && startsFormula(cell[first]);
}

}  // namespace

std::string neutralizeFormula(std::string_view cell) {
  return looksLikeFormula(cell) ? "'" + std::string(cell) : std::string(cell);
}

std::string restoreFormula(std::string_view cell) {
  if (cell.size() > 1 && cell.front() == '\'' && looksLikeFormula(cell.substr(1))) cell.remove_prefix(1);
  return std::string(cell);
}

std::string formatRow(const Row& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const auto f = neutralizeFormula(fields[i]);
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (const char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out + "\r\n";
}

std::string format(const Row& header, const std::vector<Row>& rows) {
  std::string out = formatRow(header);
  for (const auto& r : rows) out += formatRow(r);
  return out;
}

Result<std::vector<Row>> parse(std::string_view text) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  int line = 1;
  int recordLine = 1;
  bool quoted = false;     // inside a quoted field
  bool wasQuoted = false;  // the current field was quoted and has closed
  const auto error = [&](int at, const std::string& what) { return makeError("line " + std::to_string(at) + ": " + what); };
  const auto endRecord = [&] {
    row.push_back(std::move(field));
    field.clear();
    wasQuoted = false;
    rows.push_back(std::move(row));
    row.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        wasQuoted = true;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      ++i;
      continue;
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      wasQuoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) return error(line, "bare carriage return");
      if (c == '\r') ++i;
      endRecord();
      recordLine = ++line;
    } else if (c == '"') {
      if (wasQuoted) return error(line, "unexpected quote after a closing quote");
      if (!field.empty()) return error(line, "quote inside an unquoted field (quote the whole field and double it)");
      quoted = true;
    } else {
      if (wasQuoted) return error(line, "text after a closing quote");
      field += c;
    }
    ++i;
  }
  if (quoted) return error(recordLine, "quoted field is not closed");
  if (!field.empty() || wasQuoted || !row.empty()) endRecord();
  return rows;
}

Result<Table> parseTable(std::string_view text, const std::vector<std::string>& requiredColumns) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a spreadsheet's byte order mark
  auto rows = parse(text);
  if (!rows) return makeError(rows.error());
  if (rows->empty()) return makeError("line 1: missing header row");
  Table table;
  table.header = (*rows)[0];
  for (const auto& column : requiredColumns) {
    if (std::find(table.header.begin(), table.header.end(), column) == table.header.end())
      return makeError("line 1: header lacks the column \"" + column + "\"");
  }
  // Physical line numbers: count the newlines each record spans.
  int line = 1;
  const auto spanOf = [](const Row& r) {
    int n = 1;
    for (const auto& f : r)
      for (const char c : f) n += c == '\n' ? 1 : 0;
    return n;
  };
  line += spanOf(table.header);
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    const int at = line;
    line += spanOf(row);
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    if (row.size() != table.header.size())
      return makeError("line " + std::to_string(at) + ": " + std::to_string(row.size()) + " fields, the header has " +
                       std::to_string(table.header.size()));
    std::map<std::string, std::string> record;
    for (std::size_t i = 0; i < row.size(); ++i) record[table.header[i]] = restoreFormula(row[i]);
    table.records.push_back(std::move(record));
    table.lines.push_back(at);
  }
  return table;
}

}  // namespace annexa::csv
