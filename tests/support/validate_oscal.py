#!/usr/bin/env python3
"""Validates an OSCAL JSON document against a NIST OSCAL JSON schema (draft-07).

usage: validate_oscal.py SCHEMA.json DOCUMENT.json
Exit 0 valid; 1 invalid (every error printed with its JSON path); 2 usage or unreadable file;
3 python3-jsonschema is not installed.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_oscal.py: the jsonschema module is missing: apt-get install python3-jsonschema", file=sys.stderr)
    sys.exit(3)


def python_patterns(node):
    """OSCAL patterns use \\p{L} and \\p{N}, which Python's re rejects: rewrite them to equivalent classes."""
    if isinstance(node, dict):
        return {k: (v.replace("\\p{L}", "[^\\W\\d_]").replace("\\p{N}", "\\d")
                    if k == "pattern" and isinstance(v, str) else python_patterns(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [python_patterns(v) for v in node]
    return node


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = python_patterns(json.load(f))
        with open(argv[2], encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        print(f"validate_oscal.py: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = "/".join(str(p) for p in error.absolute_path)
        print(f"{path}: {error.message[:300]}")
    if errors:
        print(f"{len(errors)} schema violation(s)")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
