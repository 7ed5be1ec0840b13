#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR GPL-2.0
"""Render make bench's report from what the guest and the host printed.

    report.py --raw DIR --out DIR --kernel VERSION [--smoke]

Reads DIR/*.log ("@@bench {json}" lines from tests/bench/guest.sh),
sim.txt (kcpsim's table) and footprint.txt (tests/bench/run), writes
report.md, results.json and the PNG plots (gnuplot) into --out, and
prints the headline ratios. Every ratio is of two figures of the same
run; nothing here is compared with another machine.
"""
import argparse
import datetime
import glob
import json
import os
import subprocess
import sys

import repeats
from cases import load_cases, pick
from smoke import check_smoke

IMPL_NAMES = {
    "kcpko-kcpgo": "kcp.ko, kcp-go's parameters",
    "kcpko-fast3": "kcp.ko, profile fast3",
    "kcpko-realtime": "kcp.ko, profile realtime",
    "kcpko-wan": "kcp.ko, profile wan",
    "kcpko-default": "kcp.ko, profile default",
    "kcpko": "kcp.ko",
    "kcpgo": "kcp-go (userspace)",
    "tcp": "TCP",
    "udp": "UDP ceiling",
    "kcp": "kcp.ko",
}
RUST_BINARY = 2.6e6     # bytes, quoted in issue 8, not measured here
RUST_LIBRARY = 312e3


def name(impl):
    return IMPL_NAMES.get(impl, impl)


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, int):
        return str(v)
    return "%.*f" % (digits, v)


def fx(v):
    if v is None:
        return "–"
    if 0 < v < 0.001:
        return "%.1e×" % v
    return ("%.3f×" if v < 0.1 else "%.2f×") % v


def ordered(values):
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def gnuplot(script, cwd):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd, check=True,
                       capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or str(e)
        print("report: gnuplot failed: %s" % err.strip(), file=sys.stderr)
        return False


# ---------------------------------------------------------------- latency

