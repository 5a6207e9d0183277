// Structured event lines for services (the collector's `serve`): one line per event on stderr, for journald or a
// log shipper. Each line has a time, a level and an event name, then key=value fields:
//   text:  2026-12-07T18:02:11Z level=info event=enrolled agent_id=6f0c… hostname="web 1"
//   json:  {"time":"2026-12-07T18:02:11Z","level":"info","event":"enrolled","agent_id":"6f0c…","hostname":"web 1"}
// Under systemd (JOURNAL_STREAM set) a text line starts with the syslog priority ("<6>"), which journald turns
// into the entry's priority. Values are escaped (control characters, invalid UTF-8, quotes), so a hostile
// hostname cannot forge a line. Callers pass no secrets: tokens, keys and report bodies never go in a field.
// Nothing is written until configure() is called: library code may log, tools and tests stay quiet.
#pragma once

#include <chrono>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace annexa::log {

enum class Level { Info, Warning, Error };
enum class Format { Text, Json };

struct Field {
  std::string_view key;
  std::string value;
};

Result<Format> parseFormat(std::string_view name);  // "text" or "json"

// Sends events to `sink` (which must outlive the logging, until disable()) in `format`; `journalPrefix` adds
// "<N>" to text lines.
void configure(Format format, std::ostream& sink, bool journalPrefix);
// Back to silence.
void disable();
// systemd connected our stderr to the journal (JOURNAL_STREAM is set).
bool underJournald();

void event(Level level, std::string_view name, std::initializer_list<Field> fields = {});

// One line (without the newline), as event() writes it.
std::string formatLine(Format format, bool journalPrefix, std::chrono::system_clock::time_point time, Level level,
                       std::string_view name, std::initializer_list<Field> fields);

}  // namespace annexa::log
