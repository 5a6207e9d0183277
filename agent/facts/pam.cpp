#include "agent/facts/pam.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "common/text.hpp"

namespace annexa::agent {
namespace {

constexpr int kMaxIncludeDepth = 16;  // Linux-PAM's substack limit
constexpr std::size_t kMaxPamFileBytes = 256 * 1024;
constexpr const char* kServiceDirectories[] = {"/etc/pam.d", "/usr/lib/pam.d"};

// Removes a '#' comment that is not inside a [bracketed] token.
std::string_view stripPamComment(std::string_view line) {
  int depth = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '[') ++depth;
    else if (line[i] == ']' && depth > 0) --depth;
    else if (line[i] == '#' && depth == 0) return line.substr(0, i);
  }
  return line;
}

// Splits on blanks; a token starting with '[' runs to the matching ']' and may hold blanks ("\]" escapes).
std::vector<std::string> splitPamTokens(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string token;
    if (line[i] == '[') {
      while (i < line.size()) {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == ']') {
          token += ']';
          i += 2;
          continue;
        }
        token += line[i];
        if (line[i++] == ']') break;
      }
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') token += line[i++];
    }
    out.push_back(std::move(token));
  }
  return out;
}

std::optional<PamType> parseType(std::string_view type) {
  if (text::iequals(type, "auth")) return PamType::Auth;
  if (text::iequals(type, "account")) return PamType::Account;
  if (text::iequals(type, "password")) return PamType::Password;
  if (text::iequals(type, "session")) return PamType::Session;
  return std::nullopt;
}

// ---- the stack walk ----------------------------------------------------------------------------------------------

enum class Action { Ignore, Ok, Done, Bad, Die, Reset, Jump };
struct Step {
  Action action = Action::Bad;
  int jump = 0;
};

Step parseAction(std::string_view value) {
  if (value == "ignore") return {Action::Ignore, 0};
  if (value == "ok") return {Action::Ok, 0};
  if (value == "done") return {Action::Done, 0};
  if (value == "bad") return {Action::Bad, 0};
  if (value == "die") return {Action::Die, 0};
  if (value == "reset") return {Action::Reset, 0};
  long long n = 0;
  if (text::parseInt(value, n) && n > 0 && n < 1000) return {Action::Jump, static_cast<int>(n)};
  return {Action::Bad, 0};
}

// What a control does for each kind of module result. A failure may be reported with any failure code, so it may
// lead to several actions (every failure code named in brackets, plus the default).
struct ControlActions {
  std::vector<Step> onSuccess;
  std::vector<Step> onFailure;
  std::vector<Step> onIgnore;
};

ControlActions controlActions(std::string_view control) {
  const auto simple = [](Action success, Action failure, Action ignore) {
    return ControlActions{{{success, 0}}, {{failure, 0}}, {{ignore, 0}}};
  };
  if (control == "required") return simple(Action::Ok, Action::Bad, Action::Ignore);
  if (control == "requisite") return simple(Action::Ok, Action::Die, Action::Ignore);
  if (control == "sufficient") return simple(Action::Done, Action::Ignore, Action::Ignore);
  if (control == "optional") return simple(Action::Ok, Action::Ignore, Action::Ignore);
  if (control.empty() || control.front() != '[') return simple(Action::Bad, Action::Bad, Action::Bad);

  // [value=action …]: unnamed results take "default", and without a default Linux-PAM treats them as "bad".
  std::map<std::string, Step, std::less<>> named;
  for (const auto& word : text::splitWords(control.substr(1, control.size() - 2))) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    named[text::toLower(word.substr(0, eq))] = parseAction(text::toLower(word.substr(eq + 1)));
  }
  const auto lookup = [&](std::string_view key) {
    const auto it = named.find(key);
    if (it != named.end()) return it->second;
    const auto fallback = named.find("default");
    return fallback != named.end() ? fallback->second : Step{Action::Bad, 0};
  };
  ControlActions actions;
  actions.onSuccess.push_back(lookup("success"));
  actions.onIgnore.push_back(lookup("ignore"));
  actions.onFailure.push_back(lookup("default"));
  for (const auto& [key, step] : named)
    if (key != "success" && key != "ignore" && key != "default" && key != "new_authtok_reqd")
      actions.onFailure.push_back(step);
  return actions;
}

