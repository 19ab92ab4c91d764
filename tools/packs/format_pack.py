#!/usr/bin/python3
"""Rewrites a pack JSON file in the house layout: objects indented, lists of plain values
(keywords, values) kept on one line, so that diffs of keyword changes stay small.

usage: tools/packs/format_pack.py PACK.json [MERGE.json ...]
Top-level keys of each MERGE file replace (or are added to) the pack's."""
import json
import sys


def dump(v, indent=0):
    pad = "  " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        simple = all(not isinstance(x, (dict, list)) or (isinstance(x, list) and all(not isinstance(y, (dict, list)) for y in x)) for x in v.values())
        one = "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + dump(x, indent + 1) for k, x in v.items()) + "}"
        if simple and len(one) + len(pad) <= 110:
            return one
        items = [pad + "  " + json.dumps(k, ensure_ascii=False) + ": " + dump(x, indent + 1) for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(json.dumps(x, ensure_ascii=False) for x in v) + "]"
        return "[\n" + ",\n".join(pad + "  " + dump(x, indent + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v, ensure_ascii=False)


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        pack = json.load(f)
    for extra in sys.argv[2:]:
        with open(extra, encoding="utf-8") as f:
            pack.update(json.load(f))
    with open(path, "w", encoding="utf-8") as f:
        f.write(dump(pack) + "\n")


if __name__ == "__main__":
    main()