def latency(cases, out, md, heads, data):
    rows = [c for c in cases if c.get("part") == "latency"]
    if not rows:
        return
    losses = ordered(c["loss"] for c in rows)
    impls = ordered(c["impl"] for c in rows)
    md.append("## Latency under loss\n")
    md.append("Request/response through netem on both sides of the veth pair: "
              "25 ms delay each way, the loss rate each way, 64-byte messages "
              "(kcpperf records, header included) every 20 ms on a fixed "
              "schedule, RTT timed from when each message was due. Ratios are "
              "kcp.ko with kcp-go's parameters over the other; below 1 is better "
              "for kcp.ko.\n")
    base = "kcpko-kcpgo"
    data["latency"] = {}
    for loss in losses:
        ref = pick(cases, "latency", base, loss)
        runs = ref.get("runs", 1) if ref else 1
        md.append("### %s%% loss each way%s\n" % (
            loss, "" if runs == 1 else
            " (%d runs pooled, %d round trips)" % (runs, ref["pings"])))
        md.append("| implementation | avg ms | p50 | p90 | p99 | max | unanswered "
                  "| retrans | wire B/B | kcp.ko avg ÷ this | kcp.ko p99 ÷ this |")
        md.append("|---|---|---|---|---|---|---|---|---|---|---|")
        curves = []
        for impl in impls:
            r = pick(cases, "latency", impl, loss)
            c = next(c for c in rows if c["impl"] == impl and c["loss"] == loss) \
                if any(c["impl"] == impl and c["loss"] == loss for c in rows) else None
            if c is None:
                continue
            if r is None:
                md.append("| %s | failed: %s |||||||||| " %
                          (name(impl), c["result"].get("error", "?")[:80]))
                continue
            q = r["rtt_ms"]
            data["latency"].setdefault(str(loss), {})[impl] = {
                k: q[k] for k in ("avg", "p50", "p90", "p99", "max")}
            rel_avg = ratio(ref["rtt_ms"]["avg"], q["avg"]) if ref else None
            rel_p99 = ratio(ref["rtt_ms"]["p99"], q["p99"]) if ref else None
            md.append("| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s | %s |" % (
                name(impl), fmt(q["avg"]), fmt(q["p50"]), fmt(q["p90"]),
                fmt(q["p99"]), fmt(q["max"]), r["lost"], r["retrans"]["total"],
                fmt(r["wire_per_payload"], 2),
                "" if impl == base else fx(rel_avg),
                "" if impl == base else fx(rel_p99)))
            samples = r.get("rtt_samples_ms", [])
            if samples:
                fn = "cdf_%s_%s.dat" % (loss, impl)
                with open(os.path.join(out, "plots", fn), "w") as f:
                    for i, v in enumerate(samples):
                        f.write("%.3f %.5f\n" % (v, (i + 1) / r["pings"]))
                curves.append((fn, name(impl)))
        md.append("")
        if curves:
            png = "latency_cdf_loss%s.png" % loss
            plot = ", ".join("'%s' using 1:2 with steps lw 2 title \"%s\"" % c
                             for c in curves)
            if gnuplot("set terminal pngcairo size 900,540 font ',10'\n"
                       "set output '../%s'\n"
                       "set title 'RTT CDF, 25 ms each way, %s%% loss each way'\n"
                       "set xlabel 'round-trip time (ms)'\nset ylabel 'fraction "
                       "of messages answered'\nset logscale x\nset grid\n"
                       "set key bottom right\nset yrange [0:1]\nplot %s\n"
                       % (png, loss, plot), os.path.join(out, "plots")):
                md.append("![RTT CDF at %s%% loss](%s)\n" % (loss, png))
        fast = pick(cases, "latency", "kcpko-realtime", loss)
        tcp = pick(cases, "latency", "tcp", loss)
        if fast and tcp and loss in (5, 10, 20):
            heads.append(
                "latency, %s%% loss, profile realtime: avg %.0f ms, p99 %.0f ms = "
                "%s / %s of TCP's" % (
                    loss, fast["rtt_ms"]["avg"], fast["rtt_ms"]["p99"],
                    fx(ratio(fast["rtt_ms"]["avg"], tcp["rtt_ms"]["avg"])),
                    fx(ratio(fast["rtt_ms"]["p99"], tcp["rtt_ms"]["p99"]))))
        if ref:
            for other in ("tcp", "kcpgo"):
                r = pick(cases, "latency", other, loss)
                if r and loss in (5, 10, 20):
                    heads.append(
                        "latency, %s%% loss: kcp.ko avg %.0f ms, p99 %.0f ms = %s / %s of %s's"
                        % (loss, ref["rtt_ms"]["avg"], ref["rtt_ms"]["p99"],
                           fx(ratio(ref["rtt_ms"]["avg"], r["rtt_ms"]["avg"])),
                           fx(ratio(ref["rtt_ms"]["p99"], r["rtt_ms"]["p99"])),
                           name(other)))


# ---------------------------------------------------------------- bulk

def spread(r):
    runs = r.get("runs_mbit", [])
    return " (%s)" % ", ".join("%.0f" % v for v in runs) if len(runs) > 1 else ""


