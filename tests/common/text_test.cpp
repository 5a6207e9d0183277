// Text helpers that stand between untrusted input and a terminal or a file name.
#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa {
namespace {

TEST(Printable, ControlCharactersBecomeVisibleEscapes) {
  EXPECT_EQ(text::printable("web-1"), "web-1");
  EXPECT_EQ(text::printable("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  EXPECT_EQ(text::printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(text::printable("line\r\nnext\ttab\x7f"), "line\\x0d\\x0anext\\x09tab\\x7f");
  // C1 controls as UTF-8 (U+009B is the 8-bit CSI), and bytes that are not UTF-8 at all.
  EXPECT_EQ(text::printable("\xc2\x9b" "31m"), "\\u009b31m");
  EXPECT_EQ(text::printable("\x9b" "31m"), "\\x9b31m");
  EXPECT_EQ(text::printable("\xe0\x80\x80"), "\\xe0\\x80\\x80");  // overlong
  // A backslash is doubled, so an escape in the output always came from us.
  EXPECT_EQ(text::printable("a\\x1b"), "a\\\\x1b");
}

TEST(Printable, KeepsPrintableUtf8) {
  EXPECT_EQ(text::printable("Zürich – 東京 ✓ 😀"), "Zürich – 東京 ✓ 😀");
  EXPECT_EQ(text::printable("\xc2\xa0"), "\xc2\xa0");  // U+00A0, the first code point after the C1 block
}

TEST(Rfc3339, DatesOutsideTheSupportedYearsAreRefusedNotWrapped) {
  EXPECT_FALSE(parseRfc3339("0001-01-01").has_value());
  EXPECT_FALSE(parseRfc3339("1969-12-31T23:59:59Z").has_value());
  EXPECT_EQ(parseRfc3339("1970-01-01"), std::optional<std::int64_t>(0));
  EXPECT_EQ(parseRfc3339("9999-12-31T23:59:59Z"), std::optional<std::int64_t>(253402300799));
  // Formatting goes straight from seconds: no overflow through nanoseconds past 2262.
  EXPECT_EQ(formatRfc3339(std::int64_t{253402300799}), "9999-12-31T23:59:59Z");
  EXPECT_EQ(formatRfc3339(std::int64_t{9300000000}), "2264-09-14T21:20:00Z");
}

}  // namespace
}  // namespace annexa
