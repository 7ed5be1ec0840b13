#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR GPL-2.0
"""docs/netlink/kcp.yaml and include/uapi/linux/kcp_netlink.h must agree.

The YAML spec describes the family for tools (the kernel's ynl); the
header is what kcp.ko and libkcp compile against. Numbers in both come from
order, so an attribute added to one and not the other, or in another
place, shifts every number after it. This checks, for every attribute set
and for the commands: same names, same order, same values, and that the
family and multicast group names match. Exit status 1 on any difference.
"""
import re
import sys

import yaml

top = sys.argv[1] if len(sys.argv) > 1 else '.'
header = open(f'{top}/include/uapi/linux/kcp_netlink.h').read()
spec = yaml.safe_load(open(f'{top}/docs/netlink/kcp.yaml'))
problems = []


def header_enum(name):
    """(C name, value) for each entry of enum NAME, __*_MAX excluded."""
    body = re.search(r'enum %s \{(.*?)\};' % name, header, re.S)
    if not body:
        problems.append(f'header: no enum {name}')
        return []
    out, value = [], 0
    for m in re.finditer(r'^\s*(\w+)\s*(?:=\s*(\d+))?\s*,', body.group(1), re.M):
        if m.group(2):
            value = int(m.group(2))
        if not m.group(1).startswith('__'):
            out.append((m.group(1), value))
        value += 1
    return out


def c_name(prefix, name):
    return (prefix + name).upper().replace('-', '_')


def compare(what, spec_names, prefix, start, enum):
    want = [(c_name(prefix, n), start + i) for i, n in enumerate(spec_names)]
    have = header_enum(enum)
    if want != have:
        problems.append(f'{what}: the spec gives {want}\n  the header has {have}')


if spec['name'] != re.search(r'KCP_GENL_NAME\s+"(\w+)"', header).group(1):
    problems.append('family name differs')
for aset in spec['attribute-sets']:
    compare(f"attribute set {aset['name']}", [a['name'] for a in aset['attributes']],
            aset['name-prefix'], 0, aset['enum-name'])
    names = {a['name'] for a in aset['attributes']}
    for a in aset['attributes']:
        nested = a.get('nested-attributes')
        if nested and nested not in {s['name'] for s in spec['attribute-sets']}:
            problems.append(f"{aset['name']}.{a['name']}: no attribute set {nested}")
ops = spec['operations']
compare('commands', ['unspec'] + [o['name'] for o in ops['list']], ops['name-prefix'], 0,
        ops['enum-name'])
top_attrs = {a['name'] for a in spec['attribute-sets'][0]['attributes']}
for op in ops['list']:
    for mode in ('do', 'dump', 'event'):
        part = op.get(mode) or {}
        for side in ([part] if mode == 'event' else [part.get('request') or {},
                                                      part.get('reply') or {}]):
            for attr in side.get('attributes', []):
                if attr not in top_attrs:
                    problems.append(f"{op['name']} {mode}: unknown attribute {attr}")
for d in spec['definitions']:
    if d['type'] == 'enum':
        compare(f"enum {d['name']}", d['entries'], d['name-prefix'], d.get('value-start', 0),
                d['enum-name'])
group = re.search(r'KCP_GENL_MCGRP_EVENTS\s+"(\w+)"', header).group(1)
if [g['name'] for g in spec['mcast-groups']['list']] != [group]:
    problems.append('multicast groups differ')

for p in problems:
    print('netlink spec:', p)
sys.exit(1 if problems else 0)
