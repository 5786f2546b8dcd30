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
			evaluated := 0
			b.ResetTimer()
			for i := range b.N {
				var w *httptest.ResponseRecorder
				if surface == "api" {
					req := httptest.NewRequest("GET", "/api/v1/reporter/case", nil)
					req.Header.Set("Authorization", "Receipt "+wrongReceipt(i))
					w = c.serve(req, rotating(i))
				} else {
					req := httptest.NewRequest("POST", "/follow-up", strings.NewReader(url.Values{"receipt": {wrongReceipt(i)}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					w = c.serve(req, rotating(i))
				}
				if w.Code == 401 {
					evaluated++
				}
				*c.now = c.now.Add(10 * time.Millisecond)
			}
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
			accepted := 0
			b.ResetTimer()
			for i := range b.N {
				remote := "192.0.2.50:1000"
				if from == "rotating" {
					remote = rotating(i)
				}
				if c.report(remote, validFields(), nil).Code == 200 {
					accepted++
				}
				*c.now = c.now.Add(10 * time.Millisecond)
			}
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
				bytes := 0
				for i := range 1700 {
					remote := "192.0.2.50:1000"
					if from == "rotating" {
						remote = rotating(i)
					}
					if c.report(remote, validFields(), map[string][]byte{"p.pdf": png}).Code == 200 {
						bytes += len(png)
					}
					*c.now = c.now.Add(10 * time.Millisecond)
				}
				b.ReportMetric(float64(bytes)/(1<<20), "MiB-in-17-sim-s")
			}
		})
	}
}
