#!/usr/bin/env python3
"""Every command, action and option an executable's usage lists appears in its man page.

Usage: man_pages_test.py EXECUTABLE MANPAGE

The usage is what the binary prints for `help` (and, for commands whose usage line says ACTION, what it prints
when run with no action), so a subcommand or option added to the program without its man page fails here.
"""
import re
import subprocess
import sys


def run(argv):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def usage_texts(executable):
    main = run([executable, "help"])
    texts = [main]
    for line in main.splitlines():
        if "ACTION" in line:  # "  soa | exceptions | … ACTION …": each prints its own usage without an action
            for command in re.findall(r"(?:^\s+|\|\s*)([a-z][a-z-]+)", line.split("ACTION")[0]):
                texts.append(run([executable, command]))
    return texts


def documented_words(manpage):
    with open(manpage, encoding="utf-8") as f:
        source = f.read()
    source = source.replace("\\-", "-")
    source = re.sub(r"\\f[BIRP]", "", source)
    return set(re.findall(r"--?[a-z0-9][a-z0-9-]*|[a-z][a-z0-9_-]*", source))


def listed_words(texts):
    commands, options = set(), set()
    for text in texts:
        options.update(re.findall(r"--[a-z][a-z0-9-]*", text))
        for line in text.splitlines():
            if line.startswith("usage:"):
                continue
            # A command at the start of a line, or an action after "|": "  token create …", "| list |".
            match = re.match(r"^  ([a-z][a-z-]+)(?:\s+([a-z][a-z-]+))?\b", line)
            if match:
                commands.add(match.group(1))
            for action in re.findall(r"\|\s*([a-z][a-z_-]+)\b", line):
                commands.add(action)
            # "  token     create [--ttl …", "  docs     add FILE …": an action is followed by an argument, an
            # option or an alternative; "  checks    list the checks" is a description.
            for action in re.findall(r"^\s{2,}[a-z][a-z-]+\s+([a-z][a-z-]+)\s+(?=[A-Z\[|]|--)", line):
                commands.add(action)
    return commands, options


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    executable, manpage = sys.argv[1:]
    commands, options = listed_words(usage_texts(executable))
    documented = documented_words(manpage)
    missing = sorted((commands | options) - documented)
    print(f"{executable}: {len(commands)} commands/actions, {len(options)} options in the usage")
    if missing:
        print(f"{manpage} does not mention: {' '.join(missing)}", file=sys.stderr)
        return 1
    if len(commands) + len(options) < 3:
        print(f"{executable}: the usage listed almost nothing; is this the right binary?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