enum Impression { kUndefined = 0, kPositive = 1, kNegative = 2 };

class StackWalker {
 public:
  StackWalker(const PamStack& stack, const PamOutcomes& outcomes) : rules_(stack.rules), outcomes_(outcomes) {
    scopeEnd_.assign(rules_.size(), rules_.size());
    for (std::size_t i = 0; i < rules_.size(); ++i)
      if (rules_[i].isSubstack())
        for (std::size_t j = i + 1; j < rules_[i].substackEnd && j < rules_.size(); ++j) scopeEnd_[j] = rules_[i].substackEnd;
    memo_.assign((rules_.size() + 1) * 6, kUnknown);
  }

  bool canSucceed() { return walk(0, kUndefined, false); }

 private:
  enum Memo : char { kUnknown, kVisiting, kNo, kYes };

  // Success is reachable from rule `pc` with the stack's state so far (impression, whether the status is success).
  bool walk(std::size_t pc, int impression, bool statusOk) {
    if (pc >= rules_.size()) return impression == kPositive && statusOk;
    auto& memo = memo_[pc * 6 + static_cast<std::size_t>(impression) * 2 + (statusOk ? 1 : 0)];
    if (memo == kYes || memo == kNo || memo == kVisiting) return memo == kYes;
    memo = kVisiting;  // control flow only moves forward; this guards against malformed input
    const bool result = explore(pc, impression, statusOk);
    memo = result ? kYes : kNo;
    return result;
  }

  bool explore(std::size_t pc, int impression, bool statusOk) {
    const PamRule& rule = rules_[pc];
    if (rule.isSubstack()) return walk(pc + 1, impression, statusOk);
    const unsigned possible = outcomes_(rule);
    if (possible == 0) return walk(pc + 1, impression, statusOk);
    const ControlActions actions = controlActions(rule.control);
    const std::array<std::pair<unsigned, const std::vector<Step>*>, 3> branches{
        {{kPamSuccess, &actions.onSuccess}, {kPamFailure, &actions.onFailure}, {kPamIgnore, &actions.onIgnore}}};
    for (const auto& [outcome, steps] : branches) {
      if (!(possible & outcome)) continue;
      for (const auto& step : *steps)
        if (apply(pc, step, outcome, impression, statusOk)) return true;
    }
    return false;
  }

  // One action of Linux-PAM's dispatcher (_pam_dispatch_aux), then the rest of the stack.
  bool apply(std::size_t pc, Step step, unsigned outcome, int impression, bool statusOk) {
    switch (step.action) {
      case Action::Ignore:
        return walk(pc + 1, impression, statusOk);
      case Action::Reset:
        return walk(pc + 1, kUndefined, false);
      case Action::Bad:
      case Action::Die:
        if (impression != kNegative) {
          impression = kNegative;
          statusOk = false;
        }
        return walk(step.action == Action::Die ? scopeEnd_[pc] : pc + 1, impression, statusOk);
      case Action::Ok:
      case Action::Done:
      case Action::Jump:
        if ((impression == kUndefined || (impression == kPositive && statusOk)) && outcome != kPamIgnore) {
          impression = kPositive;
          statusOk = outcome == kPamSuccess;
        }
        if (step.action == Action::Done && impression != kNegative) return walk(scopeEnd_[pc], impression, statusOk);
        if (step.action == Action::Jump) return walk(skip(pc, step.jump), impression, statusOk);
        return walk(pc + 1, impression, statusOk);
    }
    return false;
  }

  // The rule after jumping over `count` rules of the same stack level (a substack counts as one).
  std::size_t skip(std::size_t pc, int count) const {
    std::size_t next = pc + 1;
    for (int i = 0; i < count && next < scopeEnd_[pc]; ++i)
      next = rules_[next].isSubstack() ? rules_[next].substackEnd : next + 1;
    return std::min(next, scopeEnd_[pc]);
  }

