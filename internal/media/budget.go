package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image/gif"
	"image/png"
	"runtime"
	"time"
)

// Decoding an image costs memory in proportion to its pixels, and some formats far more per
// pixel than others: a progressive JPEG keeps 64 coefficients of four bytes for every 8×8 block
// until the last scan, a 16-bit PNG eight bytes a pixel. A file of 300 KB can so cost 700 MB.
// Every image is therefore priced, before any pixel is decoded, in bytes of decoded memory; an
// image over MaxDecodeBytes is refused, and the images being cleaned at once are bounded by
// Workers and by MemoryBudget together, waiting at most QueueWait for their turn.

const (
	// MaxDecodeBytes is the most memory one image may cost to clean (decoded pixels, a
	// progressive JPEG's coefficients, the turned copy). A 12-megapixel phone photo costs about
	// 36 MB; a 50-megapixel one about 150 MB.
	MaxDecodeBytes = 256 << 20
	// MemoryBudget bounds the memory of all images being cleaned at once.
	MemoryBudget = 384 << 20
	// QueueWait is how long an image waits for its turn before it is left without a copy.
	QueueWait = 30 * time.Second
)

// collectAfter is the cost from which the pool collects garbage after an image.
const collectAfter = 32 << 20

// Workers is how many images are cleaned at once: decoding is CPU work, and the server's other
// requests must go on being served.
var Workers = min(2, runtime.NumCPU())

// ErrBusy: too many images are being cleaned; this one got no copy.
var ErrBusy = errors.New("media: too many images being cleaned")

// workerPool is a counting semaphore of workers and a weighted one of memory, under one lock.
type workerPool struct {
	slots  chan struct{}
	memory chan int64 // holds the free budget
}

var pool = newPool(Workers, MemoryBudget)

func newPool(workers int, budget int64) *workerPool {
	p := &workerPool{slots: make(chan struct{}, max(workers, 1)), memory: make(chan int64, 1)}
	p.memory <- budget
	return p
}

// run calls fn once a worker and cost bytes of the budget are free, or fails with ErrBusy after
// wait. cost must be at most the budget.
func (p *workerPool) run(cost int64, wait time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-deadline.C:
		return nil, ErrBusy
	}
	defer func() { <-p.slots }()
	// Take the memory: with the worker held, wait for other workers to give theirs back.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case free := <-p.memory:
			if free >= cost {
				p.memory <- free - cost
				defer func() { p.memory <- <-p.memory + cost }()
				out, err := fn()
				if cost >= collectAfter {
					// The decoded pixels are garbage now: collect them before the next image is
					// decoded, or the heap grows to twice the budget before the collector runs.
					runtime.GC()
				}
				return out, err
			}
			p.memory <- free
		case <-deadline.C:
			return nil, ErrBusy
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return nil, ErrBusy
		}
	}
}

// checkCost refuses an image whose decoding would cost over MaxDecodeBytes.
func checkCost(cost int64, format string) error {
	if cost > MaxDecodeBytes {
		return fmt.Errorf("%w: decoding this %s would take %d MB, over %d MB", ErrTooLarge, format, cost>>20, MaxDecodeBytes>>20)
	}
	return nil
}

// jpegCost prices a JPEG from its frame header: the decoded planes (one byte a sample), a
// progressive JPEG's coefficients (four bytes a sample), and the turned copy when it must turn.
func jpegCost(data []byte) (int64, error) {
	var cost int64
	found := false
	walkJPEG(data, func(marker byte, p []byte) bool {
		if marker < 0xC0 || marker > 0xCF || marker == 0xC4 || marker == 0xC8 || marker == 0xCC {
			return marker != markerSOS
		}
		found = true
		if len(p) < 6 {
			return false
		}
		h, w, n := int64(binary.BigEndian.Uint16(p[1:])), int64(binary.BigEndian.Uint16(p[3:])), int(p[5])
		if len(p) < 6+3*n || n == 0 {
			return false
		}
		hmax, vmax := int64(1), int64(1)
		for i := range n {
			f := p[6+3*i+1]
			hmax, vmax = max(hmax, int64(f>>4)), max(vmax, int64(f&15))
		}
		// Samples of each component, rounded up to whole MCUs as the decoder allocates them.
		mcus := ((w + 8*hmax - 1) / (8 * hmax)) * ((h + 8*vmax - 1) / (8 * vmax))
		var samples int64
		for i := range n {
			f := p[6+3*i+1]
			samples += mcus * int64(f>>4) * int64(f&15) * 64
		}
		perSample := int64(1) // the decoded planes
		if marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE {
			perSample += 4 // a progressive JPEG's coefficients
		}
		cost = samples * perSample
		if n == 4 {
			cost += w * h * 4 // CMYK is built from the planes at the end
		}
		if jpegOrientation(data) >= 2 {
			if turnable := (n == 1 || n == 3) && hmax <= 2 && vmax <= 2; turnable {
				cost += samples // the turned planes
			} else {
				cost += w * h * 8 // through RGBA
			}
		}
		return false
	})
	if !found {
		return 0, fmt.Errorf("media: reading JPEG header: no frame")
	}
	return cost, nil
}

// pngCost prices a PNG: its decoded pixels, twice for an interlaced one (each pass is decoded
// on its own before it is merged) and once more for the turned copy.
func pngCost(data []byte) (int64, error) {
	cfg, err := readHeader(data, "PNG", png.DecodeConfig)
	if err != nil {
		return 0, err
	}
	bpp := int64(4)
	switch {
	case len(data) < 29:
		return 0, fmt.Errorf("media: reading PNG header: too short")
	case data[24] == 16 && data[25] == 0:
		bpp = 2
	case data[24] == 16:
		bpp = 8
	case data[25] == 0 || data[25] == 3:
		bpp = 1
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	cost := px * bpp * 2
	if data[28] == 1 {
		cost += px * bpp
	}
	return cost, nil
}

// gifCost prices a GIF: every frame decoded, and the screen.
func gifCost(data []byte) (int64, error) {
	cfg, err := readHeader(data, "GIF", gif.DecodeConfig)
	if err != nil {
		return 0, err
	}
	info, err := scanGIF(data)
	if err != nil {
		return 0, err
	}
	return info.pixels + int64(cfg.Width)*int64(cfg.Height), nil
}
