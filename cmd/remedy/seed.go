package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/remedy-grievance/remedy/internal/demo"
)

func seedCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	n := fs.Int("cases", 10000, "how many synthetic cases to add")
	seed := fs.Uint64("seed", 1, "random seed (the same seed gives the same cases)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return errors.New("seed needs --cases N with N ≥ 1")
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	last := time.Now()
	progress := func(done int) {
		if time.Since(last) > time.Second || done == *n {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "\rseeded %d of %d cases (%.0f/s)", done, *n, float64(done)/time.Since(start).Seconds())
		}
	}
	err = demo.Seed(ctx, s, *n, rand.New(rand.NewPCG(*seed, *seed^0x5eed)), progress)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("%d synthetic cases added in %s\n", *n, time.Since(start).Round(time.Millisecond))
	return nil
}
