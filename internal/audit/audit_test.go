package audit

import (
	"errors"
	"testing"
	"time"
)

func chain(n int) []Entry {
	prev := Genesis
	var out []Entry
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: at.Add(time.Duration(i) * time.Minute), Actor: "user:1", Action: "case.stage", CaseID: int64(i % 3), Detail: `{"to":"screening"}`, PrevHash: prev}
		e.Hash = Sum(prev, e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(entries []Entry) error {
	v := NewVerifier()
	for _, e := range entries {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return nil
}

func TestIntactChainVerifies(t *testing.T) {
	if err := verify(chain(50)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifierFindsFirstBrokenEntry(t *testing.T) {
	cases := map[string]struct {
		alter func([]Entry) []Entry
		seq   int64
	}{
		"altered detail":  {func(c []Entry) []Entry { c[9].Detail = `{"to":"closed"}`; return c }, 10},
		"altered actor":   {func(c []Entry) []Entry { c[3].Actor = "user:2"; return c }, 4},
		"altered time":    {func(c []Entry) []Entry { c[0].At = c[0].At.Add(time.Second); return c }, 1},
		"altered case":    {func(c []Entry) []Entry { c[20].CaseID = 99; return c }, 21},
		"removed entry":   {func(c []Entry) []Entry { return append(c[:5], c[6:]...) }, 7},
		"swapped entries": {func(c []Entry) []Entry { c[7], c[8] = c[8], c[7]; return c }, 9},
		"rehashed entry but not its successor": {func(c []Entry) []Entry {
			c[11].Action = "case.delete"
			c[11].Hash = Sum(c[11].PrevHash, c[11])
			return c
		}, 13},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := verify(tc.alter(chain(30)))
			var br *Break
			if !errors.As(err, &br) {
				t.Fatalf("verify = %v, want a *Break", err)
			}
			if br.Seq != tc.seq {
				t.Fatalf("break at %d, want %d (%v)", br.Seq, tc.seq, err)
			}
		})
	}
}

func TestSumSeparatesFields(t *testing.T) {
	a := Entry{Seq: 1, Actor: "ab", Action: "c"}
	b := Entry{Seq: 1, Actor: "a", Action: "bc"}
	if string(Sum(Genesis, a)) == string(Sum(Genesis, b)) {
		t.Fatal("moving bytes between fields kept the hash")
	}
}
