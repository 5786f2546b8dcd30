package store_test

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkFiscalYearFigures measures a fiscal year's public statistics on a seeded data folder:
//
//	go run ./cmd/remedy seed --data /tmp/m1 --cases 1000000
//	REMEDY_BENCH_DATA=/tmp/m1 go test -run '^$' -bench FiscalYearFigures -benchtime 20x ./internal/store/
//
// One sub-benchmark per fiscal year in the folder, reporting p50 and max milliseconds and the
// cases received in that year; "trend" is the per-year counts across every year.
func BenchmarkFiscalYearFigures(b *testing.B) {
	s := openBenchStore(b)
	now := time.Now()
	trend, err := s.Trend(ctx, now)
	if err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B, lat []time.Duration, n int) {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(n), "cases")
	}
	for _, y := range trend {
		b.Run(fmt.Sprintf("FY%d", y.FiscalYear), func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			var received int
			for i := 0; i < b.N; i++ {
				start := time.Now()
				f, err := s.FiscalYearFigures(ctx, y.FiscalYear)
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				received = f.Received
			}
			report(b, lat, received)
		})
	}
	b.Run("trend", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			start := time.Now()
			if _, err := s.Trend(ctx, now); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		report(b, lat, 0)
	})
}