def bulk(cases, out, md, heads, data):
    rows = [c for c in cases if c.get("part") == "bulk"]
    if not rows:
        return
    losses = ordered(c["loss"] for c in rows)
    windows = ordered(c["window"] for c in rows if c["window"] is not None)
    size = next((c["result"].get("bytes_sent") for c in rows
                 if c["result"].get("bytes_sent")), None)
    md.append("## Bulk transfer\n")
    md.append("%s from namespace a to b, 1 ms netem delay each way; every KCP "
              "runs nodelay 1, interval 10, resend 2, nc 1 with both windows at "
              "the column's value (kcp.ko and kcp-go alike). Goodput is what the "
              "receiver got over the time from ACCEPT to END. CPU is the whole "
              "guest's busy time (/proc/stat, both ends, softirq included) per "
              "MiB delivered. Wire is IP bytes both ways per payload byte. TCP "
              "and the UDP ceiling have no window: one case per loss rate. A "
              "case that ran more than once shows its median run, every "
              "run's goodput in brackets.\n"
              % ("%d MiB" % (size >> 20) if size else "A fixed byte count"))
    md.append("| loss | window | implementation | goodput Mbit/s | ÷ TCP | ÷ kcp-go "
              "| ÷ UDP ceiling | guest CPU s/MiB | CPU ÷ kcp-go | wire B/B | retrans |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|")
    data["bulk"] = {}
    for loss in losses:
        tcp = pick(cases, "bulk", "tcp", loss)
        udp = pick(cases, "bulk", "udp", loss)
        mbit = lambda r: r["bits_per_second"] / 1e6 if r else None
        dat = []
        for w in windows + [None]:
            for c in rows:
                if c["loss"] != loss or c["window"] != w:
                    continue
                impl, r = c["impl"], c["result"]
                if "error" in r:
                    md.append("| %s%% | %s | %s | failed: %s ||||||| " % (
                        loss, w or "–", name(impl), r["error"][:80]))
                    continue
                go = pick(cases, "bulk", "kcpgo", loss, w) if w else None
                cpu = r.get("cpu", {}).get("host_s_per_mib")
                if impl == "udp":
                    cpu = r["host_s"] / (r["bytes_received"] / 2**20) \
                        if r.get("bytes_received") else None
                data["bulk"].setdefault(str(loss), {})["%s/%s" % (impl, w)] = {
                    "mbit": mbit(r), "cpu_s_per_mib": cpu}
                md.append("| %s%% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    loss, w or "–", name(impl), fmt(mbit(r)) + spread(r),
                    "" if impl == "tcp" else fx(ratio(mbit(r), mbit(tcp))),
                    "" if impl in ("kcpgo", "tcp", "udp") else fx(ratio(mbit(r), mbit(go))),
                    "" if impl == "udp" else fx(ratio(mbit(r), mbit(udp))),
                    fmt(cpu, 3),
                    "" if impl in ("kcpgo", "tcp", "udp") or not go else
                    fx(ratio(cpu, go["cpu"]["host_s_per_mib"])),
                    fmt(r.get("wire_per_payload"), 3) + ("*" if r.get("wire_estimated") else ""),
                    r["retrans"]["total"] if "retrans" in r else "–"))
            if w is not None:
                ko = pick(cases, "bulk", "kcpko", loss, w)
                go = pick(cases, "bulk", "kcpgo", loss, w)
                dat.append("%s %s %s" % (w, fmt(mbit(ko), 2) if ko else "?",
                                         fmt(mbit(go), 2) if go else "?"))
        if dat:
            fn = "goodput_loss%s.dat" % loss
            with open(os.path.join(out, "plots", fn), "w") as f:
                f.write("\n".join(d.replace("–", "?") for d in dat) + "\n")
            lines = ""
            if tcp:
                lines += ", %f with lines lw 2 dt 2 title 'TCP'" % mbit(tcp)
            if udp:
                lines += ", %f with lines lw 2 dt 3 title 'UDP ceiling'" % mbit(udp)
            png = "goodput_loss%s.png" % loss
            if gnuplot("set terminal pngcairo size 900,540 font ',10'\n"
                       "set output '../%s'\nset datafile missing '?'\n"
                       "set title 'Goodput, 1 ms each way, %s%% loss each way'\n"
                       "set ylabel 'Mbit/s'\nset xlabel 'KCP window (segments)'\n"
                       "set style data histograms\n"
                       "set style histogram clustered gap 1\n"
                       "set style fill solid 0.8 border -1\nset grid ytics\n"
                       "set yrange [0:*]\nset xrange [-0.5:%d.5]\nset key outside right top\n"
                       "plot '%s' using 2:xtic(1) title 'kcp.ko', '' using 3 "
                       "title 'kcp-go'%s\n" % (png, loss, len(dat) - 1, fn, lines),
                       os.path.join(out, "plots")):
                md_plot = "![goodput at %s%% loss](%s)" % (loss, png)
                data.setdefault("_plots", []).append(md_plot)
        for w in windows:
            ko = pick(cases, "bulk", "kcpko", loss, w)
            go = pick(cases, "bulk", "kcpgo", loss, w)
            if ko and w == (1024 if 1024 in windows else windows[0]):
                heads.append(
                    "bulk, window %s, %s%% loss: kcp.ko %.0f Mbit/s = %s kcp-go, %s TCP, "
                    "%s UDP ceiling; guest CPU per MiB %s kcp-go's, %s TCP's"
                    % (w, loss, mbit(ko), fx(ratio(mbit(ko), mbit(go))),
                       fx(ratio(mbit(ko), mbit(tcp))), fx(ratio(mbit(ko), mbit(udp))),
                       fx(ratio(ko["cpu"]["host_s_per_mib"],
                                go["cpu"]["host_s_per_mib"] if go else None)),
                       fx(ratio(ko["cpu"]["host_s_per_mib"],
                                tcp["cpu"]["host_s_per_mib"] if tcp else None))))
    md.append("\n\\* TCP's wire bytes are an estimate: tcpi_bytes_sent (payload, "
              "retransmissions included) plus 52 bytes of IPv4+TCP header (with "
              "timestamps) per segment sent, both ends; SACK options are not "
              "counted.\n")
    md.extend(p + "\n" for p in data.pop("_plots", []))


