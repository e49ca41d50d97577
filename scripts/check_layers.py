#!/usr/bin/env python3
"""Checks the direction of the source tree's includes (run by the build before anything is compiled).

Each folder of src/ may include only the folders below it:
  core <- domain <- rules <- io <- store <- app <- api <- web <- cli, and http (the transport) sits on core.
The front doors (api, web, cli) never include a store header: they reach the store through src/app. The
spreadsheet readers (io/xlsx, io/xls) know only io/workbook and core. Folders that include each other in a
circle are named. Every breach is printed as FILE:LINE with what it includes; the exit status is 1 if any.
Usage: check_layers.py SRC_DIR
"""
import os
import re
import sys

ALLOWED = {
    "core": set(),
    "domain": {"core"},
    "rules": {"core", "domain"},
    "io": {"core", "domain", "rules"},
    "store": {"core", "domain", "rules", "io"},
    "app": {"core", "domain", "rules", "io", "store"},
    "http": {"core"},
    "api": {"core", "domain", "rules", "io", "app", "http"},
    "web": {"core", "domain", "rules", "io", "app", "http", "api"},
    "cli": {"core", "domain", "rules", "io", "app", "http", "api", "web"},
}
# Sub-folders held to less than their folder: the spreadsheet readers build, test and fuzz on their own.
READERS = ("io/xlsx/", "io/xls/")
READER_MAY_INCLUDE = ("core/", "io/workbook/workbook.hpp")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(rel):
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else ""


def main(src):
    problems = []
    graph = {}
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src).replace(os.sep, "/")
            here = folder_of(rel)
            if here not in ALLOWED:
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1)
                    there = folder_of(target)
                    if there not in ALLOWED:
                        continue  # generated files and third-party headers
                    if there != here:
                        graph.setdefault(here, {}).setdefault(there, f"{rel}:{number}")
                        if there not in ALLOWED[here]:
                            why = ("a front door reaches the store only through src/app"
                                   if there == "store" else f"{there} is not below {here}")
                            problems.append(f"src/{rel}:{number}: includes \"{target}\": {why}")
                    reader = next((r for r in READERS if rel.startswith(r)), None)
                    if reader and not target.startswith(reader) and not target.startswith(READER_MAY_INCLUDE):
                        problems.append(f"src/{rel}:{number}: includes \"{target}\": the readers in "
                                        f"{reader} know only core and io/workbook/workbook.hpp")
    # Circles between folders (a folder including one that includes it back, directly or further round).
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, {}):
            if state.get(nxt) == 1:
                circle = stack[stack.index(nxt):] + [nxt]
                hops = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(circle, circle[1:])]
                problems.append("folders include each other in a circle: " + ", ".join(hops))
            elif state.get(nxt) is None:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node, [])
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check_layers: {len(problems)} include(s) against the layering (see src/CMakeLists.txt)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