  const std::vector<PamRule>& rules_;
  const PamOutcomes& outcomes_;
  std::vector<std::size_t> scopeEnd_;  // where done/die inside a substack continue (the end of the stack at top level)
  std::vector<char> memo_;
};

// ---- loading -----------------------------------------------------------------------------------------------------

class StackLoader {
 public:
  StackLoader(const SystemView* system, PamStack& stack) : system_(system), stack_(stack) {}

  VoidResult load(std::string_view content, const std::string& file, int depth) {
    // Listed (before the files it includes) when it is the service file or contributes rules of this type.
    const auto position = stack_.files.size();
    const auto rulesBefore = stack_.rules.size();
    auto loaded = loadLines(content, file, depth);
    if (depth == 0 || stack_.rules.size() > rulesBefore)
      stack_.files.insert(stack_.files.begin() + static_cast<std::ptrdiff_t>(position), file);
    return loaded;
  }

 private:
  VoidResult loadLines(std::string_view content, const std::string& file, int depth) {
    for (auto& line : parsePamFile(content)) {
      if (line.type == "@include") {
        auto included = include(line.module, depth);
        if (!included) return included;
        continue;
      }
      const auto type = parseType(line.type);
      if (!type || *type != stack_.type) continue;
      if (line.control == "include" || line.control == "substack") {
        const std::size_t marker = stack_.rules.size();
        if (line.control == "substack") stack_.rules.push_back(toRule(line, file));
        auto included = include(line.module, depth);
        if (!included) return included;
        if (line.control == "substack") stack_.rules[marker].substackEnd = stack_.rules.size();
        continue;
      }
      stack_.rules.push_back(toRule(std::move(line), file));
    }
    return success();
  }

  PamRule toRule(PamLine line, const std::string& file) const {
    PamRule rule;
    rule.type = stack_.type;
    rule.dashed = line.dashed;
    rule.control = std::move(line.control);
    rule.module = std::move(line.module);
    rule.args = std::move(line.args);
    rule.file = file;
    rule.line = line.line;
    return rule;
  }

  VoidResult include(const std::string& name, int depth) {
    if (!system_) return success();
    if (depth + 1 > kMaxIncludeDepth) return makeError("PAM includes nested deeper than 16 levels at " + name);
    std::optional<std::string> path;
    if (!name.empty() && name.front() == '/') {
      if (system_->exists(name)) path = name;
    } else {
      path = findPamServiceFile(*system_, name);
    }
    if (!path) {
      stack_.problems.push_back("included PAM file " + name + " does not exist");
      return success();
    }
    auto content = system_->readFile(*path, kMaxPamFileBytes);
    if (!content) return makeError("cannot read " + content.error());
    return load(*content, *path, depth + 1);
  }

  const SystemView* system_;
  PamStack& stack_;
};

}  // namespace

std::string_view toString(PamType type) {
  switch (type) {
    case PamType::Auth: return "auth";
    case PamType::Account: return "account";
    case PamType::Password: return "password";
    case PamType::Session: return "session";
  }
  return "auth";
}

std::vector<PamLine> parsePamFile(std::string_view content) {
  std::vector<PamLine> out;
  std::string pending;  // a line continued with a trailing backslash
  int lineNumber = 0;
  int startLine = 0;
  for (const auto raw : text::lines(content)) {
    ++lineNumber;
    if (pending.empty()) startLine = lineNumber;
    if (!raw.empty() && raw.back() == '\\') {
      pending.append(raw.substr(0, raw.size() - 1)).push_back(' ');
      continue;
    }
    pending.append(raw);
    const auto tokens = splitPamTokens(text::trim(stripPamComment(pending)));
    pending.clear();
    if (tokens.empty()) continue;
    PamLine line;
    line.line = startLine;
    if (tokens[0] == "@include") {
      if (tokens.size() < 2) continue;
      line.type = "@include";
      line.module = tokens[1];
      out.push_back(std::move(line));
      continue;
    }
    if (tokens.size() < 3) continue;  // Linux-PAM ignores (and logs) incomplete lines
    std::string_view type = tokens[0];
    if (type.front() == '-') {
      line.dashed = true;
      type.remove_prefix(1);
    }
    line.type = text::toLower(type);
    line.control = tokens[1].front() == '[' ? tokens[1] : text::toLower(tokens[1]);
    line.module = tokens[2];
    line.args.assign(tokens.begin() + 3, tokens.end());
    out.push_back(std::move(line));
  }
  return out;
}