# ---------------------------------------------------------------- scale

def kcpgo_scale(cases):
    """kcp-go's scale row from its four lines (kcpscale --observe around
    two kcpgo_perf processes), in kcpscale's terms."""
    base = pick(cases, "scale", "kcpgo-baseline")
    dial = pick(cases, "scale", "kcpgo-dial")
    listen = pick(cases, "scale", "kcpgo-listen")
    idle = pick(cases, "scale", "kcpgo-idle")
    if not (base and dial and listen and idle):
        return None
    n = dial["sessions"]
    est = (listen["last_ns"] - dial["start_ns"]) / 1e9
    return {"transport": "kcp-go", "sessions": n, "establish_s": est,
            "sessions_per_s": n / est if est > 0 else None,
            "bytes_per_pair": (idle["slab_kb"] - base["slab_kb"]) * 1024.0 / n,
            "bytes_listener_side": None,
            "user_bytes_per_pair": (dial["rss_kb"] + listen["rss_kb"]) * 1024.0 / n,
            "wakeups_idle_per_s": idle["wakeups_per_s"],
            "wakeups_baseline_per_s": base["wakeups_per_s"],
            "wakeups_added_per_s": idle["wakeups_per_s"] - base["wakeups_per_s"],
            "hrtimer_softirqs_idle_per_s": idle.get("hrtimer_softirqs_per_s"),
            "hrtimer_softirqs_baseline_per_s": base.get("hrtimer_softirqs_per_s"),
            "cpus_busy_idle": idle["cpus_busy"],
            "cpus_busy_baseline": base["cpus_busy"], "idle_s": idle["idle_s"]}


