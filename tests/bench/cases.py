# SPDX-License-Identifier: MIT OR GPL-2.0
"""The cases make bench ran: the guest's "@@bench {json}" lines, read back."""
import glob
import json
import os


def load_cases(raw):
    cases = []
    for path in sorted(glob.glob(os.path.join(raw, "*.log"))):
        with open(path, errors="replace") as f:
            for line in f:
                if not line.startswith("@@bench "):
                    continue
                try:
                    cases.append(json.loads(line[len("@@bench "):]))
                except json.JSONDecodeError as e:
                    cases.append({"part": "broken", "impl": path, "loss": None,
                                  "window": None, "result": {"error": str(e)}})
    return cases


def pick(cases, part, impl=None, loss=None, window=None):
    for c in cases:
        if c.get("part") != part:
            continue
        if impl is not None and c.get("impl") != impl:
            continue
        if loss is not None and c.get("loss") != loss:
            continue
        if window is not None and c.get("window") != window:
            continue
        r = c.get("result", {})
        return None if "error" in r else r
    return None
