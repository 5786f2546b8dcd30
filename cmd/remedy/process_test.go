package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test start the real program: the test binary re-executes itself with
// REMEDY_TEST_MAIN set and runs main() with the arguments in REMEDY_TEST_ARGS.
func TestMain(m *testing.M) {
	if os.Getenv("REMEDY_TEST_MAIN") == "1" {
		os.Args = append([]string{"remedy"}, strings.Split(os.Getenv("REMEDY_TEST_ARGS"), "\x1f")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type process struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

func (p *process) wait() error {
	<-p.done
	return p.err
}

// startRemedy runs `remedy args…` as a child process and waits until it listens.
func startRemedy(t *testing.T, args ...string) *process {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "REMEDY_TEST_MAIN=1", "REMEDY_TEST_ARGS="+strings.Join(args, "\x1f"))
	stdout, _ := cmd.StdoutPipe()
	p := &process{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "Remedy is listening on "); ok {
				listening <- addr
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p.addr = <-listening:
	case <-p.done:
		t.Fatalf("remedy exited before listening: %v\n%s", p.err, p.logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("remedy did not start listening\n%s", p.logs)
	}
	return p
}

type filedReport struct{ receipt, reference, description string }

func fileReport(client *http.Client, base, description string) (filedReport, error) {
	body, _ := json.Marshal(map[string]any{
		"language": "ja", "country": "JP", "description": description,
		"companies": []map[string]string{{"name": "さくら縫製", "relation": "supplier"}}, "categories": []string{"wages_benefits"},
	})
	resp, err := client.Post(base+"/api/v1/reports", "application/json", bytes.NewReader(body))
	if err != nil {
		return filedReport{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return filedReport{}, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out struct{ Reference, Receipt string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return filedReport{}, err // the answer was cut off: not acknowledged
	}
	return filedReport{receipt: out.Receipt, reference: out.Reference, description: description}, nil
}

// TestAcknowledgedReportsSurviveSIGKILL files reports as fast as 8 clients can, kills the server
// with SIGKILL in the middle, restarts it on the same data folder and opens every case whose
// receipt a client received.
func TestAcknowledgedReportsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server twice")
	}
	data := t.TempDir()
	p := startRemedy(t, "serve", "--data", data, "--addr", "127.0.0.1:0")
	// Every request comes from a loopback address in a /24 of its own, so that the per-source
	// filing budgets do not stop the load; the global filing budget still bounds it.
	var sourceN atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n := sourceN.Add(1)
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(1+n/250%250), byte(n%250), 1)}}
			return d.DialContext(ctx, network, addr)
		},
	}}

	var mu sync.Mutex
	var acknowledged []filedReport
	var stop atomic.Bool
	var n atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for !stop.Load() {
				f, err := fileReport(client, p.addr, fmt.Sprintf("クライアント%d の通報 %d: 賃金未払い", c, n.Add(1)))
				if err != nil {
					continue // refused or cut off by the kill: never acknowledged
				}
				mu.Lock()
				acknowledged = append(acknowledged, f)
				mu.Unlock()
			}
		}(c)
	}
	// Kill once the load is well under way.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := len(acknowledged)
		mu.Unlock()
		if got >= 2000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.wait()
	stop.Store(true)
	wg.Wait()
	if len(acknowledged) < 100 {
		t.Fatalf("only %d reports were acknowledged before the kill", len(acknowledged))
	}

	p2 := startRemedy(t, "serve", "--data", data, "--addr", "127.0.0.1:0")
	for _, f := range acknowledged {
		req, _ := http.NewRequest("GET", p2.addr+"/api/v1/reporter/case", nil)
		req.Header.Set("Authorization", "Receipt "+f.receipt)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ Reference, Description string }
		json.NewDecoder(resp.Body).Decode(&c)
		resp.Body.Close()
		if resp.StatusCode != 200 || c.Reference != f.reference || c.Description != f.description {
			t.Fatalf("after SIGKILL, receipt of %s: status %d, case %+v", f.reference, resp.StatusCode, c)
		}
	}
	t.Logf("%d reports acknowledged before SIGKILL (of %d attempted); all %d open after restart", len(acknowledged), n.Load(), len(acknowledged))

	// The audit chain survived the kill too.
	p2.cmd.Process.Signal(syscall.SIGTERM)
	p2.wait()
	out, err := runRemedy(t, "audit", "verify", "--data", data)
	if err != nil || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("audit verify after SIGKILL: %v\n%s", err, out)
	}
}

// TestSIGTERMFinishesRequestsAndClosesTheDatabase stops the server while a request is in flight
// and expects it to be answered, the process to exit 0 and the WAL to be checkpointed away.
func TestSIGTERMFinishesRequestsAndClosesTheDatabase(t *testing.T) {
	data := t.TempDir()
	p := startRemedy(t, "serve", "--data", data, "--addr", "127.0.0.1:0")
	client := &http.Client{Timeout: 10 * time.Second}
	// A body that trickles in keeps a request in flight across the signal.
	pr, pw := io.Pipe()
	result := make(chan error, 1)
	go func() {
		resp, err := client.Post(p.addr+"/api/v1/reports", "application/json", pr)
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		result <- err
	}()
	pw.Write([]byte(`{"language":"en","country":"TH","companies":[{"name":"X"}],`))
	time.Sleep(200 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte(`"description":"filed while the server was stopping"}`))
	pw.Close()
	if err := <-result; err != nil {
		t.Fatalf("the in-flight request was not finished: %v", err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("exit: %v\n%s", p.err, p.logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
	if info, err := os.Stat(filepath.Join(data, "remedy.db-wal")); err == nil && info.Size() > 0 {
		t.Fatalf("the WAL was left with %d bytes: the database was not closed cleanly", info.Size())
	}
	if strings.Contains(p.logs.String(), "filed while the server was stopping") {
		t.Fatal("the log holds report text")
	}
}

// runRemedy runs a command to completion and returns its standard output.
func runRemedy(t *testing.T, args ...string) (string, error) {
	t.Helper()
	self, _ := os.Executable()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "REMEDY_TEST_MAIN=1", "REMEDY_TEST_ARGS="+strings.Join(args, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out) + stderr.String(), err
	}
	return string(out), nil
}