def scale(cases, md, heads, data):
    kcp = pick(cases, "scale", "kcp")
    tcp = pick(cases, "scale", "tcp")
    go = kcpgo_scale(cases)
    if not kcp and not tcp and not go:
        return
    md.append("## Many sessions on one listener\n")
    md.append("tests/bench/kcpscale: the listener in namespace b, every client "
              "socket in a (kcp.ko clients share one local UDP port and differ by "
              "conv); kcp.ko sessions run profile fast3 (10 ms interval). "
              "Establish: from the first client's connect() (kcp.ko's "
              "handshake, or TCP's) to the last accept(). Memory: "
              "/proc/meminfo Slab after all are established and idle, minus "
              "before any existed, per session; both ends live in this kernel, so "
              "a \"pair\" is one client and one accepted socket with their files. "
              "Wakeups: local timer interrupts per second over the idle period "
              "(/proc/interrupts LOC, both vCPUs), beside an idle baseline taken "
              "before the sessions existed, and HRTIMER softirqs per second "
              "(/proc/softirqs), where soft hrtimers such as kcp.ko's session "
              "timers expire. CPUs busy: the whole guest's busy time per second "
              "over the same period (/proc/stat; 2 would be both vCPUs). "
              "Beyond the socket: the slab and per-CPU memory both ends added, "
              "less each end's socket object (its slab cache's object size: "
              "struct kcp_sock or struct tcp_sock) and the inode, file, dentry "
              "and LSM objects any socket has (/proc/slabinfo), per session.\n")
    md.append("kcp-go (tests/bench/kcpgo_perf --scale-listen/--scale-dial, nodelay "
              "1, interval 10, resend 2, nc 1, one UDP socket per dialed session as "
              "kcp-go dials) runs fewer sessions: under TCG its timers alone keep "
              "the guest's two vCPUs busy long before 10,000. Its figures are per "
              "session all the same; its memory is mostly the two processes' "
              "resident memory (user).\n")
    md.append("| implementation | sessions | establish s | sessions/s | kernel "
              "slab per pair | user memory per pair | timer interrupts/s idle "
              "(baseline) | HRTIMER softirqs/s idle (baseline) | CPUs busy idle "
              "(baseline) |")
    md.append("|---|---|---|---|---|---|---|---|---|")
    for label, r in (("kcp.ko", kcp), ("TCP", tcp), ("kcp-go", go)):
        if not r:
            continue
        md.append("| %s | %d | %.2f | %s | %.0f | %s | %.1f (%.1f) | %s (%s) | %s (%s) |" % (
            label, r["sessions"], r["establish_s"], fmt(r["sessions_per_s"], 0),
            r["bytes_per_pair"], fmt(r.get("user_bytes_per_pair"), 0),
            r["wakeups_idle_per_s"], r["wakeups_baseline_per_s"],
            fmt(r.get("hrtimer_softirqs_idle_per_s")),
            fmt(r.get("hrtimer_softirqs_baseline_per_s")),
            fmt(r.get("cpus_busy_idle"), 3), fmt(r.get("cpus_busy_baseline"), 3)))
    md.append("")
    split = [(label, r) for label, r in (("kcp.ko", kcp), ("TCP", tcp))
             if r and r.get("beyond_socket_bytes_per_session") is not None]
    if split:
        md.append("Where a pair's kernel memory goes, in bytes:\n")
        md.append("| implementation | per pair | VFS objects (inode, file, dentry, "
                  "LSM) | socket objects (2 x) | per-CPU | beyond the socket, "
                  "per session |")
        md.append("|---|---|---|---|---|---|")
        for label, r in split:
            md.append("| %s | %.0f | %.0f | %d | %.0f | %.0f |" % (
                label, r["bytes_per_pair"] + r["percpu_bytes_per_pair"],
                r["vfs_bytes_per_pair"], 2 * r["sock_object_bytes"],
                r["percpu_bytes_per_pair"],
                r["beyond_socket_bytes_per_session"]))
        md.append("")
    data["scale"] = {"kcp": kcp, "tcp": tcp, "kcp-go": go}
    if kcp and tcp:
        md.append("kcp.ko ÷ TCP: establish rate %s, kernel memory per pair %s.\n" % (
            fx(ratio(kcp["sessions_per_s"], tcp["sessions_per_s"])),
            fx(ratio(kcp["bytes_per_pair"], tcp["bytes_per_pair"]))))
    if kcp and go:
        go_mem = go["bytes_per_pair"] + go["user_bytes_per_pair"]
        md.append("kcp.ko ÷ kcp-go: establish rate %s, memory per pair (kernel, "
                  "plus user for kcp-go) %s, idle CPU per session %s.\n" % (
                      fx(ratio(kcp["sessions_per_s"], go["sessions_per_s"])),
                      fx(ratio(kcp["bytes_per_pair"], go_mem)),
                      fx(ratio(kcp.get("cpus_busy_idle", 0) / kcp["sessions"],
                               go["cpus_busy_idle"] / go["sessions"]))))
    if kcp and kcp.get("beyond_socket_bytes_per_session") is not None:
        heads.append(
            "scale: beyond the socket, %.2f KiB per idle kcp.ko session "
            "(%d-byte socket object; TCP: %s KiB beyond a %s-byte one)"
            % (kcp["beyond_socket_bytes_per_session"] / 1024,
               kcp["sock_object_bytes"],
               fmt(tcp["beyond_socket_bytes_per_session"] / 1024
                   if tcp and tcp.get("beyond_socket_bytes_per_session")
                   is not None else None, 2),
               tcp["sock_object_bytes"] if tcp else "?"))
    if kcp:
        heads.append(
            "scale: %d idle kcp.ko sessions: established at %.0f/s (%s TCP's), "
            "%.1f KiB kernel memory per pair (%s TCP's); idle, %.1f timer "
            "interrupts/s and %.1f HRTIMER softirqs/s (idle guest: %.1f, %.1f), "
            "guest %.3f CPUs busy (idle guest: %.3f)"
            % (kcp["sessions"], kcp["sessions_per_s"],
               fx(ratio(kcp["sessions_per_s"], tcp["sessions_per_s"] if tcp else None)),
               kcp["bytes_per_pair"] / 1024,
               fx(ratio(kcp["bytes_per_pair"], tcp["bytes_per_pair"] if tcp else None)),
               kcp["wakeups_idle_per_s"], kcp.get("hrtimer_softirqs_idle_per_s", 0),
               kcp["wakeups_baseline_per_s"],
               kcp.get("hrtimer_softirqs_baseline_per_s", 0),
               kcp.get("cpus_busy_idle", 0), kcp.get("cpus_busy_baseline", 0)))
    if go:
        heads.append(
            "scale: %d idle kcp-go sessions keep the guest %.2f CPUs busy and add "
            "%.0f timer interrupts/s; %.0f KiB per pair (kernel and user)"
            % (go["sessions"], go["cpus_busy_idle"], go["wakeups_added_per_s"],
               (go["bytes_per_pair"] + go["user_bytes_per_pair"]) / 1024))


