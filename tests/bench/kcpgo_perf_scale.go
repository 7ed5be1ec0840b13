// SPDX-License-Identifier: MIT OR GPL-2.0

// kcpgo_perf's scale modes, kcp-go's side of the many-sessions benchmark
// (tests/bench/kcpscale does kcp.ko's and TCP's):
//
//	kcpgo_perf --scale-listen N [-B ADDR] [-p PORT] [tunables]
//	kcpgo_perf --scale-dial N -c HOST [-p PORT] [tunables]
//
// The listener accepts N sessions and reads one byte from each; the dialer
// opens N sessions (one UDP socket each, as kcp-go dials) and writes one
// byte on each. Each prints one JSON line (wall-clock times, so the two
// processes can be compared, and its resident memory) and then holds its
// sessions, idle, until it is killed.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	kcp "github.com/xtaci/kcp-go"
)

func rssKB() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			v, _ := strconv.ParseUint(f[1], 10, 64)
			return v
		}
	}
	return 0
}

func raiseFileLimit(n int) error {
	lim := syscall.Rlimit{Cur: uint64(n) + 64, Max: uint64(n) + 64}
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

func hold() {
	for {
		time.Sleep(time.Hour)
	}
}

func scaleListen(o *options, n int) error {
	l, err := kcp.ListenWithOptions(joinHostPort(o.bind, o.port), nil, 0, 0)
	if err != nil {
		return err
	}
	held := make([]*kcp.UDPSession, 0, n)
	got := make(chan struct{}, n)
	for len(held) < n {
		s, err := l.AcceptKCP()
		if err != nil {
			return err
		}
		o.configure(s)
		held = append(held, s)
		go func(s *kcp.UDPSession) {
			b := make([]byte, 1)
			if _, err := s.Read(b); err == nil {
				got <- struct{}{}
			}
		}(s)
	}
	for i := 0; i < n; i++ {
		<-got
	}
	fmt.Printf("{\"type\":\"scale-go\",\"role\":\"listen\",\"sessions\":%d,"+
		"\"last_ns\":%d,\"rss_kb\":%d}\n", n, time.Now().UnixNano(), rssKB())
	hold()
	return nil
}

func scaleDial(o *options, n int) error {
	if err := raiseFileLimit(n); err != nil {
		return err
	}
	held := make([]*kcp.UDPSession, 0, n)
	t0 := time.Now()
	for len(held) < n {
		s, err := kcp.DialWithOptions(joinHostPort(o.host, o.port), nil, 0, 0)
		if err != nil {
			return err
		}
		o.configure(s)
		if _, err := s.Write([]byte{'x'}); err != nil {
			return err
		}
		held = append(held, s)
	}
	fmt.Printf("{\"type\":\"scale-go\",\"role\":\"dial\",\"sessions\":%d,"+
		"\"start_ns\":%d,\"dialed_s\":%.3f,\"rss_kb\":%d}\n", n, t0.UnixNano(),
		time.Since(t0).Seconds(), rssKB())
	hold()
	return nil
}
