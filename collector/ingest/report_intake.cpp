// The ingest path's JSON reader (see report_intake.hpp). simdjson's headers stay in this one translation unit.
#include "collector/ingest/report_intake.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <tuple>
#include <vector>

#include <simdjson.h>

#include "common/digest.hpp"
#include "common/report_reader.hpp"

namespace annexa::collector {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Copies out of simdjson's result wrapper: a loop over `e.get_array().value_unsafe()` would outlive the wrapper.
// Callers have checked the type.
simdjson::dom::array arrayOf(element e) {
  simdjson::dom::array out;
  [[maybe_unused]] const auto error = e.get_array().get(out);
  return out;
}

simdjson::dom::object objectOf(element e) {
  simdjson::dom::object out;
  [[maybe_unused]] const auto error = e.get_object().get(out);
  return out;
}

// report_reader's view of a simdjson document, answering as NlohmannNode would for the same JSON.
class SimdNode {
 public:
  explicit SimdNode(element e) : e_(e) {}
  bool isObject() const { return e_.type() == element_type::OBJECT; }
  bool isArray() const { return e_.type() == element_type::ARRAY; }
  bool isString() const { return e_.type() == element_type::STRING; }
  std::optional<SimdNode> find(const char* key) const {
    element value;
    if (e_.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
    return SimdNode(value);
  }
  std::string text() const { return std::string(e_.get_string().value_unsafe()); }
  // nlohmann keeps every integer that fits in 64 bits; get<std::int64_t>() of a large unsigned one wraps.
  std::optional<std::int64_t> integer() const {
    if (e_.type() == element_type::INT64) return e_.get_int64().value_unsafe();
    if (e_.type() == element_type::UINT64) return static_cast<std::int64_t>(e_.get_uint64().value_unsafe());
    return std::nullopt;
  }
  // nlohmann stores every integer written without a minus sign as unsigned.
  std::optional<std::uint64_t> unsignedInteger() const {
    if (e_.type() == element_type::UINT64) return e_.get_uint64().value_unsafe();
    if (e_.type() == element_type::INT64 && e_.get_int64().value_unsafe() >= 0)
      return static_cast<std::uint64_t>(e_.get_int64().value_unsafe());
    return std::nullopt;
  }
  std::size_t size() const { return arrayOf(e_).size(); }
  template <class F>
  void forEach(F&& f) const {
    for (const element item : arrayOf(e_))
      if (!f(SimdNode(item))) return;
  }

 private:
  element e_;
};

bool appendCanonical(std::string& out, element e);

bool appendField(std::string& out, std::string_view key, element value, bool first) {
  if (!first) out += ',';
  appendJsonString(out, key);
  out += ':';
  return appendCanonical(out, value);
}

// Keys in byte order, as nlohmann's std::map holds them. Agents write them sorted, so the fields are written as
// they come; only an object found out of order is taken back and written again, sorted.
bool appendObject(std::string& out, simdjson::dom::object object) {
  const std::size_t start = out.size();
  out += '{';
  bool sorted = true;
  std::string_view previous;
  bool first = true;
  for (const auto field : object) {
    if (!first && field.key <= previous) {
      sorted = false;
      break;
    }
    if (!appendField(out, field.key, field.value, first)) return false;
    previous = field.key;
    first = false;
  }
  if (!sorted) {
    out.resize(start + 1);
    std::vector<simdjson::dom::key_value_pair> fields(object.begin(), object.end());
    std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    // A repeated key: nlohmann keeps the last value, simdjson both; only nlohmann can say what the document is.
    for (std::size_t i = 1; i < fields.size(); ++i)
      if (fields[i].key == fields[i - 1].key) return false;
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!appendField(out, fields[i].key, fields[i].value, i == 0)) return false;
  }
  out += '}';
  return true;
}

// canonicalDump's bytes, written from a simdjson document; false when only nlohmann can write them.
bool appendCanonical(std::string& out, element e) {
  switch (e.type()) {
    case element_type::OBJECT: return appendObject(out, objectOf(e));
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      for (const element item : arrayOf(e)) {
        if (!first) out += ',';
        first = false;
        if (!appendCanonical(out, item)) return false;
      }
      out += ']';
      return true;
    }
    case element_type::STRING: appendJsonString(out, e.get_string().value_unsafe()); return true;
    case element_type::INT64: out += std::to_string(e.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out += std::to_string(e.get_uint64().value_unsafe()); return true;
    case element_type::BOOL: out += e.get_bool().value_unsafe() ? "true" : "false"; return true;
    case element_type::NULL_VALUE: out += "null"; return true;
    case element_type::DOUBLE: return false;  // nlohmann's own shortest form
  }
  return false;
}

// Bodies up to this size reuse a parser kept by each network thread. A parser keeps buffers of about 14 times the
// largest document it has read, so a rare large body (up to the 1 MiB limit) gets a parser of its own instead of
// leaving every thread holding 14 MB.
constexpr std::size_t kReusedParserBytes = 256 * 1024;

simdjson::dom::parser& threadParser(int maxDepth) {
  thread_local simdjson::dom::parser parser(kReusedParserBytes);
  if (parser.max_depth() != static_cast<std::size_t>(maxDepth) && parser.allocate(64 * 1024, maxDepth) != simdjson::SUCCESS)
    throw std::bad_alloc();
  return parser;
}

// nullopt: let nlohmann decide (a syntax error to word, a float or a repeated key to render).
std::optional<Result<ReceivedReport>> readWithSimdjson(std::string_view body, int maxDepth) {
  std::optional<simdjson::dom::parser> ownParser;
  if (body.size() > kReusedParserBytes && ownParser.emplace().allocate(body.size(), maxDepth) != simdjson::SUCCESS)
    throw std::bad_alloc();
  simdjson::dom::parser& parser = ownParser ? *ownParser : threadParser(maxDepth);
  element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  std::string canonical;
  canonical.reserve(body.size());
  try {
    if (!appendCanonical(canonical, root)) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // a string nlohmann would not write (its own parser then refuses the body)
  }
  auto report = report_reader::readReport(SimdNode(root));
  if (!report) return Result<ReceivedReport>(makeError(report.error()));
  return Result<ReceivedReport>(ReceivedReport{std::move(*report), sha256Hex(canonical), canonical == body});
}

Result<ReceivedReport> readWithNlohmann(std::string_view body, int maxDepth) {
  const auto document = parseJson(body, maxDepth);
  if (!document) return makeError(document.error());
  auto report = reportFromJson(*document);
  if (!report) return makeError(report.error());
  const auto canonical = canonicalDump(*document);
  return ReceivedReport{std::move(*report), sha256Hex(canonical), canonical == body};
}

VoidResult checkLength(std::string_view what, std::string_view value, std::size_t limit) {
  if (value.size() <= limit) return success();
  return makeError(std::string(what) + " is longer than " + std::to_string(limit) + " bytes (" +
                   std::to_string(value.size()) + ")");
}

VoidResult checkResultLimits(const CheckResult& r) {
  const std::string where = "result " + r.check + ": ";
  for (const auto& [what, value, limit] :
       {std::tuple{"title", &r.title, FieldLimits::kTitle}, std::tuple{"message", &r.message, FieldLimits::kMessage},
        std::tuple{"remediation", &r.remediation, FieldLimits::kMessage}})
    if (auto ok = checkLength(where + what, *value, limit); !ok) return ok;
  if (r.controls.size() > FieldLimits::kControls || r.evidence.size() > FieldLimits::kEvidenceItems)
    return makeError(where + "more than " + std::to_string(FieldLimits::kControls) + " controls or " +
                     std::to_string(FieldLimits::kEvidenceItems) + " evidence items");
  for (const auto& control : r.controls)
    if (auto ok = checkLength(where + "a control", control, FieldLimits::kControlId); !ok) return ok;
  for (const auto& e : r.evidence)
    for (const auto* value : {&e.source, &e.observed, &e.expected})
      if (auto ok = checkLength(where + "evidence", *value, FieldLimits::kEvidenceField); !ok) return ok;
  return success();
}

}  // namespace

