# SPDX-License-Identifier: MIT OR GPL-2.0
"""The smoke run's verdict (make check runs make bench's tiny matrix)."""
import os
import sys

from cases import pick


def check_smoke(cases, out):
    """The smoke run's verdict: every case there, whole and plausible."""
    problems = []

    def need(part, impl, loss=None, window=None):
        r = pick(cases, part, impl, loss, window)
        if r is None:
            problems.append("%s %s: no result" % (part, impl))
        return r

    for impl in ("kcpko-kcpgo", "kcpgo", "tcp"):
        r = need("latency", impl)
        if r and (r["round_trips"] != r["pings"] or not r["pings"] or
                  not 50 <= r["rtt_ms"]["p50"] < 1000):
            problems.append("latency %s: %d of %d answered, p50 %.1f ms (25 ms "
                            "each way)" % (impl, r["round_trips"], r["pings"],
                                           r["rtt_ms"]["p50"]))
    for impl in ("kcpko", "kcpgo", "tcp"):
        r = need("bulk", impl)
        if r and (r["bytes_received"] != r["bytes_sent"] or
                  r["bits_per_second"] <= 0 or r["wire_per_payload"] < 1):
            problems.append("bulk %s: %d of %d bytes, %.0f bit/s, wire %.3f" % (
                impl, r["bytes_received"], r["bytes_sent"], r["bits_per_second"],
                r["wire_per_payload"]))
    for impl in ("kcpgo-baseline", "kcpgo-dial", "kcpgo-listen", "kcpgo-idle"):
        need("scale", impl)
    for impl in ("kcp", "tcp"):
        r = need("scale", impl)
        if r and (not r["all_acked"] or r["bytes_per_pair"] <= 0):
            problems.append("scale %s: not settled or no memory measured" % impl)
    for png in ("latency_cdf_loss5.png", "goodput_loss0.png"):
        if not os.path.exists(os.path.join(out, png)):
            problems.append("no plot %s" % png)
    for p in problems:
        print("report: smoke: " + p, file=sys.stderr)
    return not problems
