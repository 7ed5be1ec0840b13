// SPDX-License-Identifier: MIT OR GPL-2.0

// kcpgo_perf's server side: HELLO, ACCEPT, DATA or PING/PONG until END,
// RESULT, BYE (see userspace/tools/kcpperf.h).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	kcp "github.com/xtaci/kcp-go"
)

var errProtocol = errors.New("protocol error")

func serve(o *options) error {
	l, err := kcp.ListenWithOptions(joinHostPort(o.bind, o.port), nil, 0, 0)
	if err != nil {
		return err
	}
	defer l.Close()
	if !o.json {
		fmt.Printf("kcpgo_perf: kcp-go server listening on port %s\n", o.port)
	}
	for {
		s, err := l.AcceptKCP()
		if err != nil {
			return err
		}
		o.configure(s)
		if o.oneOff {
			return serveOne(o, s)
		}
		go serveOne(o, s)
	}
}

func serveOne(o *options, s *kcp.UDPSession) error {
	defer s.Close()
	c := &conn{s, bufio.NewReaderSize(s, 1<<18), o}
	peer := s.RemoteAddr().String()
	mode, res, err := c.serveTest()
	report := func(e error) {
		printServed(o, peer, mode, res, e)
	}
	if err != nil {
		report(err)
		return err
	}
	// our ACK of BYE leaves at the next flush; Close() would drop it
	interval := o.tunables()[1]
	time.Sleep(time.Duration(2*interval+50) * time.Millisecond)
	report(nil)
	return nil
}

type served struct {
	bytes, usec uint64
	pings       uint32
	ctr         counters
}

func (c *conn) serveTest() (byte, served, error) {
	var res served
	typ, n, err := c.readRecord()
	if err != nil {
		return 0, res, err
	}
	if typ != 'H' || n != helloLen {
		c.refuse("expected HELLO")
		return 0, res, errProtocol
	}
	h := make([]byte, helloLen)
	if err := c.readPayload(h); err != nil {
		return 0, res, err
	}
	mode, msgSize := h[6], binary.LittleEndian.Uint32(h[36:])
	if binary.LittleEndian.Uint32(h) != magic || binary.LittleEndian.Uint16(h[4:]) != version {
		c.refuse("unsupported protocol version")
		return 0, res, errProtocol
	}
	if (mode != modeBulk && mode != modeRR) || (mode == modeRR && (msgSize < 8 || msgSize > maxRecord)) {
		c.refuse("bad mode or message size")
		return mode, res, errProtocol
	}
	a := make([]byte, acceptLen)
	binary.LittleEndian.PutUint32(a, magic)
	binary.LittleEndian.PutUint16(a[4:], version)
	for i, v := range c.o.tunables() {
		binary.LittleEndian.PutUint32(a[8+4*i:], v)
	}
	if err := c.send('A', a); err != nil {
		return mode, res, err
	}
	t0, before := time.Now(), snapshot()
	if err := c.receive(msgSize, &res); err != nil {
		return mode, res, err
	}
	res.usec = uint64(time.Since(t0) / time.Microsecond)
	res.ctr = snapshot().sub(before)
	r := make([]byte, resultLen)
	le := binary.LittleEndian
	le.PutUint64(r[0:], res.bytes)
	le.PutUint64(r[8:], res.usec)
	le.PutUint64(r[16:], res.ctr.cpuUsec)
	le.PutUint64(r[24:], res.ctr.outBytes)
	le.PutUint64(r[32:], res.ctr.outPkts)
	le.PutUint64(r[40:], res.ctr.lost)
	le.PutUint64(r[48:], res.ctr.fast)
	le.PutUint64(r[56:], res.ctr.early)
	le.PutUint32(r[64:], res.pings)
	le.PutUint64(r[72:], res.ctr.repeat)
	if err := c.send('R', r); err != nil {
		return mode, res, err
	}
	if typ, n, err = c.readRecord(); err != nil {
		return mode, res, err
	}
	if typ != 'B' || n != 0 {
		return mode, res, errProtocol
	}
	return mode, res, nil
}

func (c *conn) receive(msgSize uint32, res *served) error {
	buf := make([]byte, 4+msgSize+endLen)
	for {
		typ, n, err := c.readRecord()
		if err != nil {
			return err
		}
		switch {
		case typ == 'D':
			if err := c.skip(n); err != nil {
				return err
			}
			res.bytes += uint64(n)
		case typ == 'Q' && n >= 4 && n+4 <= msgSize:
			if err := c.readPayload(buf[4 : 4+n]); err != nil {
				return err
			}
			header(buf, 'P', n)
			if _, err := c.s.Write(buf[:4+n]); err != nil {
				return err
			}
			res.pings++
		case typ == 'E' && n == endLen:
			return c.readPayload(buf[:endLen])
		default:
			return errProtocol
		}
	}
}

func (c *conn) refuse(why string) {
	c.send('X', []byte(why))
	time.Sleep(time.Second)
}

func printServed(o *options, peer string, mode byte, r served, err error) {
	secs := float64(r.usec) / 1e6
	bps := 0.0
	if secs > 0 {
		bps = float64(r.bytes) * 8 / secs
	}
	retr := r.ctr.lost + r.ctr.fast + r.ctr.early
	modes := map[byte]string{modeBulk: "bulk", modeRR: "rr"}
	if o.json {
		e := "null"
		if err != nil {
			e = fmt.Sprintf("%q", err.Error())
		}
		fmt.Printf("{\"type\":\"served\",\"transport\":\"kcp-go\",\"peer\":%q,\"mode\":%q,"+
			"\"error\":%s,\"bytes_received\":%d,\"pings\":%d,\"seconds\":%.6f,"+
			"\"bits_per_second\":%.0f,\"retrans\":%d,\"cpu_s\":%.6f}\n",
			peer, modes[mode], e, r.bytes, r.pings, secs, bps, retr,
			float64(r.ctr.cpuUsec)/1e6)
	} else if err != nil {
		fmt.Printf("kcpgo_perf: %s: %v\n", peer, err)
	} else {
		fmt.Printf("served %s: %s, %d bytes and %d pings in %.3f s (%.2f Mbit/s), "+
			"%d retransmissions, cpu %.3f s\n", peer, modes[mode], r.bytes,
			r.pings, secs, bps/1e6, retr, float64(r.ctr.cpuUsec)/1e6)
	}
}
