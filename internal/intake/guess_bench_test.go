package intake_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
)

// BenchmarkGuessingWithRotatingAddresses is the attack of issue 10: every wrong guess from a new
// source address, on the web form and the API, as fast as the attacker can send them. It moves the
// store's clock by 10 ms a request (100 requests a simulated second) and reports the wrong
// guesses the server evaluated (401) per simulated second, beside the wall-clock rate of
// requests. The before figure ran the same loop on 55383f3 (every guess evaluated).
func BenchmarkGuessingWithRotatingAddresses(b *testing.B) {
	for _, surface := range []string{"follow-up", "api"} {
		b.Run(surface, func(b *testing.B) {
			c := newChain(&testing.T{}, store.SQLite, nil)
			start := *c.now
			b.ResetTimer()
			evaluated := c.flood(b.N, func(i int) bool {
				if surface == "api" {
					req := httptest.NewRequest("GET", "/api/v1/reporter/case", nil)
					req.Header.Set("Authorization", "Receipt "+wrongReceipt(i))
					return c.serve(req, rotating(i)).Code == 401
				}
				req := httptest.NewRequest("POST", "/follow-up", strings.NewReader(url.Values{"receipt": {wrongReceipt(i)}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return c.serve(req, rotating(i)).Code == 401
			})
			simulated := c.now.Sub(start).Seconds()
			b.ReportMetric(float64(evaluated)/simulated, "guesses/sim-s")
			b.ReportMetric(float64(evaluated), "guesses")
		})
	}
}

// BenchmarkFilingFlood files valid reports as fast as the chain takes them, from one address and
// from a new address each time, moving the store's clock 10 ms a request, and reports the
// reports accepted per simulated second.
func BenchmarkFilingFlood(b *testing.B) {
	for _, from := range []string{"one-address", "rotating"} {
		b.Run(from, func(b *testing.B) {
			c := newChain(&testing.T{}, store.SQLite, nil)
			start := *c.now
			b.ResetTimer()
			accepted := c.flood(b.N, func(i int) bool { return c.report(floodSource(from, i), validFields(), nil).Code == 200 })
			b.ReportMetric(float64(accepted)/c.now.Sub(start).Seconds(), "reports/sim-s")
			b.ReportMetric(float64(accepted), "reports")
		})
	}
}

// BenchmarkAttachmentFlood sends reports with a 5 MiB PDF for 17 simulated seconds (one
// request every 10 ms) and reports the attachment bytes accepted.
func BenchmarkAttachmentFlood(b *testing.B) {
	png := append([]byte("%PDF-1.4\n"), make([]byte, 5<<20)...)
	for _, from := range []string{"one-address", "rotating"} {
		b.Run(from, func(b *testing.B) {
			for range b.N {
				c := newChain(&testing.T{}, store.SQLite, nil)
				accepted := c.flood(1700, func(i int) bool {
					return c.report(floodSource(from, i), validFields(), map[string][]byte{"p.pdf": png}).Code == 200
				})
				b.ReportMetric(float64(accepted*len(png))/(1<<20), "MiB-in-17-sim-s")
			}
		})
	}
}

// flood makes n requests with send, moving the chain's clock 10 ms after each (100 requests a
// simulated second), and counts those send reports as let through.
func (c *chain) flood(n int, send func(i int) bool) int {
	through := 0
	for i := range n {
		if send(i) {
			through++
		}
		*c.now = c.now.Add(10 * time.Millisecond)
	}
	return through
}

// floodSource is the i-th request's address: always one, or a new /24 each time.
func floodSource(from string, i int) string {
	if from == "rotating" {
		return rotating(i)
	}
	return "192.0.2.50:1000"
}