std::string PamRule::moduleName() const {
  std::string name(baseName(module));
  if (text::endsWith(name, ".so")) name.resize(name.size() - 3);
  return name;
}

bool PamRule::hasArg(std::string_view arg) const {
  for (const auto& a : args)
    if (a == arg) return true;
  return false;
}

std::optional<std::string> PamRule::argValue(std::string_view key) const {
  std::optional<std::string> value;
  for (const auto& a : args)
    if (a.size() > key.size() && a[key.size()] == '=' && text::startsWith(a, key)) value = a.substr(key.size() + 1);
  return value;
}

std::string PamRule::text() const {
  std::string out = (dashed ? "-" : "") + std::string(toString(type)) + " " + control + " " + module;
  for (const auto& a : args) out += " " + a;
  return out;
}

std::optional<std::string> findPamServiceFile(const SystemView& system, std::string_view service) {
  for (const char* directory : kServiceDirectories) {
    auto path = joinPath(directory, service);
    if (system.exists(path)) return path;
  }
  return std::nullopt;
}

Result<PamStack> loadPamStack(const SystemView& system, std::string_view service, PamType type) {
  const auto path = findPamServiceFile(system, service);
  if (!path) return makeError("no PAM configuration for service " + std::string(service) + " (/etc/pam.d/" +
                              std::string(service) + ")");
  auto content = system.readFile(*path, kMaxPamFileBytes);
  if (!content) return makeError("cannot read " + content.error());
  PamStack stack;
  stack.service = std::string(service);
  stack.type = type;
  StackLoader loader(&system, stack);
  auto loaded = loader.load(*content, *path, 0);
  if (!loaded) return makeError(loaded.error());
  return stack;
}

PamStack pamStackFromText(std::string_view content, PamType type, std::string_view file) {
  PamStack stack;
  stack.service = std::string(baseName(file));
  stack.type = type;
  StackLoader loader(nullptr, stack);
  (void)loader.load(content, std::string(file), 0);
  return stack;
}

unsigned anyPamOutcome(const PamRule& rule) {
  const auto name = rule.moduleName();
  if (name == "pam_deny") return kPamFailure;
  if (name == "pam_permit") return kPamSuccess;
  return kPamSuccess | kPamFailure | kPamIgnore;
}

bool pamStackCanSucceed(const PamStack& stack, const PamOutcomes& outcomes) {
  return StackWalker(stack, outcomes).canSucceed();
}

std::optional<bool> pamModuleInstalled(const SystemView& system, std::string_view module) {
  if (!module.empty() && module.front() == '/') return system.exists(module);
  std::vector<std::string> directories = {"/lib/security", "/lib64/security", "/usr/lib/security",
                                          "/usr/lib64/security"};
  // Multiarch (Debian): /usr/lib/x86_64-linux-gnu/security; top level of /usr/lib and /lib only.
  for (const char* base : {"/usr/lib", "/lib"})
    if (auto entries = system.listDirectory(base))
      for (const auto& entry : *entries)
        if (text::contains(entry, "-linux-")) directories.push_back(joinPath(joinPath(base, entry), "security"));
  bool anyDirectory = false;
  for (const auto& directory : directories) {
    if (!system.isDirectory(directory)) continue;
    anyDirectory = true;
    if (system.exists(joinPath(directory, module))) return true;
  }
  if (!anyDirectory) return std::nullopt;
  return false;
}

}  // namespace annexa::agent
