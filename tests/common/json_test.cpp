// canonicalDump must write exactly what nlohmann's dump() writes: evidence-log hashes made before it existed
// are verified with it.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json.hpp"

namespace annexa {
namespace {

TEST(CanonicalDump, MatchesDumpOnEveryKindOfValue) {
  const char* documents[] = {
      R"({})",
      R"([])",
      R"(null)",
      R"({"b":1,"a":[true,false,null],"c":{"z":-9223372036854775808,"y":18446744073709551615}})",
      R"({"float":0.1,"exp":1e300,"neg":-2.5,"zero":0.0,"int":42})",
      R"({"quote":"say \"hi\"","backslash":"C:\\path","controls":"\t\n\r\b\f\u0001\u001f","del":"\u007f"})",
      R"({"utf8":"Grüße – 東京 🔒","escaped_utf8":"\u00e9\ud83d\udd12","slash":"a/b"})",
      R"({"":"empty key","\"k\"":"quoted key","ключ":"non-ASCII key"})",
      R"([[[["deep"]]],{"a":{"b":{"c":[1,2,3]}}}])",
  };
  for (const char* text : documents) {
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(canonicalDump(j), j.dump()) << text;
  }
}

TEST(CanonicalDump, MatchesDumpOnRandomStrings) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> byte(0, 127);
  for (int n = 0; n < 2000; ++n) {
    std::string s(static_cast<std::size_t>(n % 40), ' ');
    for (auto& c : s) c = static_cast<char>(byte(rng));  // every ASCII byte, controls included
    const nlohmann::json j = {{"s", s}, {s, s}, {"a", {s, 1, s}}};
    ASSERT_EQ(canonicalDump(j), j.dump());
  }
}

TEST(CanonicalDump, RejectsInvalidUtf8AsDumpDoes) {
  const nlohmann::json j = {{"bad", std::string("\xff\xfe")}};
  EXPECT_THROW(j.dump(), nlohmann::json::type_error);
  EXPECT_THROW(canonicalDump(j), nlohmann::json::type_error);
}

}  // namespace
}  // namespace annexa
