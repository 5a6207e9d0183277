#include <gtest/gtest.h>

#include "collector/isms/csv.hpp"

namespace annexa::csv {
namespace {

TEST(Csv, QuotesOnlyFieldsThatNeedIt) {
  EXPECT_EQ(formatRow({"plain", "a,b", "say \"hi\"", "two\nlines", ""}),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
}

TEST(Csv, RoundTripsAwkwardFields) {
  const Row header = {"id", "text"};
  const std::vector<Row> rows = {{"1", "comma, inside"}, {"2", "quote \" inside"}, {"3", "line\r\nbreak"}, {"4", ""}};
  const auto parsed = parse(format(header, rows));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_EQ(parsed->size(), 5u);
  EXPECT_EQ((*parsed)[0], header);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ((*parsed)[i + 1], rows[i]);
}

// OWASP CSV injection: a cell a spreadsheet would run as a formula is written as text (a leading apostrophe).
TEST(Csv, CellsThatASpreadsheetWouldRunAsFormulasAreWrittenAsText) {
  EXPECT_EQ(formatRow({"=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"}),
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2+3,'@SUM(A1),'\tcmd,\"'\rcmd\"\r\n");
  // Inside a cell, or an apostrophe of the writer's own: unambiguous, so the reader can take exactly one off.
  EXPECT_EQ(formatRow({"a=b", "'=x", "'plain", "", "'"}), "a=b,''=x,'plain,,'\r\n");
}

TEST(Csv, TheImporterReadsBackWhatTheExporterNeutralized) {
  const Row header = {"title", "owner"};
  const std::vector<Row> rows = {{"=1+1", "@alice"}, {"'=already quoted", "-"}, {"'plain", "+"}, {"\tx", "ok"}};
  const auto table = parseTable(format(header, rows), {"title"});
  ASSERT_TRUE(table.ok()) << table.error();
  ASSERT_EQ(table->records.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(table->records[i].at("title"), rows[i][0]);
    EXPECT_EQ(table->records[i].at("owner"), rows[i][1]);
  }
}

TEST(Csv, AcceptsLfAndCrlfAndAMissingFinalNewline) {
  const auto lf = parse("a,b\n1,2\n3,4");
  const auto crlf = parse("a,b\r\n1,2\r\n3,4\r\n");
  ASSERT_TRUE(lf.ok());
  ASSERT_TRUE(crlf.ok());
  EXPECT_EQ(*lf, *crlf);
  EXPECT_EQ(lf->size(), 3u);
}

TEST(Csv, MalformedInputNamesTheLine) {
  EXPECT_EQ(parse("a,b\n1,\"open\n2,3\n").error(), "line 2: quoted field is not closed");
  EXPECT_EQ(parse("a,b\n1,x\"y\n").error(), "line 2: quote inside an unquoted field (quote the whole field and double it)");
  EXPECT_EQ(parse("a,b\n1,2\n\"x\"y,3\n").error(), "line 3: text after a closing quote");
  EXPECT_EQ(parse("a\rb").error(), "line 1: bare carriage return");
}

TEST(Csv, TableChecksHeaderAndFieldCountsWithPhysicalLines) {
  EXPECT_EQ(parseTable("title,owner\nx,y\n", {"id"}).error(), "line 1: header lacks the column \"id\"");
  // The quoted field spans lines 2–3, so the short record starts on line 4.
  EXPECT_EQ(parseTable("id,text\n1,\"multi\nline\"\n2\n", {"id"}).error(), "line 4: 1 fields, the header has 2");
  const auto table = parseTable("\xEF\xBB\xBFid,text\n1,a\n\n2,b\n", {"id", "text"});
  ASSERT_TRUE(table.ok()) << table.error();
  ASSERT_EQ(table->records.size(), 2u);
  EXPECT_EQ(table->records[1].at("text"), "b");
  EXPECT_EQ(table->lines[1], 4);
  EXPECT_EQ(parseTable("", {}).error(), "line 1: missing header row");
}

}  // namespace
}  // namespace annexa::csv
