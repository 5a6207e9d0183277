// Small string helpers shared by parsers of config files, /proc and reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace annexa::text {

std::string_view trim(std::string_view s);
std::string toLower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
bool contains(std::string_view haystack, std::string_view needle);
bool icontains(std::string_view haystack, std::string_view needle);

// Splits on a single character; keeps empty fields.
std::vector<std::string> split(std::string_view s, char sep);
// Splits on runs of blanks (space/tab); drops empty fields.
std::vector<std::string> splitWords(std::string_view s);
std::vector<std::string_view> lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Removes a trailing '#' comment (when not inside quotes) and surrounding blanks.
std::string_view stripComment(std::string_view line, char marker = '#');

// Parses a whole decimal integer; false on garbage or overflow.
bool parseInt(std::string_view s, long long& out);

// Shortens a value for evidence output ("…" marks the cut); never cuts a UTF-8 sequence in two.
std::string truncate(std::string_view s, std::size_t maxLength);

// Whether s is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as JSON
// serialisers demand.
bool isValidUtf8(std::string_view s);
// s with every byte that is not part of a well-formed UTF-8 sequence written as the text "\xNN" (e.g. a Latin-1
// "é" in a path becomes "\xE9"); valid input is returned unchanged.
std::string escapeInvalidUtf8(std::string_view s);
// Text from a peer made safe for a terminal: C0 controls (NUL, ESC, CR, LF, TAB, …), DEL and C1 controls
// (U+0080–U+009F, e.g. the 8-bit CSI) become visible escapes ("\x1b", "\u009b"), a backslash becomes "\\", and
// a byte that is not part of valid UTF-8 becomes "\xNN". Everything else (printable UTF-8) is kept.
std::string printable(std::string_view s);

// Standard base64 (RFC 4648, with padding) of raw bytes, e.g. a DER signature in a JSON document.
std::string base64Encode(std::string_view bytes);

// A '/'-separated relative file name that cannot leave its directory: every part is [A-Za-z0-9._-]
// (at most 128 characters) and none is empty, "..", or hidden (leading '.'). For names a peer sends us.
bool isSafeRelativePath(std::string_view name);

// "1 host", "3 hosts": a count with its noun in the right number (nouns that take a plain "s").
std::string countOf(long long n, std::string_view noun);

}  // namespace annexa::text
