package demo_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode"

	"github.com/remedy-grievance/remedy/internal/demo"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var now = time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

func synthetic(t *testing.T, seed uint64, n int) []store.HistoricCase {
	return demo.Synthetic(rand.New(rand.NewPCG(seed, 1)), n, now, storetest.Timeline(t), []int64{1, 2, 3, 4, 5})
}

func TestSyntheticIsDeterministic(t *testing.T) {
	a, b := synthetic(t, 42, 300), synthetic(t, 42, 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different cases")
	}
	if c := synthetic(t, 43, 300); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same cases")
	}
	// Batches are the same stream cut differently.
	var batched []store.HistoricCase
	var sizes []int
	demo.SyntheticBatches(rand.New(rand.NewPCG(42, 1)), 300, 128, now, storetest.Timeline(t), []int64{1, 2, 3, 4, 5}, func(b []store.HistoricCase) error {
		sizes = append(sizes, len(b))
		batched = append(batched, b...)
		return nil
	})
	if !reflect.DeepEqual(a, batched) || !slices.Equal(sizes, []int{128, 128, 44}) {
		t.Fatalf("batched stream differs (sizes %v)", sizes)
	}
}

func TestSyntheticMixesAreRealistic(t *testing.T) {
	const n = 5000
	cases := synthetic(t, 7, n)
	if len(cases) != n {
		t.Fatalf("%d cases", len(cases))
	}
	share := func(pred func(c store.HistoricCase) bool, among func(c store.HistoricCase) bool) float64 {
		k, m := 0, 0
		for _, c := range cases {
			if among != nil && !among(c) {
				continue
			}
			m++
			if pred(c) {
				k++
			}
		}
		return float64(k) / float64(m)
	}
	all := func(store.HistoricCase) bool { return true }
	final := func(c store.HistoricCase) bool {
		return len(c.Events) > 0 && c.Events[len(c.Events)-1].To.Final()
	}
	old := func(c store.HistoricCase) bool { return c.Report.ReceivedAt.Before(now.AddDate(-2, 0, 0)) }
	recent := func(c store.HistoricCase) bool { return c.Report.ReceivedAt.After(now.AddDate(0, 0, -30)) }
	category := func(cat grievance.Category) func(store.HistoricCase) bool {
		return func(c store.HistoricCase) bool { return c.Report.Categories[0] == cat }
	}
	for _, check := range []struct {
		name     string
		got      float64
		low, top float64
	}{
		{"anonymous", share(func(c store.HistoricCase) bool { return c.Report.Anonymous }, all), 0.6, 0.8},
		{"final among cases older than two years", share(final, old), 0.85, 1},
		{"final among cases of the last month", share(final, recent), 0, 0.35},
		{"not accepted among final old cases", share(func(c store.HistoricCase) bool {
			return c.Events[len(c.Events)-1].To == grievance.CaseNotAccepted
		}, func(c store.HistoricCase) bool { return old(c) && final(c) }), 0.2, 0.5},
		{"wages first", share(category("wages_benefits"), all), 0.15, 0.3},
		{"forced labour first", share(category("forced_labour"), all), 0.005, 0.06},
		{"child labour first", share(category("child_labour"), all), 0.002, 0.04},
		{"Asian supply chains", share(func(c store.HistoricCase) bool {
			return slices.Contains([]string{"JP", "VN", "TH", "ID", "MY", "MM", "KH", "PH", "NP", "BD", "CN", "IN"}, c.Report.Country)
		}, all), 0.85, 0.98},
		{"web", share(func(c store.HistoricCase) bool { return c.Report.Channel == "web" }, all), 0.45, 0.65},
		{"more than one company", share(func(c store.HistoricCase) bool { return len(c.Report.Companies) > 1 }, all), 0.1, 0.3},
	} {
		if check.got < check.low || check.got > check.top {
			t.Errorf("%s: share %.3f outside [%.3f, %.3f]", check.name, check.got, check.low, check.top)
		}
	}
	// Received dates spread over about four years, in order, more in recent years.
	first, last := cases[0].Report.ReceivedAt, cases[n-1].Report.ReceivedAt
	if first.After(now.AddDate(-3, -10, 0)) || last.Before(now.AddDate(0, 0, -3)) || last.After(now) {
		t.Errorf("received from %v to %v", first, last)
	}
	if !slices.IsSortedFunc(cases, func(a, b store.HistoricCase) int { return a.Report.ReceivedAt.Compare(b.Report.ReceivedAt) }) {
		t.Error("cases are not in received order")
	}
	if y1, y4 := share(func(c store.HistoricCase) bool { return c.Report.ReceivedAt.Before(now.AddDate(-3, 0, 0)) }, all),
		share(func(c store.HistoricCase) bool { return c.Report.ReceivedAt.After(now.AddDate(-1, 0, 0)) }, all); y4 < 1.5*y1 {
		t.Errorf("the last year has %.2f of the cases, the first %.2f: no growth", y4, y1)
	}
	// Every referral path and outcome shows up.
	stages, outcomes, remedies := map[grievance.ReferralStage]bool{}, map[grievance.Outcome]bool{}, map[grievance.RemedyType]bool{}
	durations := map[string][]time.Duration{}
	for _, c := range cases {
		for _, r := range c.Referrals {
			for _, e := range r.Events {
				stages[e.To] = true
				if e.Outcome != "" {
					outcomes[e.Outcome] = true
				}
			}
			for _, rt := range r.RemedyTypes {
				remedies[rt] = true
			}
		}
		for i, e := range c.Events {
			if e.To == grievance.CaseAcknowledged && i == 0 {
				durations["ack"] = append(durations["ack"], e.At.Sub(c.Report.ReceivedAt))
			}
		}
	}
	if len(stages) != len(grievance.ReferralStages)-1 || len(remedies) < 8 || len(outcomes) < 6 {
		t.Errorf("referral stages %v, outcomes %v, remedy types %v", stages, outcomes, remedies)
	}
	ack := durations["ack"]
	slices.Sort(ack)
	if med := ack[len(ack)/2]; med > 2*24*time.Hour {
		t.Errorf("median acknowledgement after %v", med)
	}
}

