// SPDX-License-Identifier: MIT OR GPL-2.0

// kcpgo_perf's client side: one session, bulk or request/response, and a
// summary with the keys of kcpperf's (see kcpperf(1)).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	kcp "github.com/xtaci/kcp-go"
)

type outcome struct {
	sent, pings uint64
	rtt         []float64 // ms, answered PINGs only
	seconds     float64
	local       counters
	peer        served
	peerCtr     counters
	hostUsec    uint64
	hdr         uint64
}

func client(o *options) error {
	s, err := kcp.DialWithOptions(joinHostPort(o.host, o.port), nil, 0, 0)
	if err != nil {
		return err
	}
	o.configure(s)
	c := &conn{s, bufio.NewReaderSize(s, 1<<18), o}
	var out outcome
	out.hdr = headerBytes(s.RemoteAddr())
	out.pings = uint64(o.count)
	if o.rr && o.count == 0 {
		out.pings = uint64(math.Ceil(o.seconds * o.rate))
	}
	host0 := hostCPU()
	if err := c.hello(&out); err != nil {
		return err
	}
	t0, before := time.Now(), snapshot()
	var result []byte
	if o.rr {
		result, err = c.rr(&out, t0)
	} else {
		result, err = c.bulk(&out, t0)
	}
	if err != nil {
		return err
	}
	out.seconds = time.Since(t0).Seconds()
	out.local = snapshot().sub(before)
	le := binary.LittleEndian
	out.peer = served{bytes: le.Uint64(result), usec: le.Uint64(result[8:]),
		pings: le.Uint32(result[64:])}
	out.peerCtr = counters{le.Uint64(result[24:]), le.Uint64(result[32:]),
		le.Uint64(result[40:]), le.Uint64(result[48:]), le.Uint64(result[56:]),
		le.Uint64(result[72:]), le.Uint64(result[16:])}
	out.hostUsec = hostCPU() - host0
	if err := c.send('B', nil); err != nil {
		return err
	}
	time.Sleep(time.Second) // kcp-go cannot say when BYE is acknowledged
	s.Close()
	summary(o, &out)
	return nil
}

func (c *conn) hello(out *outcome) error {
	o := c.o
	h := make([]byte, helloLen)
	le := binary.LittleEndian
	le.PutUint32(h, magic)
	le.PutUint16(h[4:], version)
	h[6] = modeBulk
	if o.rr {
		h[6] = modeRR
	}
	h[7] = 1
	le.PutUint32(h[12:], 1)
	le.PutUint64(h[16:], uint64(time.Now().UnixNano()))
	le.PutUint64(h[24:], o.bytes)
	le.PutUint32(h[32:], uint32(o.seconds*1000))
	le.PutUint32(h[36:], uint32(o.msgSize))
	le.PutUint32(h[40:], uint32(1e6/o.rate))
	le.PutUint32(h[44:], uint32(out.pings))
	if err := c.send('H', h); err != nil {
		return err
	}
	typ, n, err := c.readRecord()
	if err != nil {
		return fmt.Errorf("waiting for ACCEPT: %v", err)
	}
	if typ == 'X' && n < 256 {
		msg := make([]byte, n)
		c.readPayload(msg)
		return fmt.Errorf("server refused: %s", msg)
	}
	if typ != 'A' || n != acceptLen {
		return errors.New("no ACCEPT: not a kcpperf server?")
	}
	a := make([]byte, n)
	if err := c.readPayload(a); err != nil {
		return err
	}
	if le.Uint32(a) != magic || le.Uint16(a[4:]) != version {
		return errors.New("server speaks another protocol version")
	}
	return nil
}

func (c *conn) end(out *outcome) error {
	e := make([]byte, endLen)
	binary.LittleEndian.PutUint64(e, out.sent)
	binary.LittleEndian.PutUint32(e[8:], uint32(out.pings))
	return c.send('E', e)
}

