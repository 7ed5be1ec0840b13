// SPDX-License-Identifier: MIT OR GPL-2.0

// kcpgo_perf: kcpperf's protocol (userspace/tools/kcpperf.h) on kcp-go,
// Debian's userspace KCP, so that every kcp.ko figure of the benchmark has
// a userspace-KCP figure beside it, measured the same way, and so that
// kcpperf can be pointed at a KCP it did not write.
//
//	kcpgo_perf -s [-p PORT] [-B ADDR] [-1] [tunables] [-J]
//	kcpgo_perf -c HOST [-p PORT] [-t S | -n BYTES | -k COUNT] [--rr]
//	           [--rate N] [-l SIZE] [-J [--samples]] [tunables]
//	kcpgo_perf --scale-listen N | --scale-dial N -c HOST   (kcpgo_perf_scale.go)
//
// Tunables: --nodelay --interval --resend --nc --sndwnd --rcvwnd --mtu
// (kcp-go's defaults when not given) and --ack-nodelay (kcp-go's default,
// off, unless given). Sessions run in stream mode, without FEC or
// encryption, so the wire is plain KCP. One session per client; the JSON
// summary has the keys of kcpperf's, with transport "kcp-go".
//
// kcp-go keeps its counters (DefaultSnmp) per process: wire bytes and
// retransmissions are deltas over the process, exact with one session.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	kcp "github.com/xtaci/kcp-go"
)

const (
	magic      = 0x4650504b
	version    = 1
	modeBulk   = 1
	modeRR     = 2
	helloLen   = 48
	acceptLen  = 40
	endLen     = 16
	resultLen  = 88
	maxRecord  = 1<<24 - 1
	udpv4Hdr   = 28
	udpv6Hdr   = 48
	defaultMTU = 1400
)

type options struct {
	server, oneOff, json, samples, rr bool
	host, bind, port                  string
	bytes                             uint64
	seconds, rate, timeout            float64
	count, msgSize                    uint
	nodelay, interval, resend, nc     int
	sndwnd, rcvwnd, mtu               int
	ackNoDelay                        bool
	scaleListen, scaleDial            int
}

func usageError(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "kcpgo_perf: "+format+"\n", a...)
	os.Exit(2)
}

func parseSize(s string) (uint64, error) {
	shift := uint(0)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		shift = 10
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		shift = 20
	case strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		shift = 30
	}
	if shift > 0 {
		s = s[:len(s)-1]
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 {
		return 0, errors.New("not a byte count")
	}
	return v << shift, nil
}

