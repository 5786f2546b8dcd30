// Package bench measures what cleaning a hostile image costs: CPU seconds and the process's
// peak resident memory, for one image and for three at once. Run it alone:
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/media/bench/
package bench

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// peakRSS is the process's high-water resident memory (VmHWM) in MB.
func peakRSS(b *testing.B) float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for _, line := range bytes.Split(status, []byte("\n")) {
		var kb float64
		if n, _ := fmtSscan(line, &kb); n == 1 {
			return kb / 1024
		}
	}
	b.Skip("no VmHWM")
	return 0
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// measure runs clean n times at once and reports CPU seconds and peak RSS above the baseline.
func measure(b *testing.B, contentType string, data []byte, n int) {
	b.ReportMetric(float64(len(data))/1000, "file-KB")
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
		// Reset the high-water mark to the current resident size.
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			b.Skip("cannot reset VmHWM")
		}
		base := peakRSS(b)
		cpu := cpuSeconds()
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() { clean(contentType, data) })
		}
		wg.Wait()
		b.ReportMetric(cpuSeconds()-cpu, "CPU-s")
		b.ReportMetric(peakRSS(b)-base, "peak-MB")
	}
}

// BenchmarkBombs cleans each bomb alone and three at once: the files (a 7000×7000
// progressive JPEG of about 290 KB, a 7000×7000 16-bit PNG of about 380 KB), then the largest of
// each that is still cleaned within MaxDecodeBytes, which is what the limits let a file cost.
func BenchmarkBombs(b *testing.B) {
	for _, bomb := range []struct {
		name, contentType string
		make              func() []byte
	}{
		{"ProgressiveJPEG7000", "image/jpeg", func() []byte { return mediatest.ProgressiveJPEGBomb(7000, 7000) }},
		{"PNG16bit7000", "image/png", func() []byte { return mediatest.PNG16Bomb(7000, 7000) }},
		{"ProgressiveJPEG4096", "image/jpeg", func() []byte { return mediatest.ProgressiveJPEGBomb(4096, 4096) }},
		{"PNG16bit4000", "image/png", func() []byte { return mediatest.PNG16Bomb(4000, 4000) }},
	} {
		b.Run(bomb.name, func(b *testing.B) { measure(b, bomb.contentType, bomb.make(), 1) })
		b.Run(bomb.name+"x3", func(b *testing.B) { measure(b, bomb.contentType, bomb.make(), 3) })
	}
}