VoidResult checkHostLimits(const HostInfo& host) {
  for (const auto& [what, value, limit] :
       {std::tuple{"host.hostname", &host.hostname, FieldLimits::kHostname},
        std::tuple{"host.machine_id", &host.machineId, FieldLimits::kMachineId},
        std::tuple{"host.os.id", &host.os.id, FieldLimits::kOsField},
        std::tuple{"host.os.version", &host.os.version, FieldLimits::kOsField},
        std::tuple{"host.os.pretty_name", &host.os.prettyName, FieldLimits::kOsField},
        std::tuple{"host.kernel", &host.kernel, FieldLimits::kKernel}})
    if (auto ok = checkLength(what, *value, limit); !ok) return ok;
  return success();
}

VoidResult checkReportLimits(const Report& report) {
  if (auto ok = checkHostLimits(report.host); !ok) return ok;
  for (const auto& [what, value] : {std::pair{"agent.id", &report.agentId},
                                    std::pair{"agent.version", &report.agentVersion},
                                    std::pair{"started_at", &report.startedAt}})
    if (auto ok = checkLength(what, *value, FieldLimits::kAgentField); !ok) return ok;
  if (report.results.size() > FieldLimits::kResults)
    return makeError("more than " + std::to_string(FieldLimits::kResults) + " results");
  for (const auto& r : report.results)
    if (auto ok = checkResultLimits(r); !ok) return ok;
  return success();
}

Result<ReceivedReport> readReceivedReport(std::string_view body, int maxDepth) {
  auto received = [&]() -> Result<ReceivedReport> {
    if (auto fast = readWithSimdjson(body, maxDepth)) return std::move(*fast);
    return readWithNlohmann(body, maxDepth);
  }();
  if (received)
    if (auto withinLimits = checkReportLimits(received->report); !withinLimits) return makeError(withinLimits.error());
  return received;
}

}  // namespace annexa::collector
