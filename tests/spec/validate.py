#!/usr/bin/python3
"""Validates a JSON document (a file, or - for stdin) against one of schema/*.json (draft-07).
Prints each violation with its JSON path and exits 1 when there is any."""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) != 3:
        print("usage: validate.py SCHEMA DOCUMENT|-", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    doc = json.load(sys.stdin if sys.argv[2] == "-" else open(sys.argv[2]))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.path).lstrip(".")
        print(f"{path or '(top)'}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
