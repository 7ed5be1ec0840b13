#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR GPL-2.0
"""Write the seed corpus of fuzz_input (see its header for the format):
real-looking exchanges, so the fuzzer starts from valid KCP datagrams
instead of having to discover the conv and the commands itself."""
import os
import struct
import sys

CONV = 0x01020304
PUSH, ACK, WASK, WINS = 81, 82, 83, 84


def seg(cmd, sn=0, una=0, frg=0, wnd=128, ts=0, data=b""):
    return struct.pack("<IBBHIIII", CONV, cmd, frg, wnd, ts, sn, una, len(data)) + data


def rec(op, payload=b""):
    return bytes([op]) + struct.pack("<H", len(payload)) + payload


def main(out):
    os.makedirs(out, exist_ok=True)
    seeds = {
        "push-in-order": rec(0, seg(PUSH, 0, data=b"hello")) + rec(3, b"x" * 64),
        "push-reordered": rec(0, seg(PUSH, 2, data=b"c") + seg(PUSH, 1, data=b"b"))
        + rec(0, seg(PUSH, 0, data=b"a")) + rec(1, b"\x01") + rec(3, b"x" * 8),
        "fragments": rec(0, seg(PUSH, 0, frg=2, data=b"aa") + seg(PUSH, 1, frg=1, data=b"bb")
                         + seg(PUSH, 2, frg=0, data=b"cc")) + rec(4, b"x" * 4) + rec(3, b"x" * 6),
        "send-ack": rec(2, b"payload" * 10) + rec(1, b"\x01") + rec(0, seg(ACK, 0, una=1, ts=0))
        + rec(5) + rec(5),
        "zero-window": rec(2, b"z" * 3000) + rec(1, b"\x01") + rec(0, seg(WINS, wnd=0))
        + rec(1, b"\xff") + rec(0, seg(WASK)) + rec(5),
        "duplicates": rec(0, seg(PUSH, 0, data=b"d") * 3) + rec(0, seg(PUSH, 0, data=b"d"))
        + rec(1, b"\x02") + rec(3, b"x"),
        "retransmit": rec(2, b"r" * 100) + rec(1, b"\x01") + rec(1, b"\x40") + rec(1, b"\x80")
        + rec(0, seg(ACK, 1, una=0)) + rec(5),
        # three 600-byte segments in order, one per datagram, against the
        # 1 KiB rcv_limit of flags & 8: the engine must drop two
        "over-limit": rec(0, seg(PUSH, 0, data=b"o" * 600)) + rec(0, seg(PUSH, 1, data=b"p" * 600))
        + rec(0, seg(PUSH, 2, data=b"q" * 600)) + rec(3, b"x" * 8),
    }
    for flags in (0x00, 0x01, 0x0b, 0x57, 0x80):
        for name, body in seeds.items():
            with open(os.path.join(out, "%s-%02x" % (name, flags)), "wb") as f:
                f.write(bytes([flags, 0]) + body)


if __name__ == "__main__":
    main(sys.argv[1])