func parseOptions() *options {
	o := &options{}
	fs := flag.NewFlagSet("kcpgo_perf", flag.ContinueOnError)
	var bytes, length string
	for _, n := range []string{"s", "server"} {
		fs.BoolVar(&o.server, n, false, "serve tests")
	}
	for _, n := range []string{"c", "client"} {
		fs.StringVar(&o.host, n, "", "run a test against HOST")
	}
	for _, n := range []string{"p", "port"} {
		fs.StringVar(&o.port, n, "5333", "UDP port")
	}
	for _, n := range []string{"B", "bind"} {
		fs.StringVar(&o.bind, n, "0.0.0.0", "server: address to listen on")
	}
	for _, n := range []string{"1", "one-off"} {
		fs.BoolVar(&o.oneOff, n, false, "server: one test, then exit")
	}
	for _, n := range []string{"t", "time"} {
		fs.Float64Var(&o.seconds, n, 0, "test length in seconds")
	}
	for _, n := range []string{"n", "bytes"} {
		fs.StringVar(&bytes, n, "", "bulk: bytes to send")
	}
	for _, n := range []string{"k", "count"} {
		fs.UintVar(&o.count, n, 0, "rr: round trips")
	}
	for _, n := range []string{"l", "length"} {
		fs.StringVar(&length, n, "", "message or DATA record size")
	}
	for _, n := range []string{"J", "json"} {
		fs.BoolVar(&o.json, n, false, "JSON Lines output")
	}
	fs.BoolVar(&o.rr, "rr", false, "request/response test")
	fs.BoolVar(&o.samples, "samples", false, "every RTT in the JSON summary")
	fs.Float64Var(&o.rate, "rate", 50, "rr: messages per second")
	fs.Float64Var(&o.timeout, "timeout", 30, "give up on a silent peer (s)")
	fs.IntVar(&o.nodelay, "nodelay", -1, "KCP nodelay 0..2")
	fs.IntVar(&o.interval, "interval", -1, "KCP interval in ms")
	fs.IntVar(&o.resend, "resend", -1, "KCP fast resend")
	fs.IntVar(&o.nc, "nc", -1, "1: no congestion control")
	fs.IntVar(&o.sndwnd, "sndwnd", 0, "send window (segments)")
	fs.IntVar(&o.rcvwnd, "rcvwnd", 0, "receive window (segments)")
	fs.IntVar(&o.mtu, "mtu", 0, "MTU (bytes)")
	fs.BoolVar(&o.ackNoDelay, "ack-nodelay", false, "acknowledge at once")
	fs.IntVar(&o.scaleListen, "scale-listen", 0, "accept N sessions and hold them")
	fs.IntVar(&o.scaleDial, "scale-dial", 0, "open N sessions and hold them")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		usageError("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.scaleListen < 0 || o.scaleDial < 0:
		usageError("--scale-listen and --scale-dial take a session count")
	case o.scaleListen > 0 && (o.server || o.host != "" || o.scaleDial > 0):
		usageError("--scale-listen goes alone, without -s, -c or --scale-dial")
	case o.scaleDial > 0 && (o.server || o.host == ""):
		usageError("--scale-dial needs -c HOST")
	case o.scaleListen == 0 && o.scaleDial == 0 && o.server == (o.host != ""):
		usageError("give exactly one of -s and -c HOST")
	}
	if bytes != "" {
		v, err := parseSize(bytes)
		if err != nil {
			usageError("-n: %v: %q", err, bytes)
		}
		o.bytes = v
	}
	if length != "" {
		v, err := parseSize(length)
		if err != nil || v > maxRecord {
			usageError("-l: not a size up to 16M-1: %q", length)
		}
		o.msgSize = uint(v)
	}
	set := 0
	for _, b := range []bool{o.seconds > 0, o.bytes > 0, o.count > 0} {
		if b {
			set++
		}
	}
	switch {
	case set > 1:
		usageError("give one of -t, -n and -k")
	case o.seconds < 0 || math.IsNaN(o.seconds) || o.rate <= 0 || o.timeout <= 0:
		usageError("-t, --rate and --timeout take positive numbers")
	case o.rr && o.bytes > 0:
		usageError("-n is for bulk tests; --rr counts round trips with -k")
	case !o.rr && o.count > 0:
		usageError("-k counts round trips of --rr tests")
	case o.nodelay > 2 || o.nc > 1 || o.sndwnd < 0 || o.rcvwnd < 0 || o.mtu < 0 || o.mtu > 1500:
		usageError("a tunable is out of range")
	}
	if o.msgSize == 0 {
		o.msgSize = 128 << 10
		if o.rr {
			o.msgSize = 64
		}
	}
	if o.rr && (o.msgSize < 8 || o.msgSize > 1<<20) {
		usageError("--rr messages are 8 bytes to 1M")
	}
	if set == 0 {
		o.seconds = 10
	}
	return o
}

// configure gives a session the tunables asked for: kcp-go's own defaults
// for the others, stream mode, and the MTU set before any data flows.
func (o *options) configure(s *kcp.UDPSession) {
	s.SetStreamMode(true)
	s.SetNoDelay(o.nodelay, o.interval, o.resend, o.nc)
	s.SetWindowSize(o.sndwnd, o.rcvwnd)
	if o.mtu > 0 {
		s.SetMtu(o.mtu)
	}
	if o.ackNoDelay {
		s.SetACKNoDelay(true)
	}
}

