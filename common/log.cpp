#include "common/log.hpp"

#include <cstdlib>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/text.hpp"

namespace annexa::log {
namespace {

struct Sink {
  std::mutex mutex;
  std::ostream* stream = nullptr;
  Format format = Format::Text;
  bool journalPrefix = false;
};

Sink& sink() {
  static Sink instance;
  return instance;
}

const char* levelName(Level level) {
  switch (level) {
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
  }
  return "error";
}

// syslog priorities: 6 info, 4 warning, 3 err.
int priority(Level level) { return level == Level::Info ? 6 : level == Level::Warning ? 4 : 3; }

// logfmt: bare when the value is a plain word, else in quotes with \" inside. text::printable has already
// turned control bytes and invalid UTF-8 into \xNN and a backslash into \\.
std::string textValue(std::string_view value) {
  const std::string safe = text::printable(value);
  const bool bare = !safe.empty() && safe.find_first_of(" \"=\\") == std::string::npos;
  if (bare) return safe;
  std::string quoted = "\"";
  for (const char c : safe) {
    if (c == '"') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

}  // namespace

Result<Format> parseFormat(std::string_view name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  return makeError("--log-format must be text or json");
}

std::string formatLine(Format format, bool journalPrefix, std::chrono::system_clock::time_point time, Level level,
                       std::string_view name, std::initializer_list<Field> fields) {
  const std::string when = formatRfc3339(time);
  if (format == Format::Json) {
    nlohmann::ordered_json line = {{"time", when}, {"level", levelName(level)}, {"event", std::string(name)}};
    for (const auto& field : fields) line[std::string(field.key)] = field.value;
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = journalPrefix ? "<" + std::to_string(priority(level)) + ">" : "";
  line += when + " level=" + levelName(level) + " event=" + textValue(name);
  for (const auto& field : fields) line += " " + std::string(field.key) + "=" + textValue(field.value);
  return line;
}

void configure(Format format, std::ostream& stream, bool journalPrefix) {
  std::lock_guard lock(sink().mutex);
  sink().stream = &stream;
  sink().format = format;
  sink().journalPrefix = journalPrefix;
}

bool underJournald() {
  const char* journal = std::getenv("JOURNAL_STREAM");
  return journal != nullptr && *journal != '\0';
}

void disable() {
  std::lock_guard lock(sink().mutex);
  sink().stream = nullptr;
}

void event(Level level, std::string_view name, std::initializer_list<Field> fields) {
  std::lock_guard lock(sink().mutex);
  if (!sink().stream) return;
  *sink().stream << formatLine(sink().format, sink().journalPrefix, std::chrono::system_clock::now(), level, name,
                               fields)
                 << '\n'
                 << std::flush;
}

}  // namespace annexa::log
