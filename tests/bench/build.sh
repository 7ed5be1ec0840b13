#!/bin/bash
# SPDX-License-Identifier: MIT OR GPL-2.0
# Build the benchmark's programs into tests/bench/build/: kcpgo_perf (Go,
# static, offline against Debian's kcp-go in /usr/share/gocode, as
# tests/interop/build.sh does) and the small C helpers (Makefile).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
make -s -C "$here"
out=$here/build/kcpgo_perf
srcs=("$here"/kcpgo_perf*.go)
newest=$(ls -t "${srcs[@]}" | head -n 1)
[ -e "$out" ] && [ "$out" -nt "$newest" ] && exit 0
mkdir -p "$here/build/go"
cp "${srcs[@]}" "$here/build/go/"
cd "$here/build/go"
GO111MODULE=off GOPATH=/usr/share/gocode CGO_ENABLED=0 \
	GOCACHE="${KCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcp}/go-build" \
	go build -o "$out" $(basename -a "${srcs[@]}")
