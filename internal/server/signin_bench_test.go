package server_test

// Measurements of the sign-in attacks of issue 10 (item 5) against a running `remedy serve`,
// over real TCP from distinct loopback addresses. Skipped unless REMEDY_BENCH_ADDR names the
// server; REMEDY_BENCH_EMAIL and REMEDY_BENCH_PASSWORD are a real staff login (a demo login
// will do: `remedy serve --demo` prints them); REMEDY_BENCH_PID adds the server's peak memory.
// Run one at a time against a fresh server:
//
//	REMEDY_BENCH_ADDR=127.0.0.1:18080 REMEDY_BENCH_PID=$! REMEDY_BENCH_EMAIL=… REMEDY_BENCH_PASSWORD=… \
//	  go test ./internal/server -run '^$' -bench BenchmarkSignInLockout -benchtime 1x
//
//   - BenchmarkSignInLockout: from 127.0.20.1, five wrong passwords for the victim's address and
//     then one a minute; the victim signs in from 127.0.21.1 every 10 seconds for
//     REMEDY_BENCH_SECONDS (180). Figures: victim_ok and victim_tries.
//   - BenchmarkSignInConcurrent: 50 wrong sign-ins for one account at once, from one address,
//     and 100 ms later the right one from a clean address. Figures: checked (answered 401: a
//     password was hashed), refused (429 or 503, before any), honest_ms and honest_ok, peak_MB
//     (the server's VmHWM) and resident_before_MB.
//   - BenchmarkSignInFlood: 50 attackers, each from its own /24, send wrong passwords for the
//     victim without pause for 30 seconds while the victim signs in every 2 seconds from a
//     clean address, in one browser that keeps its cookies (it signed in once before). Figures: honest_ok, honest_tries, honest_p50_ms, honest_max_ms, peak_MB.

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type signInTarget struct {
	addr, email, password string
}

func signInBench(b *testing.B) signInTarget {
	t := signInTarget{addr: benchAddr(b), email: os.Getenv("REMEDY_BENCH_EMAIL"), password: os.Getenv("REMEDY_BENCH_PASSWORD")}
	if t.email == "" || t.password == "" {
		b.Skip("set REMEDY_BENCH_EMAIL and REMEDY_BENCH_PASSWORD to a staff login")
	}
	return t
}

// signIn posts one sign-in from local and answers the status (303 means the password was right).
func (t signInTarget) signIn(local, password string) (int, time.Duration, error) {
	return t.signInWith(nil, local, password)
}

// signInWith signs in as a browser that keeps its cookies in jar.
func (t signInTarget) signInWith(jar http.CookieJar, local, password string) (int, time.Duration, error) {
	client := http.Client{
		Jar:           jar,
		Timeout:       60 * time.Second,
		Transport:     &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}).DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	form := url.Values{"email": {t.email}, "password": {password}}
	req, _ := http.NewRequest("POST", "http://"+t.addr+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+t.addr)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	res.Body.Close()
	return res.StatusCode, time.Since(start), nil
}

func BenchmarkSignInLockout(b *testing.B) {
	t := signInBench(b)
	seconds := 180
	if v, err := strconv.Atoi(os.Getenv("REMEDY_BENCH_SECONDS")); err == nil {
		seconds = v
	}
	for range b.N {
		for range 5 {
			t.signIn("127.0.20.1", "not the password at all")
		}
		stop := make(chan struct{})
		go func() {
			tick := time.NewTicker(time.Minute)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					t.signIn("127.0.20.1", "not the password at all")
				}
			}
		}()
		ok, tries := 0, 0
		for end := time.Now().Add(time.Duration(seconds) * time.Second); time.Now().Before(end); time.Sleep(10 * time.Second) {
			status, _, err := t.signIn("127.0.21.1", t.password)
			tries++
			if err == nil && status == http.StatusSeeOther {
				ok++
			}
		}
		close(stop)
		b.ReportMetric(float64(ok), "victim_ok")
		b.ReportMetric(float64(tries), "victim_tries")
	}
}

func BenchmarkSignInConcurrent(b *testing.B) {
	t := signInBench(b)
	for range b.N {
		before := rss(b, "VmRSS")
		var checked, refused, other atomic.Int64
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				status, _, err := t.signIn("127.0.22.1", "not the password at all")
				switch {
				case err != nil:
					other.Add(1)
				case status == http.StatusUnauthorized:
					checked.Add(1)
				case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
					refused.Add(1)
				default:
					other.Add(1)
				}
			})
		}
		time.Sleep(100 * time.Millisecond)
		status, took, err := t.signIn("127.0.24.1", t.password)
		wg.Wait()
		b.ReportMetric(float64(took.Milliseconds()), "honest_ms")
		b.ReportMetric(map[bool]float64{true: 1}[err == nil && status == http.StatusSeeOther], "honest_ok")
		if peak := rss(b, "VmHWM"); peak > 0 {
			b.ReportMetric(peak/1e6, "peak_MB")
			b.ReportMetric(before/1e6, "resident_before_MB")
		}
		b.ReportMetric(float64(checked.Load()), "checked")
		b.ReportMetric(float64(refused.Load()), "refused")
		b.ReportMetric(float64(other.Load()), "other")
	}
}

func BenchmarkSignInFlood(b *testing.B) {
	t := signInBench(b)
	for range b.N {
		before := rss(b, "VmRSS")
		jar, _ := cookiejar.New(nil)
		t.signInWith(jar, "127.0.23.1", t.password)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var attempts atomic.Int64
		for i := range 50 {
			local := fmt.Sprintf("127.1.%d.%d", i, 1+i%200)
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					t.signIn(local, "not the password at all")
					attempts.Add(1)
				}
			})
		}
		var times []time.Duration
		ok := 0
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(2 * time.Second) {
			status, took, err := t.signInWith(jar, "127.0.23.1", t.password)
			times = append(times, took)
			if err == nil && status == http.StatusSeeOther {
				ok++
			}
		}
		close(stop)
		wg.Wait()
		slices.Sort(times)
		b.ReportMetric(float64(ok), "honest_ok")
		b.ReportMetric(float64(len(times)), "honest_tries")
		b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "honest_p50_ms")
		b.ReportMetric(float64(times[len(times)-1].Milliseconds()), "honest_max_ms")
		b.ReportMetric(float64(attempts.Load()), "attacker_tries")
		if peak := rss(b, "VmHWM"); peak > 0 {
			b.ReportMetric(peak/1e6, "peak_MB")
			b.ReportMetric(before/1e6, "resident_before_MB")
		}
	}
}
