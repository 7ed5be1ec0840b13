# SPDX-License-Identifier: MIT OR GPL-2.0
"""Fold the repeated runs of a bench case into one result.

tests/bench/guest.sh runs each latency and bulk case `repeats` times. One
run is too few: boot to boot, a 500-round-trip p99 (the fifth-worst) or a
64 MiB transfer's goodput moves by more than the differences the report
is read for.

- Latency: the round trips of all runs are pooled, and the average and
  percentiles recomputed over them as kcpperf and kcpgo_perf compute
  theirs (nearest rank over the answered ones); counts and CPU are summed.
  A p99 of 1500 round trips is the fifteenth-worst.
- Bulk: the run of median goodput, whole, so that its CPU, wire bytes and
  retransmissions are of the same transfer; every run's goodput is kept
  beside it (runs_mbit) to show the spread.

A run that failed is left out; a case whose runs all failed keeps its
first failure.
"""
import math

SUMMED = ("seconds", "pings", "round_trips", "lost", "duplicates", "refused",
          "payload_bytes", "wire_bytes", "errors")


def nearest_rank(sorted_values, p):
    if not sorted_values:
        return 0
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


def pool_latency(results):
    if any("rtt_samples_ms" not in r for r in results):
        # nothing to pool: the run of median p99 stands for them
        return sorted(results, key=lambda r: r["rtt_ms"]["p99"])[len(results) // 2]
    out = dict(results[0])
    samples = sorted(v for r in results for v in r["rtt_samples_ms"])
    for k in SUMMED:
        if all(k in r for r in results):
            out[k] = sum(r[k] for r in results)
    out["retrans"] = {k: sum(r["retrans"].get(k, 0) for r in results)
                      for k in results[0].get("retrans", {})}
    out["wire_estimated"] = any(r.get("wire_estimated") for r in results)
    if out.get("payload_bytes"):
        out["wire_per_payload"] = out["wire_bytes"] / out["payload_bytes"]
    if all("cpu" in r for r in results):
        mib = out.get("payload_bytes", 0) / 2**20
        cpu = {}
        for k in ("client_s", "server_s", "host_s"):
            cpu[k] = sum(r["cpu"].get(k, 0) for r in results)
            cpu[k + "_per_mib"] = cpu[k] / mib if mib else None
        out["cpu"] = cpu
    out["rtt_samples_ms"] = samples
    out["rtt_ms"] = {
        "avg": sum(samples) / len(samples) if samples else 0,
        "p50": nearest_rank(samples, 50), "p90": nearest_rank(samples, 90),
        "p99": nearest_rank(samples, 99), "max": nearest_rank(samples, 100)}
    return out


def median_bulk(results):
    ranked = sorted(results, key=lambda r: r["bits_per_second"])
    out = dict(ranked[len(ranked) // 2])
    out["runs_mbit"] = [r["bits_per_second"] / 1e6 for r in ranked]
    return out


def fold(cases):
    """One case per (part, impl, loss, window), in the order first seen."""
    groups, order = {}, []
    for c in cases:
        key = (c.get("part"), c.get("impl"), c.get("loss"), c.get("window"))
        if c.get("part") not in ("latency", "bulk"):
            key = (key, len(order))     # every other line stands alone
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(c)
    folded = []
    for key in order:
        runs = groups[key]
        good = [c["result"] for c in runs
                if "error" not in c.get("result", {"error": None})]
        if len(runs) == 1 or not good:
            folded.append(runs[0])
            continue
        result = pool_latency(good) if key[0] == "latency" else median_bulk(good)
        result["runs"] = len(good)
        result["runs_failed"] = len(runs) - len(good)
        folded.append(dict(runs[0], result=result))
    return folded
