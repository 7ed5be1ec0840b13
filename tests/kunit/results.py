#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR GPL-2.0
"""Turn a kunit.py run into rows of make check's results file.

    results.py JSON SECONDS STATUS SOURCE...

JSON is what `kunit.py run --json` wrote (possibly nothing), SECONDS the
tier's time, STATUS kunit.py's exit status, SOURCE the *_kunit.c files.
Prints "kunit<TAB>case<TAB>PASS|FAIL|SKIP<TAB>seconds" rows and exits 1 if
any is a failure.

KUnit counts only what ran: a suite that crashed User-Mode Linux midway
reports fewer cases and kunit.py may still print a summary. So the cases
each suite declares in its source (its KUNIT_CASE* entries) are counted
here too, and every shortfall is a failure of its own, as is a non-zero
exit status of kunit.py or a run with no results at all.
"""
import json
import re
import sys

CASE_ARRAY = re.compile(
    r"struct\s+kunit_case\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\n\};", re.S)
SUITE = re.compile(
    r"struct\s+kunit_suite\s+\w+\s*=\s*\{(.*?)\n\};", re.S)


def declared_suites(sources):
    """{suite name: number of KUNIT_CASE* entries} from the C sources."""
    suites = {}
    for path in sources:
        text = open(path, encoding="utf-8").read()
        arrays = {name: len(re.findall(r"\bKUNIT_CASE\w*\s*\(", body))
                  for name, body in CASE_ARRAY.findall(text)}
        for body in SUITE.findall(text):
            name = re.search(r'\.name\s*=\s*"([^"]+)"', body)
            cases = re.search(r"\.test_cases\s*=\s*(\w+)", body)
            if name and cases:
                suites[name.group(1)] = arrays.get(cases.group(1), 0)
    return suites


def leaves(group, path):
    """(dotted name, status) of every case, parameterised ones expanded."""
    for case in group.get("test_cases", []):
        # kunit.py names a case that took UML down with it ""
        name = case["name"] or "(a case that crashed UML)"
        yield ".".join(path + [name]), case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path + [sub["name"]])


def main():
    json_path, seconds, status = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    declared = declared_suites(sys.argv[4:])
    rows = []

    try:
        root = json.load(open(json_path, encoding="utf-8"))
    except (OSError, ValueError):
        root = {}
    ran = {suite["name"]: suite for suite in root.get("sub_groups", [])}

    for suite in ran.values():
        for name, result in leaves(suite, [suite["name"]]):
            verdict = result if result in ("PASS", "SKIP") else "FAIL"
            rows.append((name, verdict))

    if not ran:
        rows.append(("no test results: UML did not build or crashed before the first suite",
                     "FAIL"))
    for name, count in sorted(declared.items()):
        suite = ran.get(name)
        if suite is None:
            if ran:
                rows.append((name + ": declared but did not run", "FAIL"))
            continue
        got = len(suite.get("test_cases", [])) + len(suite.get("sub_groups", []))
        if got < count:
            rows.append(("%s: %d of %d declared cases reported" % (name, got, count),
                         "FAIL"))
    if status != 0:
        rows.append(("kunit.py exited with status %d" % status, "FAIL"))

    for name, verdict in rows:
        # the tier's time (build and run) goes on its first row
        print("kunit\t%s\t%s\t%d" % (name, verdict, seconds))
        seconds = 0
    return 1 if any(v == "FAIL" for _, v in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