func (c *conn) bulk(out *outcome, t0 time.Time) ([]byte, error) {
	o := c.o
	buf := make([]byte, 4+o.msgSize)
	for i := range buf[4:] {
		buf[4+i] = byte(i*131 + 7)
	}
	for {
		n := uint64(o.msgSize)
		if o.bytes > 0 {
			if out.sent >= o.bytes {
				break
			}
			if o.bytes-out.sent < n {
				n = o.bytes - out.sent
			}
		} else if time.Since(t0).Seconds() >= o.seconds {
			break
		}
		header(buf, 'D', uint32(n))
		if _, err := c.s.Write(buf[:4+n]); err != nil {
			return nil, err
		}
		out.sent += n
	}
	if err := c.end(out); err != nil {
		return nil, err
	}
	typ, n, err := c.readRecord()
	if err != nil {
		return nil, fmt.Errorf("waiting for RESULT: %v", err)
	}
	if typ != 'R' || n != resultLen {
		return nil, errors.New("expected RESULT")
	}
	r := make([]byte, n)
	return r, c.readPayload(r)
}

type pong struct {
	seq uint32
	at  time.Time
}

// reader hands PONGs and finally the RESULT over to rr().
func (c *conn) reader(pongs chan<- pong, result chan<- []byte, errc chan<- error) {
	buf := make([]byte, resultLen+c.o.msgSize)
	for {
		typ, n, err := c.readRecord()
		if err == nil && int(n) > len(buf) {
			err = errProtocol
		}
		if err == nil {
			err = c.readPayload(buf[:n])
		}
		if err != nil {
			errc <- err
			return
		}
		switch {
		case typ == 'P' && n >= 4:
			pongs <- pong{binary.LittleEndian.Uint32(buf), time.Now()}
		case typ == 'R' && n == resultLen:
			result <- append([]byte(nil), buf[:n]...)
			return
		default:
			errc <- errProtocol
			return
		}
	}
}

// rr sends a PING every 1/rate seconds on a fixed schedule and times each
// PONG from when its PING was due, as kcpperf does.
func (c *conn) rr(out *outcome, t0 time.Time) ([]byte, error) {
	o := c.o
	gap := time.Duration(float64(time.Second) / o.rate)
	pongs := make(chan pong, out.pings+1)
	result := make(chan []byte, 1)
	errc := make(chan error, 1)
	go c.reader(pongs, result, errc)
	rtt := make([]float64, out.pings)
	buf := make([]byte, o.msgSize)
	header(buf, 'Q', uint32(o.msgSize-4))
	got := uint64(0)
	take := func(p pong) error {
		if uint64(p.seq) >= out.sent || rtt[p.seq] != 0 {
			return errors.New("PONG for no PING")
		}
		ms := p.at.Sub(t0.Add(time.Duration(p.seq)*gap)).Seconds() * 1e3
		rtt[p.seq] = math.Max(ms, 0.001)
		got++
		return nil
	}
	for got < out.pings {
		var timer <-chan time.Time
		if out.sent < out.pings {
			due := t0.Add(time.Duration(out.sent) * gap)
			if !time.Now().Before(due) {
				binary.LittleEndian.PutUint32(buf[4:], uint32(out.sent))
				if _, err := c.s.Write(buf); err != nil {
					return nil, err
				}
				out.sent++
				continue
			}
			timer = time.After(time.Until(due))
		} else {
			timer = time.After(time.Until(t0.Add(time.Duration(out.sent)*gap +
				time.Duration(o.timeout*float64(time.Second)))))
		}
		select {
		case p := <-pongs:
			if err := take(p); err != nil {
				return nil, err
			}
		case err := <-errc:
			return nil, err
		case <-timer:
			if out.sent >= out.pings {
				goto drained // the missing PONGs count as unanswered
			}
		}
	}
drained:
	out.pings = out.sent
	out.sent = 0 // DATA bytes: none in rr
	for _, v := range rtt {
		if v > 0 {
			out.rtt = append(out.rtt, v)
		}
	}
	if err := c.end(out); err != nil {
		return nil, err
	}
	for {
		select {
		case <-pongs: // late ones
		case r := <-result:
			return r, nil
		case err := <-errc:
			return nil, fmt.Errorf("waiting for RESULT: %v", err)
		}
	}
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank > 0 {
		rank--
	}
	return sorted[rank]
}