// Each language's narratives must be written in its own script.
func TestSyntheticNarrativesUseTheirLanguagesScript(t *testing.T) {
	scripts := map[string][]*unicode.RangeTable{
		"ja":      {unicode.Hiragana, unicode.Katakana, unicode.Han},
		"zh-Hans": {unicode.Han},
		"th":      {unicode.Thai},
		"my":      {unicode.Myanmar},
		"km":      {unicode.Khmer},
		"ne":      {unicode.Devanagari},
		"bn":      {unicode.Bengali},
		"ar":      {unicode.Arabic},
		"vi":      {unicode.Latin},
		"id":      {unicode.Latin},
		"ms":      {unicode.Latin},
		"fil":     {unicode.Latin},
		"en":      {unicode.Latin},
	}
	seen := map[string]int{}
	for _, c := range synthetic(t, 11, 5000) {
		lang := c.Report.Language
		tables, ok := scripts[lang]
		if !ok {
			t.Fatalf("unexpected language %q", lang)
		}
		seen[lang]++
		texts := []string{c.Report.Description, c.Report.RemedySought}
		for _, m := range c.Messages {
			texts = append(texts, m.Body)
		}
		for _, text := range texts {
			if text == "" {
				continue
			}
			letters, own := 0, 0
			for _, r := range text {
				if !unicode.IsLetter(r) {
					continue
				}
				letters++
				if unicode.In(r, tables...) {
					own++
				}
			}
			if letters == 0 || float64(own)/float64(letters) < 0.9 {
				t.Fatalf("%s text is not in its script: %q", lang, text)
			}
		}
		if lang == "ja" && !containsAny(c.Report.Description, unicode.Hiragana, unicode.Katakana) {
			t.Fatalf("Japanese without kana: %q", c.Report.Description)
		}
		if lang == "vi" && !containsAny(c.Report.Description, &unicode.RangeTable{R16: []unicode.Range16{{Lo: 0x1EA0, Hi: 0x1EF9, Stride: 1}}}) {
			t.Fatalf("Vietnamese without its diacritics: %q", c.Report.Description)
		}
	}
	for lang := range scripts {
		if seen[lang] < 10 {
			t.Errorf("only %d cases in %s", seen[lang], lang)
		}
	}
}

func containsAny(s string, tables ...*unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.In(r, tables...) {
			return true
		}
	}
	return false
}

func TestSeedPassesTheRulesAndTheAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var reports []int
		if err := demo.Seed(ctx, s, 2000, rand.New(rand.NewPCG(3, 4)), func(done int) { reports = append(reports, done) }); err != nil {
			t.Fatal(err)
		}
		if len(reports) == 0 || reports[len(reports)-1] != 2000 {
			t.Fatalf("progress %v", reports)
		}
		members, err := s.Members(ctx)
		if err != nil || len(members) == 0 {
			t.Fatalf("members %v, %v", members, err)
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || v.Break != nil {
			t.Fatalf("audit: %+v, %v", v, err)
		}
		var n int
		s.DB().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&n)
		if n != 2000 {
			t.Fatalf("%d cases", n)
		}
	})
}

func TestFillMakesADemoAndRefusesToRunTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		logins, err := demo.Fill(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[grievance.Role]int{}
		for _, l := range logins.Users {
			roles[l.Role]++
			if len(l.Password) < 16 {
				t.Fatalf("%s: short password", l.Email)
			}
			u, err := s.UserByEmail(ctx, l.Email)
			if err != nil || u.Role != l.Role {
				t.Fatalf("%s: %+v, %v", l.Email, u, err)
			}
			hash, err := s.UserPasswordHash(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := seal.VerifyPassword(hash, l.Password); !ok || err != nil {
				t.Fatalf("%s: password does not verify: %v", l.Email, err)
			}
			if wrong, _ := seal.VerifyPassword(hash, l.Password+"x"); wrong {
				t.Fatalf("%s: a wrong password verifies", l.Email)
			}
		}
		members, _ := s.Members(ctx)
		if roles[grievance.RoleAdmin] != 1 || roles[grievance.RoleHandler] != 2 || roles[grievance.RoleExpert] != 1 ||
			roles[grievance.RolePanel] != 1 || roles[grievance.RoleMember] != len(members) || len(members) < 4 {
			t.Fatalf("roles %v for %d members", roles, len(members))
		}
		for _, m := range members {
			if m.NameJA == "" || len(m.Aliases) < 2 {
				t.Fatalf("member %+v", m)
			}
		}

		distinct := func(query string) map[string]int {
			rows, err := s.DB().Query(query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var k string
				var n int
				rows.Scan(&k, &n)
				out[k] = n
			}
			return out
		}
		caseStages := distinct(`SELECT stage, COUNT(*) FROM cases GROUP BY stage`)
		total := 0
		for _, st := range grievance.CaseStages {
			if caseStages[string(st)] == 0 {
				t.Errorf("no demo case in %s", st)
			}
			total += caseStages[string(st)]
		}
		if total < 35 || total > 50 {
			t.Errorf("%d demo cases", total)
		}
		referralStages := distinct(`SELECT stage, COUNT(*) FROM referrals GROUP BY stage`)
		for _, st := range grievance.ReferralStages {
			if referralStages[string(st)] == 0 {
				t.Errorf("no demo referral in %s", st)
			}
		}
		if langs := distinct(`SELECT language, COUNT(*) FROM cases GROUP BY language`); len(langs) < 8 {
			t.Errorf("languages %v", langs)
		}

		if len(logins.Cases) < 3 {
			t.Fatalf("receipts %+v", logins.Cases)
		}
		withMessages := 0
		for _, c := range logins.Cases {
			id, err := s.CaseIDByReceipt(ctx, c.Receipt)
			if err != nil {
				t.Fatalf("receipt of %s: %v", c.Reference, err)
			}
			rc, err := s.ReporterCase(ctx, id)
			if err != nil || rc.Reference != c.Reference || rc.Stage != c.Stage {
				t.Fatalf("case %+v: %+v, %v", c, rc, err)
			}
			if len(rc.Messages) > 0 {
				withMessages++
			}
		}
		if withMessages < 2 {
			t.Errorf("only %d listed demo cases have messages", withMessages)
		}
		if v, err := s.VerifyAudit(ctx); err != nil || v.Break != nil || v.Entries < 60 {
			t.Fatalf("audit: %+v, %v", v, err)
		}

		if _, err := demo.Fill(ctx, s); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second fill: %v", err)
		}
	})
}

// TestSeedTiming times seeding REMEDY_SEED_TIMING cases (e.g. 200000) into a fresh SQLite
// database (PostgreSQL with REMEDY_SEED_DIALECT=postgres); it is skipped unless that is set.
func TestSeedTiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("REMEDY_SEED_TIMING"))
	if n <= 0 {
		t.Skip("set REMEDY_SEED_TIMING to a number of cases")
	}
	dialect := store.Dialect(os.Getenv("REMEDY_SEED_DIALECT"))
	if dialect == "" {
		dialect = store.SQLite
	}
	dir := t.TempDir()
	s := storetest.Open(t, dialect, storetest.Options{DataDir: dir})
	start := time.Now()
	last := start
	err := demo.Seed(context.Background(), s, n, rand.New(rand.NewPCG(1, 1)), func(done int) {
		if time.Since(last) > 10*time.Second || done == n {
			last = time.Now()
			t.Logf("%d cases after %.1fs", done, time.Since(start).Seconds())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("seeded %d cases in %.1fs (%.0f cases/s) on %s", n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), dialect)
	if info, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err == nil {
		t.Logf("database file %d MB", info.Size()>>20)
	}
}
