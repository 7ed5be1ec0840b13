// SPDX-License-Identifier: MIT OR GPL-2.0

// kcpgo_peer: one end of the interop test, built on kcp-go (the stock Go KCP
// implementation Debian packages), so that our engine is checked against
// code we did not write. tests/interop/peer.c is the other end.
//
//	kcpgo_peer listen|dial ADDR --stream|--message --bytes N
//
// Both ends send N bytes (stream: one byte stream; message: messages of
// deterministic sizes, each of which must arrive whole), check every byte
// they receive against the shared pattern, then exchange a one-byte "done"
// and linger so the last ACKs get through.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	kcp "github.com/xtaci/kcp-go"
)

func pattern(i uint64) byte {
	return byte((i*2654435761)>>24) ^ byte(i>>16)
}

// msgSize is the size of message k; ours may be multi-fragment, kcp-go's
// writer cuts anything above one MSS into separate messages, so it stays
// within one.
func msgSize(k uint64, max uint64) uint64 {
	return 1 + (k*7919)%max
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "kcpgo_peer: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	stream := flag.Bool("stream", false, "stream mode")
	flag.Bool("message", false, "message mode (the default)")
	total := flag.Uint64("bytes", 1<<20, "bytes to send and to expect")
	flag.Parse()
	if flag.NArg() != 2 {
		fail("usage: kcpgo_peer listen|dial ADDR [--stream] [--bytes N]")
	}

	var sess *kcp.UDPSession
	var err error
	switch flag.Arg(0) {
	case "listen":
		l, lerr := kcp.ListenWithOptions(flag.Arg(1), nil, 0, 0)
		if lerr != nil {
			fail("listen: %v", lerr)
		}
		l.SetDeadline(time.Now().Add(20 * time.Second))
		sess, err = l.AcceptKCP()
	case "dial":
		sess, err = kcp.DialWithOptions(flag.Arg(1), nil, 0, 0)
	default:
		fail("mode must be listen or dial")
	}
	if err != nil {
		fail("%s: %v", flag.Arg(0), err)
	}
	sess.SetStreamMode(*stream)
	sess.SetNoDelay(1, 10, 2, 1)
	sess.SetWindowSize(128, 128)
	sess.SetMtu(1400)
	sess.SetDeadline(time.Now().Add(60 * time.Second))

	sendDone := make(chan error, 1)
	go func() {
		buf := make([]byte, 1400)
		var off, k uint64
		for off < *total {
			n := msgSize(k, 1376)
			if *stream {
				n = 1400
			}
			if n > *total-off {
				n = *total - off
			}
			for i := uint64(0); i < n; i++ {
				buf[i] = pattern(off + i)
			}
			if _, err := sess.Write(buf[:n]); err != nil {
				sendDone <- err
				return
			}
			off += n
			k++
		}
		sendDone <- nil
	}()

	buf := make([]byte, 127*1400)
	var got, k uint64
	for got < *total {
		room := buf
		if *stream && uint64(len(room)) > *total-got {
			room = buf[:*total-got] // the peer's "done" follows the data
		}
		n, err := sess.Read(room)
		if err != nil {
			fail("read after %d bytes: %v", got, err)
		}
		if !*stream {
			want := msgSize(k, 8000)
			if want > *total-got {
				want = *total - got
			}
			if uint64(n) != want {
				fail("message %d: %d bytes, want %d", k, n, want)
			}
			k++
		}
		for i := 0; i < n; i++ {
			if buf[i] != pattern(got+uint64(i)) {
				fail("wrong byte at offset %d", got+uint64(i))
			}
		}
		got += uint64(n)
	}
	if err := <-sendDone; err != nil {
		fail("write: %v", err)
	}
	if _, err := sess.Write([]byte{'D'}); err != nil {
		fail("write done: %v", err)
	}
	if n, err := sess.Read(buf); err != nil || n != 1 || buf[0] != 'D' {
		fail("no done from the peer (%d bytes, %v)", n, err)
	}
	time.Sleep(2 * time.Second) // let our last ACKs out
	fmt.Printf("kcpgo_peer: %d bytes each way intact (conv %#x)\n", got, sess.GetConv())
}
