// The load client of bench/ws/run.sh: a minimal WebSocket client (text
// frames of at most 125 bytes, masked as RFC 6455 asks of clients).
//
//	client echo PORT CLIENTS SECONDS   round trips per second, each client
//	                                   sending its next message after the echo
//	client fan PORT MEMBERS MESSAGES   MEMBERS connections; one sends MESSAGES
//	                                   "fan ..." texts that the server
//	                                   broadcasts to all; delivered per second
//
// Prints one number.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(port string) *conn {
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		fail(err)
	}
	c.(*net.TCPConn).SetNoDelay(true)
	fmt.Fprintf(c, "GET /bench HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\n"+
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"Sec-WebSocket-Version: 13\r\n\r\n")
	r := bufio.NewReader(c)
	status, err := r.ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		fail(fmt.Errorf("handshake: %q %v", status, err))
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			fail(err)
		}
		if line == "\r\n" {
			return &conn{c, r}
		}
	}
}

func (c *conn) send(text string) {
	b := []byte(text)
	key := [4]byte{1, 2, 3, 4}
	f := append([]byte{0x81, 0x80 | byte(len(b))}, key[:]...)
	for i, x := range b {
		f = append(f, x^key[i%4])
	}
	if _, err := c.c.Write(f); err != nil {
		fail(err)
	}
}

// recv reads one (unfragmented, short) server frame's payload.
func (c *conn) recv() []byte {
	var h [2]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		fail(err)
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var l [2]byte
		io.ReadFull(c.r, l[:])
		n = int(l[0])<<8 | int(l[1])
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(c.r, p); err != nil {
		fail(err)
	}
	return p
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "client:", err)
	os.Exit(1)
}

func main() {
	port := os.Args[2]
	n, _ := strconv.Atoi(os.Args[3])
	x, _ := strconv.Atoi(os.Args[4])
	switch os.Args[1] {
	case "echo":
		echo(port, n, time.Duration(x)*time.Second)
	case "fan":
		fan(port, n, x)
	}
}

func echo(port string, clients int, d time.Duration) {
	conns := make([]*conn, clients)
	for i := range conns {
		conns[i] = dial(port)
	}
	var total int64
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for _, c := range conns {
		wg.Add(1)
		go func(c *conn) {
			defer wg.Done()
			var k int64
			for time.Now().Before(end) {
				c.send("hello, echo")
				c.recv()
				k++
			}
			atomic.AddInt64(&total, k)
		}(c)
	}
	wg.Wait()
	fmt.Printf("%.0f\n", float64(total)/time.Since(start).Seconds())
}

func fan(port string, members, messages int) {
	conns := make([]*conn, members)
	for i := range conns {
		conns[i] = dial(port)
	}
	// The server joins members on connect: wait until the last one's
	// join has surely happened by having it echo first.
	conns[members-1].send("ready")
	conns[members-1].recv()
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range conns {
		wg.Add(1)
		go func(c *conn) {
			defer wg.Done()
			for i := 0; i < messages; i++ {
				c.recv()
			}
		}(c)
	}
	for i := 0; i < messages; i++ {
		conns[0].send("fan " + strconv.Itoa(i))
	}
	wg.Wait()
	fmt.Printf("%.0f\n", float64(members*messages)/time.Since(start).Seconds())
}