// tunables as kcpperf's ACCEPT carries them; kcp-go does not export the
// live values, so they are the flags, or kcp-go's defaults.
func (o *options) tunables() [8]uint32 {
	or := func(v, def int) uint32 {
		if v < 0 || (v == 0 && def > 0) {
			return uint32(def)
		}
		return uint32(v)
	}
	nodelay := or(o.nodelay, 0)
	minrto := uint32(100)
	if nodelay != 0 {
		minrto = 30
	}
	return [8]uint32{nodelay, or(o.interval, 100), or(o.resend, 0), or(o.nc, 0),
		or(o.sndwnd, 32), or(o.rcvwnd, 32), or(o.mtu, defaultMTU), minrto}
}

// record I/O: a little-endian u32 type<<24 | length, then the payload
type conn struct {
	s *kcp.UDPSession
	r *bufio.Reader
	o *options
}

func (c *conn) deadline() {
	c.s.SetReadDeadline(time.Now().Add(time.Duration(c.o.timeout * float64(time.Second))))
}

func (c *conn) readRecord() (byte, uint32, error) {
	var h [4]byte
	c.deadline()
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		return 0, 0, err
	}
	w := binary.LittleEndian.Uint32(h[:])
	return byte(w >> 24), w & maxRecord, nil
}

func (c *conn) readPayload(b []byte) error {
	c.deadline()
	_, err := io.ReadFull(c.r, b)
	return err
}

func (c *conn) skip(n uint32) error {
	c.deadline()
	_, err := c.r.Discard(int(n))
	return err
}

func header(b []byte, typ byte, n uint32) {
	binary.LittleEndian.PutUint32(b, uint32(typ)<<24|n)
}

func (c *conn) send(typ byte, payload []byte) error {
	b := make([]byte, 4+len(payload))
	header(b, typ, uint32(len(payload)))
	copy(b[4:], payload)
	_, err := c.s.Write(b)
	return err
}

// counters: kcp-go's process-wide ones, and CPU time of the process
type counters struct {
	outBytes, outPkts, lost, fast, early, repeat uint64
	cpuUsec                                      uint64
}

func snapshot() counters {
	s := kcp.DefaultSnmp.Copy()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := uint64(ru.Utime.Sec+ru.Stime.Sec)*1e6 + uint64(ru.Utime.Usec+ru.Stime.Usec)
	return counters{s.OutBytes, s.OutPkts, s.LostSegs, s.FastRetransSegs,
		s.EarlyRetransSegs, s.RepeatSegs, cpu}
}

func (a counters) sub(b counters) counters {
	return counters{a.outBytes - b.outBytes, a.outPkts - b.outPkts, a.lost - b.lost,
		a.fast - b.fast, a.early - b.early, a.repeat - b.repeat, a.cpuUsec - b.cpuUsec}
}

// hostCPU is the busy time of every CPU of the machine, from /proc/stat.
func hostCPU() uint64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
	var busy uint64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i >= 8 { // idle, iowait, guest
			continue
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		busy += n
	}
	return busy * 1e6 / 100 // USER_HZ is 100 on Linux
}

func headerBytes(addr net.Addr) uint64 {
	if u, ok := addr.(*net.UDPAddr); ok && u.IP.To4() == nil {
		return udpv6Hdr
	}
	return udpv4Hdr
}

func joinHostPort(host, port string) string {
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

func main() {
	rand.Seed(time.Now().UnixNano())
	o := parseOptions()
	var err error
	switch {
	case o.scaleListen > 0:
		err = scaleListen(o, o.scaleListen)
	case o.scaleDial > 0:
		err = scaleDial(o, o.scaleDial)
	case o.server:
		err = serve(o)
	default:
		err = client(o)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kcpgo_perf: %v\n", err)
		os.Exit(1)
	}
}
