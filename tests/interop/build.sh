#!/bin/bash
# SPDX-License-Identifier: MIT OR GPL-2.0
# Build kcpgo_peer, statically (it also runs inside test guests), offline
# against Debian's kcp-go in /usr/share/gocode.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/build"
[ "$here/build/kcpgo_peer" -nt "$here/kcpgo_peer.go" ] && exit 0
cp "$here/kcpgo_peer.go" "$here/build/"
cd "$here/build"
GO111MODULE=off GOPATH=/usr/share/gocode CGO_ENABLED=0 \
	GOCACHE="${KCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcp}/go-build" \
	go build -o kcpgo_peer kcpgo_peer.go