# ---------------------------------------------------------------- footprint

def footprint(raw, md, heads, data):
    path = os.path.join(raw, "footprint.txt")
    if not os.path.exists(path):
        return
    items = {}
    for line in open(path):
        f = line.split()
        if len(f) == 5 and f[0] != "kernel":
            items[f[0]] = [int(x) for x in f[1:]]
    md.append("## Footprint\n")
    md.append("`size` (text, data, bss) and the file size, stripped (kcp.ko: "
              "without debug info). kcpgo_perf is a whole static Go program: "
              "kcp-go, its dependencies and the Go runtime, the way a Go user "
              "ships KCP. The Rust implementation this project succeeds is quoted "
              "from issue 8, not measured here.\n")
    md.append("| item | text | data | bss | file bytes |")
    md.append("|---|---|---|---|---|")
    labels = {"kcp.ko": "kcp.ko (module)", "libkcp.a": "libkcp.a",
              "kcpperf": "kcpperf", "kcpcat": "kcpcat", "kcpctl": "kcpctl",
              "kcpgo_perf": "kcp-go static binary (kcpgo_perf)"}
    for k, label in labels.items():
        if k in items:
            t, d, b, s = items[k]
            md.append("| %s | %d | %d | %d | %d |" % (label, t, d, b, s))
    md.append("| Rust predecessor: binary | | | | %d (quoted) |" % RUST_BINARY)
    md.append("| Rust predecessor: library | | | | %d (quoted) |" % RUST_LIBRARY)
    md.append("")
    data["footprint"] = items
    if "kcp.ko" in items:
        ko = sum(items["kcp.ko"][:3])
        go = items.get("kcpgo_perf", [0, 0, 0, None])[3]
        md.append("kcp.ko's text+data+bss (%d bytes) is %s of the kcp-go binary's "
                  "file, %s of the Rust binary, %s of the Rust library.\n" % (
                      ko, fx(ratio(ko, go)), fx(ratio(ko, RUST_BINARY)),
                      fx(ratio(ko, RUST_LIBRARY))))
        heads.append("footprint: kcp.ko %d bytes text+data+bss = %s of the kcp-go "
                     "static binary, %s of the Rust predecessor's 312 KB library"
                     % (ko, fx(ratio(ko, go)), fx(ratio(ko, RUST_LIBRARY))))


def simulator(raw, md, heads):
    path = os.path.join(raw, "sim.txt")
    if not os.path.exists(path):
        return
    text = open(path).read().rstrip()
    md.append("## The simulator beside ikcp's published figures\n")
    md.append("`make -C tests/host sim`: kcp.ko's engine (the kmod/ sources) built "
              "in userspace and run through ikcp's own loss benchmark, beside the "
              "figures ikcp publishes (simulated time: independent of the "
              "machine).\n")
    md.append("```\n%s\n```\n" % text)
    col, ratios = sim_ratios(text)
    if ratios:
        heads.append("simulator (ikcp's loss test, 10%% loss): kcp.ko (%s column), "
                     "avg / max RTT against ikcp's published figures: %s"
                     % (col, ", ".join("%s %s / %s" % (m, fx(a), fx(b))
                                       for m, a, b in ratios)))
    elif text:
        heads.append("simulator: " + text.splitlines()[-1])


def sim_ratios(text):
    """The column compared and (mode, avg ratio, max ratio) of it over
    ikcp's published one, from kcpsim's table: the column of kcp.ko as
    its sockets run it ("sockets"), or of its defaults in older tables."""
    lines = [line.split("|") for line in text.splitlines() if "|" in line]
    col = name = None
    for want in ("sockets", "defaults"):
        col = next((i for cells in lines for i, c in enumerate(cells)
                    if c.strip() == want), None)
        if col is not None:
            name = want
            break
    out = []
    for cells in lines:
        try:
            pub = [float(x) for x in cells[1].split()]
            ours = [float(x) for x in cells[col].split()]
        except (ValueError, IndexError, TypeError):
            continue
        if len(pub) == 2 and len(ours) == 2 and pub[0] and pub[1]:
            out.append((cells[0].split()[0], ours[0] / pub[0], ours[1] / pub[1]))
    return name, out


