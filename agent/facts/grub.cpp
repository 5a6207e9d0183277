#include "agent/facts/grub.hpp"

#include "common/text.hpp"

namespace annexa::agent {
namespace {

std::string_view unquote(std::string_view value) {
  while (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '"' || value.back() == '\'')) value.remove_suffix(1);
  return value;
}

// Expands a GRUB_CMDLINE_* value: its own variable expands to the current value, other variables are dropped.
std::string expandCmdline(std::string_view value, std::string_view variable, const std::string& current) {
  std::vector<std::string> words;
  for (const auto& word : text::splitWords(value)) {
    if (word == "$" + std::string(variable) || word == "${" + std::string(variable) + "}") {
      if (!current.empty()) words.push_back(current);
    } else if (!word.empty() && word.front() != '$') {
      words.push_back(word);
    }
  }
  return text::join(words, " ");
}

}  // namespace

void applyDefaultGrub(std::string_view content, std::string& cmdlineLinux, std::string& cmdlineDefault) {
  for (const auto raw : text::lines(content)) {
    auto line = text::stripComment(raw);
    if (text::startsWith(line, "export ")) line = text::trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto name = line.substr(0, eq);
    const auto value = unquote(text::trim(line.substr(eq + 1)));
    if (name == "GRUB_CMDLINE_LINUX") cmdlineLinux = expandCmdline(value, name, cmdlineLinux);
    else if (name == "GRUB_CMDLINE_LINUX_DEFAULT") cmdlineDefault = expandCmdline(value, name, cmdlineDefault);
  }
}

DefaultGrubCmdline readDefaultGrubCmdline(const SystemView& system) {
  DefaultGrubCmdline out;
  std::vector<std::string> files{"/etc/default/grub"};
  const auto dropIns = system.glob("/etc/default/grub.d/*.cfg");
  files.insert(files.end(), dropIns.begin(), dropIns.end());
  std::string cmdlineLinux;
  std::string cmdlineDefault;
  for (const auto& path : files) {
    const auto content = system.readFile(path, 256 * 1024);
    if (!content) continue;
    applyDefaultGrub(*content, cmdlineLinux, cmdlineDefault);
    out.sources.push_back(path);
  }
  out.words = text::splitWords(cmdlineLinux + " " + cmdlineDefault);
  return out;
}

GrubPasswordScan scanGrubPassword(std::string_view config) {
  GrubPasswordScan scan;
  for (const auto raw : text::lines(config)) {
    const auto line = text::stripComment(raw);
    const auto words = text::splitWords(line);
    if (const auto at = line.find("superusers="); at != std::string_view::npos &&
                                                  text::contains(line.substr(0, at), "set ")) {
      const auto rest = text::splitWords(line.substr(at + 11));
      if (!rest.empty() && !unquote(rest.front()).empty() && !scan.superusers) {
        scan.superusers = true;
        scan.superusersLine = std::string(line);
      }
    }
    // The password command starts the line (grub.cfg, heredocs in /etc/grub.d) or follows an echo.
    const std::size_t command = !words.empty() && words.front() == "echo" ? 1 : 0;
    if (words.size() >= command + 3) {
      const std::size_t i = command;
      const std::string_view verb = unquote(words[i]);
      const std::string_view hash = unquote(words[i + 2]);
      if (verb == "password_pbkdf2") {
        // The hash never goes into evidence: only its kind.
        if (text::startsWith(hash, "grub.pbkdf2.")) {
          scan.pbkdf2 = true;
          scan.passwordLine = "password_pbkdf2 " + words[i + 1] + " grub.pbkdf2.… (hash)";
        } else if (text::contains(hash, "GRUB2_PASSWORD")) {
          scan.pbkdf2FromUserCfg = true;
          if (scan.passwordLine.empty()) scan.passwordLine = "password_pbkdf2 " + words[i + 1] + " ${GRUB2_PASSWORD}";
        }
      } else if (verb == "password") {
        scan.plaintext = true;
        if (scan.passwordLine.empty()) scan.passwordLine = "password " + words[i + 1] + " … (plain text)";
      }
    }
  }
  return scan;
}

void mergeGrubScan(GrubPasswordScan& into, const GrubPasswordScan& from) {
  if (from.superusers && !into.superusers) into.superusersLine = from.superusersLine;
  if ((from.pbkdf2 && !into.pbkdf2) || into.passwordLine.empty()) into.passwordLine = from.passwordLine;
  into.superusers = into.superusers || from.superusers;
  into.pbkdf2 = into.pbkdf2 || from.pbkdf2;
  into.pbkdf2FromUserCfg = into.pbkdf2FromUserCfg || from.pbkdf2FromUserCfg;
  into.plaintext = into.plaintext || from.plaintext;
}

bool userCfgHasPasswordHash(std::string_view content) {
  for (const auto raw : text::lines(content)) {
    const auto line = text::stripComment(raw);
    if (text::startsWith(line, "GRUB2_PASSWORD=") && text::startsWith(unquote(line.substr(15)), "grub.pbkdf2."))
      return true;
  }
  return false;
}

}  // namespace annexa::agent
