package server_test

// Measurements of the attacks of issue 10 (items 3 and 4) against a running `remedy serve`, over
// real TCP, the way the attacks were made. They are skipped unless REMEDY_BENCH_ADDR names the
// server (host:port); REMEDY_BENCH_PID (the server's process id) adds its peak memory. Run one at
// a time against a fresh server, e.g.
//
//	remedy serve --data /tmp/d --addr 127.0.0.1:18080 &
//	REMEDY_BENCH_ADDR=127.0.0.1:18080 REMEDY_BENCH_PID=$! \
//	  go test ./internal/server -run '^$' -bench BenchmarkEdgeSlowloris -benchtime 1x
//
//   - BenchmarkEdgeSlowloris: one host (127.0.0.2) opens REMEDY_BENCH_CONNS connections (5,000)
//     that each trickle a request body; figures: held_conns (still open after 10 s) and
//     healthz_ok (1 when GET /healthz from another host, 127.0.0.3, answers 200 within 5 s).
//   - BenchmarkEdgeSlowUpload: a report whose file arrives at 1 byte a second; figures: seconds
//     until the server answers, status, kept_text (1 when the answer holds the typed
//     description), told (1 when it names the slow connection).
//   - BenchmarkEdgeLargeJSON: eight concurrent 38 MB JSON reports; figures: peak_MB (the server's
//     VmHWM less its resident size before), answered (how many got an answer within 120 s),
//     seconds.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func benchAddr(b *testing.B) string {
	addr := os.Getenv("REMEDY_BENCH_ADDR")
	if addr == "" {
		b.Skip("set REMEDY_BENCH_ADDR to a running remedy serve")
	}
	return addr
}

func BenchmarkEdgeSlowloris(b *testing.B) {
	addr := benchAddr(b)
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("REMEDY_BENCH_CONNS")); err == nil {
		n = v
	}
	for range b.N {
		var open atomic.Int64
		var conns []net.Conn
		for range n {
			c, err := dialerFrom("127.0.0.2", 2*time.Second).Dial("tcp", addr)
			if err != nil {
				continue
			}
			fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: 10000000\r\n\r\n--xx\r\n", addr)
			open.Add(1)
			conns = append(conns, c)
			go func() { // the server closing the connection ends this read
				io.Copy(io.Discard, c)
				open.Add(-1)
			}()
		}
		stop := make(chan struct{})
		go trickle(time.Second, stop, func() { // one byte a second on each connection
			for _, c := range conns {
				c.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
				c.Write([]byte("a"))
			}
		})
		time.Sleep(10 * time.Second)
		held := open.Load()
		start := time.Now()
		ok := 0.0
		if res, err := clientFrom("127.0.0.3", 5*time.Second).Get("http://" + addr + "/healthz"); err == nil {
			if res.StatusCode == 200 {
				ok = 1
			}
			res.Body.Close()
		} else {
			b.Logf("healthz: %v", err)
		}
		close(stop)
		for _, c := range conns {
			c.Close()
		}
		b.ReportMetric(float64(held), "held_conns")
		b.ReportMetric(ok, "healthz_ok")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "healthz_ms")
	}
}

func BenchmarkEdgeSlowUpload(b *testing.B) {
	addr := benchAddr(b)
	for range b.N {
		c, err := dialerFrom("127.0.0.4", 2*time.Second).Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		const text = "Twenty minutes of writing that must not be lost"
		head := uploadHead(text)
		fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: %s\r\nAccept-Language: ja\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: %d\r\n\r\n", addr, len(head)+1_000_000)
		c.Write(head)
		start := time.Now()
		done := make(chan struct{})
		go trickle(time.Second, done, func() { c.Write([]byte{0xff}) })
		c.SetReadDeadline(time.Now().Add(400 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		elapsed := time.Since(start)
		close(done)
		status, kept, told := 0, 0.0, 0.0
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			status = res.StatusCode
			if bytes.Contains(body, []byte(text)) {
				kept = 1
			}
			if bytes.Contains(body, []byte(tooSlowInJapanese)) {
				told = 1
			}
		} else {
			b.Logf("no answer: %v", err)
		}
		c.Close()
		b.ReportMetric(elapsed.Seconds(), "s_to_answer")
		b.ReportMetric(float64(status), "status")
		b.ReportMetric(kept, "kept_text")
		b.ReportMetric(told, "told")
	}
}

func BenchmarkEdgeLargeJSON(b *testing.B) {
	addr := benchAddr(b)
	// Three files of 9.5 MB of plain text: 38 MB of JSON once base64-encoded.
	file := bytes.Repeat([]byte("evidence line of a plain text file\n"), 9_500_000/35)
	data := base64.StdEncoding.EncodeToString(file)
	body := []byte(`{"language":"en","description":"large body","country":"VN","companies":[{"name":"Example Co"}],"attachments":[` +
		strings.Repeat(`{"name":"notes.txt","data":"`+data+`"},`, 2) + `{"name":"notes.txt","data":"` + data + `"}]}`)
	b.Logf("body: %.1f MB", float64(len(body))/1e6)
	for range b.N {
		before := rss(b, "VmRSS")
		var wg sync.WaitGroup
		var answered atomic.Int64
		statuses := make([]int, 8)
		start := time.Now()
		for i := range 8 {
			wg.Go(func() {
				client := http.Client{Timeout: 120 * time.Second}
				res, err := client.Post("http://"+addr+"/api/v1/reports", "application/json", bytes.NewReader(body))
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				statuses[i] = res.StatusCode
				answered.Add(1)
			})
		}
		wg.Wait()
		b.Logf("statuses: %v", statuses)
		b.ReportMetric((rss(b, "VmHWM")-before)/1e6, "peak_MB")
		b.ReportMetric(float64(answered.Load()), "answered")
		b.ReportMetric(time.Since(start).Seconds(), "seconds")
	}
}

// rss reads a memory figure (kB) of the server process from /proc, in bytes.
func rss(b *testing.B, field string) float64 {
	pid := os.Getenv("REMEDY_BENCH_PID")
	if pid == "" {
		return 0
	}
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, field+":") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb * 1024
		}
	}
	return 0
}