NOTES = """## Method notes

- Every case is one client and one server process, started afresh, in
  two network namespaces joined by a veth pair; netem shapes what leaves
  each side (its default queue limit of 1000 packets applies, so a large
  KCP window with congestion control off can overflow it, as a router
  queue would). The tools' JSON summary lines are in `raw/`, verbatim.
- kcp.ko "with kcp-go's parameters" means nodelay 1, interval 10,
  resend 2, nc 1, minimum RTO 30 ms (what kcp-go's nodelay implies) and
  kcp-go's default windows, send 32 and receive 32, except that kcp.ko's
  receive window cannot go below 128 (ikcp's rule: a message may have 127
  fragments), so kcp.ko runs 32/128. kcp-go keeps ACK-nodelay off, its
  default.
- Each latency and bulk case runs several times (guest.sh's `repeats`),
  its runs interleaved with the other implementations' so that a slow
  spell of the host falls on all of them. A latency case pools its runs'
  round trips; a bulk case shows its median run (tests/bench/repeats.py).
- RTTs are timed from when each message was due on its fixed schedule,
  so a sender held back by a full window pays for it.
- Wire bytes are IP bytes both ways. KCP's come from the sockets'
  counters (KCP_INFO; kcp-go's DefaultSnmp, per process: one session per
  process here) plus 28 bytes of IPv4+UDP per datagram; TCP's are an
  estimate (see the bulk table).
- CPU: the tools also report their threads' CPU time (`cpu.client_s`,
  `cpu.server_s` in `raw/`), but kcp.ko's softirq work is charged to
  whichever task it interrupts, so the tables use the whole guest's busy
  time from /proc/stat over the test instead, idle guest included.
- The UDP ceiling sends datagrams of KCP's MTU, 44 per send() with UDP
  GSO, as kcp.ko's sender batches them: the most the path delivers in
  datagrams of that size. TCP is not bound by it: it hands veth 64 KiB
  segments.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kernel", default="?")
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "plots"), exist_ok=True)
    for old in glob.glob(os.path.join(a.out, "*.png")):
        os.remove(old)
    cases = load_cases(a.raw)
    env = next((c for c in cases if c.get("part") == "env"), {})
    failures = [c for c in cases if "error" in c.get("result", {})]
    cases = repeats.fold(cases)
    md, heads, data = [], [], {}
    latency(cases, a.out, md, heads, data)
    bulk(cases, a.out, md, heads, data)
    scale(cases, md, heads, data)
    footprint(a.raw, md, heads, data)
    simulator(a.raw, md, heads)

    meta = {}
    if os.path.exists(os.path.join(a.raw, "run.json")):
        meta = json.load(open(os.path.join(a.raw, "run.json")))
    note = meta.get("note", os.environ.get("KCP_BENCH_NOTE", ""))
    date = meta.get("date", datetime.date.today().isoformat())
    top = ["# kcp.ko benchmark report%s\n" % (" (smoke run)" if a.smoke else ""),
           "Generated by `make bench` (tests/bench/run) on %s from commit %s. "
           "Guest: Debian %s%s, "
           "%s vCPUs, %s MiB, under QEMU with TCG (software emulation, no KVM): "
           "absolute times, rates and CPU seconds depend on the host machine and "
           "are not comparable across machines or with real hardware. Compare "
           "the ratios, each of two figures measured in this same run.%s\n"
           % (date, meta.get("commit", "?"), env.get("kernel", a.kernel),
              "" if "cmdline" not in env else " with memory debugging (slub_debug)"
              if "slub_debug" in env["cmdline"] else " as shipped (no slub_debug)",
              env.get("cpus", "?"), (env.get("mem_kb") or 0) // 1024,
              (" " + note) if note else ""),
           "Raw output: `raw/` (every tool's JSON summary line, as printed in "
           "the guest); machine-readable figures: `results.json`.\n"]
    if failures:
        top.append("**%d case(s) failed** and are marked in the tables.\n"
                   % len(failures))
    top.append("## Headlines\n")
    top.extend("- %s" % h for h in heads)
    top.append("")
    md.append(NOTES)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(top + md))
    data["headlines"] = heads
    data["failures"] = len(failures)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    print("\nHeadlines (ratios of figures from this run; QEMU TCG guest):")
    for h in heads:
        print("  " + h)
    if failures:
        print("report: %d case(s) failed" % len(failures), file=sys.stderr)
    if a.smoke and not check_smoke(cases, a.out):
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