func summary(o *options, out *outcome) {
	sort.Float64s(out.rtt)
	l, p := out.local, out.peerCtr
	wire := l.outBytes + p.outBytes + out.hdr*(l.outPkts+p.outPkts)
	payload := out.peer.bytes
	mode := "bulk"
	if o.rr {
		mode = "rr"
		payload = uint64(o.msgSize) * (out.pings + uint64(out.peer.pings))
	}
	mib := float64(payload) / (1 << 20)
	perMiB := func(usec uint64) float64 {
		if mib == 0 {
			return 0
		}
		return float64(usec) / 1e6 / mib
	}
	ratio := 0.0
	if payload > 0 {
		ratio = float64(wire) / float64(payload)
	}
	rx := float64(out.peer.usec) / 1e6
	bps := 0.0
	if rx > 0 {
		bps = float64(out.peer.bytes) * 8 / rx
	}
	avg := 0.0
	for _, v := range out.rtt {
		avg += v
	}
	if len(out.rtt) > 0 {
		avg /= float64(len(out.rtt))
	}
	retr := [3]uint64{l.lost + p.lost, l.fast + p.fast, l.early + p.early}
	if !o.json {
		if o.rr {
			fmt.Printf("summary: %d of %d round trips of %d bytes: rtt avg %.2f p50 %.2f "+
				"p90 %.2f p99 %.2f max %.2f ms, %d unanswered\n", len(out.rtt),
				out.pings, o.msgSize, avg, percentile(out.rtt, 50),
				percentile(out.rtt, 90), percentile(out.rtt, 99),
				percentile(out.rtt, 100), out.pings-uint64(len(out.rtt)))
		} else {
			fmt.Printf("summary: %d bytes received in %.3f s: %.2f Mbit/s\n",
				out.peer.bytes, rx, bps/1e6)
		}
		fmt.Printf("  retransmissions: %d (timeout %d, fast %d, early %d)\n",
			retr[0]+retr[1]+retr[2], retr[0], retr[1], retr[2])
		fmt.Printf("  wire: %.3f bytes per payload byte, both ways\n", ratio)
		fmt.Printf("  cpu: client %.3f s, server %.3f s, whole machine %.3f s\n",
			float64(l.cpuUsec)/1e6, float64(p.cpuUsec)/1e6, float64(out.hostUsec)/1e6)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "{\"type\":\"summary\",\"transport\":\"kcp-go\",\"mode\":%q,"+
		"\"sessions\":1,\"errors\":0,\"seconds\":%.6f,", mode, out.seconds)
	if o.rr {
		fmt.Fprintf(&b, "\"msg_size\":%d,\"pings\":%d,\"round_trips\":%d,\"lost\":%d,"+
			"\"rtt_ms\":{\"avg\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},",
			o.msgSize, out.pings, len(out.rtt), out.pings-uint64(len(out.rtt)), avg,
			percentile(out.rtt, 50), percentile(out.rtt, 90), percentile(out.rtt, 99),
			percentile(out.rtt, 100))
		if o.samples {
			b.WriteString("\"rtt_samples_ms\":[")
			for i, v := range out.rtt {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%.3f", v)
			}
			b.WriteString("],")
		}
	} else {
		fmt.Fprintf(&b, "\"bytes_sent\":%d,\"bytes_received\":%d,\"receiver_seconds\":%.6f,"+
			"\"bits_per_second\":%.0f,", out.sent, out.peer.bytes, rx, bps)
	}
	fmt.Fprintf(&b, "\"retrans\":{\"total\":%d,\"timeout\":%d,\"fast\":%d,\"early\":%d,"+
		"\"sender\":%d},\"duplicates\":%d,\"refused\":0,\"payload_bytes\":%d,"+
		"\"wire_bytes\":%d,\"wire_estimated\":false,\"wire_per_payload\":%.4f,"+
		"\"cpu\":{\"client_s\":%.6f,\"server_s\":%.6f,\"host_s\":%.6f,"+
		"\"client_s_per_mib\":%.6f,\"server_s_per_mib\":%.6f,\"host_s_per_mib\":%.6f}}\n",
		retr[0]+retr[1]+retr[2], retr[0], retr[1], retr[2], l.lost+l.fast+l.early,
		l.repeat+p.repeat, payload, wire, ratio, float64(l.cpuUsec)/1e6,
		float64(p.cpuUsec)/1e6, float64(out.hostUsec)/1e6, perMiB(l.cpuUsec),
		perMiB(p.cpuUsec), perMiB(out.hostUsec))
	fmt.Print(b.String())
}
