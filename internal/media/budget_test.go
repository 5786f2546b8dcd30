package media

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

func TestBombsAreRefusedBeforeDecoding(t *testing.T) {
	for _, c := range []struct {
		name, ct string
		data     []byte
	}{
		{"progressive JPEG 7000x7000", "image/jpeg", mediatest.ProgressiveJPEGBomb(7000, 7000)},
		{"16-bit PNG 7000x7000", "image/png", mediatest.PNG16Bomb(7000, 7000)},
	} {
		if _, err := Shareable(c.ct, c.data); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s (%d KB): %v, want ErrTooLarge", c.name, len(c.data)>>10, err)
		}
	}
	// The same pixels as a baseline JPEG are within the bound: it is memory, not pixels.
	baseline := mediatest.ProgressiveJPEGBomb(7000, 7000)
	baseline[bytes.Index(baseline, []byte{0xFF, 0xC2})+1] = 0xC0
	if cost, err := jpegCost(baseline); err != nil || checkCost(cost, "JPEG") != nil {
		t.Errorf("baseline JPEG 7000x7000 costs %d MB, %v", cost>>20, err)
	}
}

func TestCostFollowsTheFormat(t *testing.T) {
	baseline, _ := jpegCost(mediatest.JPEGWithExif(1000, 1000, 1))
	progressive, _ := jpegCost(mediatest.ProgressiveJPEGBomb(1000, 1000))
	// 4:2:0 planes are 1.5 bytes a pixel; a progressive 4:4:4 one keeps 3 planes and 12 bytes
	// of coefficients.
	// (Both rounded up to whole MCUs.)
	if baseline < 1000*1000*3/2 || baseline > 1008*1008*3/2 || progressive != 1000*1000*15 {
		t.Errorf("1 Mpx JPEG: baseline costs %d, progressive %d", baseline, progressive)
	}
	turned, _ := jpegCost(mediatest.JPEGWithExif(1000, 1000, 6))
	if turned < 2*baseline {
		t.Errorf("a turned JPEG costs %d, unturned %d", turned, baseline)
	}
	png8, _ := pngCost(mediatest.PNGWithMetadata(1000, 1000))
	png16, _ := pngCost(mediatest.PNG16Bomb(1000, 1000))
	if png8 < 4_000_000 || png16 != 2*png8 {
		t.Errorf("1 Mpx PNG: 8-bit costs %d, 16-bit %d", png8, png16)
	}
}

func TestPoolBoundsWorkersAndMemory(t *testing.T) {
	for _, c := range []struct {
		name           string
		workers        int
		budget, cost   int64
		wantConcurrent int32
	}{
		{"two workers", 2, 1000, 10, 2},
		{"one worker", 1, 1000, 10, 1},
		{"memory for one", 2, 100, 60, 1},
	} {
		p := newPool(c.workers, c.budget)
		var now, most atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := p.run(c.cost, 10*time.Second, func() ([]byte, error) {
					n := now.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(10 * time.Millisecond)
					now.Add(-1)
					return nil, nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if most.Load() != c.wantConcurrent {
			t.Errorf("%s: %d ran at once, want %d", c.name, most.Load(), c.wantConcurrent)
		}
		if free := <-p.memory; free != c.budget {
			t.Errorf("%s: %d of the budget %d given back", c.name, free, c.budget)
		}
	}
}

func TestPoolWaitsAtMostTheBound(t *testing.T) {
	p := newPool(1, 100)
	hold, held := make(chan struct{}), make(chan struct{})
	go p.run(10, time.Second, func() ([]byte, error) { close(held); <-hold; return nil, nil })
	<-held
	ran := false
	if _, err := p.run(10, 50*time.Millisecond, func() ([]byte, error) { ran = true; return nil, nil }); !errors.Is(err, ErrBusy) || ran {
		t.Errorf("with the only worker busy: ran %v, err %v; want ErrBusy", ran, err)
	}
	close(hold)
	if _, err := p.run(10, time.Second, func() ([]byte, error) { return nil, nil }); err != nil {
		t.Errorf("once free: %v", err)
	}
}
