package store_test

import (
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var adminActor = store.Actor{Role: "admin"}

// reopenable returns a function that opens a store on the same database each time it is called,
// as a restart would, with the same key (another key is refused: see key_test.go).
func reopenable(t *testing.T, d store.Dialect) func() *store.Store {
	t.Helper()
	cfg := store.Config{Timeline: storetest.Timeline(t)}
	if d == store.Postgres {
		cfg.DatabaseURL = storetest.PostgresSchema(t)
	} else {
		cfg.DataDir = t.TempDir()
	}
	kek := make([]byte, 32)
	rand.Read(kek)
	return func() *store.Store {
		t.Helper()
		c := cfg
		var err error
		if c.Keys, err = seal.NewKeyring(kek); err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestTimelineSurvivesReopeningAndAppliesAtOnce(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			open := reopenable(t, d)
			s := open()
			tl := s.Timeline()
			tl.AcknowledgeDays, tl.ScreeningDays, tl.MonitoringDays, tl.FiscalYearStart = 3, 21, 60, time.January
			if err := s.SetTimeline(ctx, tl, adminActor); err != nil {
				t.Fatal(err)
			}
			if got := s.Timeline(); got.AcknowledgeDays != 3 || got.ScreeningDays != 21 || got.MonitoringDays != 60 || got.FiscalYearStart != time.January {
				t.Fatalf("live timeline = %+v", got)
			}
			// A report filed now gets the new acknowledgement deadline.
			f := mustFile(t, s, report("after the change"))
			c, _ := s.ReporterCase(ctx, f.CaseID)
			if want := s.Timeline().DueAt(c.ReceivedAt, 3); !c.DueAt.Equal(want) {
				t.Fatalf("acknowledgement due %v, want %v (3 days)", c.DueAt, want)
			}
			s.Close()

			again := open()
			got := again.Timeline()
			if got.AcknowledgeDays != 3 || got.ScreeningDays != 21 || got.MonitoringDays != 60 || got.FiscalYearStart != time.January {
				t.Fatalf("after reopening, timeline = %+v", got)
			}
			if got.AnswerDays != 30 || got.CompanyResponseDays != 30 || got.ReporterUpdateDays != 90 {
				t.Fatalf("unchanged periods changed: %+v", got)
			}
			if got.Zone.String() != "Asia/Tokyo" {
				t.Fatalf("zone = %v, want the configuration's", got.Zone)
			}
		})
	}
}

func TestInvalidTimelineIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tl := s.Timeline()
		tl.AcknowledgeDays = 0
		if err := s.SetTimeline(ctx, tl, adminActor); err == nil {
			t.Fatal("a 0-day period was saved")
		}
		if s.Timeline().AcknowledgeDays != 7 {
			t.Fatalf("a refused timeline changed the live one: %+v", s.Timeline())
		}
	})
}

// TestTimelineIsSafeToChangeWhileRead is for the race detector: pages read the timeline while
// an adminActor saves it.
func TestTimelineIsSafeToChangeWhileRead(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			_ = s.Timeline().AcknowledgeDays
		}
	}()
	for days := 1; days <= 5; days++ {
		tl := s.Timeline()
		tl.AcknowledgeDays = days
		if err := s.SetTimeline(ctx, tl, adminActor); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if s.Timeline().AcknowledgeDays != 5 {
		t.Fatalf("timeline = %+v", s.Timeline())
	}
}

func TestRulesTextPerLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.SetRulesText(ctx, "ja", "第1条 目的\r\n本規程は…", adminActor); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRulesText(ctx, "en", "Article 1", adminActor); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RulesText(ctx, "ja"); got != "第1条 目的\n本規程は…" {
			t.Fatalf("ja = %q", got)
		}
		if got, _ := s.RulesText(ctx, "vi"); got != "" {
			t.Fatalf("vi = %q, want none", got)
		}
		if err := s.SetRulesText(ctx, "en", "Article 1, amended", adminActor); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RulesText(ctx, "en"); got != "Article 1, amended" {
			t.Fatalf("en after replacing = %q", got)
		}
		if langs, _ := s.RulesTextLanguages(ctx); strings.Join(langs, ",") != "en,ja" {
			t.Fatalf("languages = %v", langs)
		}
		if err := s.SetRulesText(ctx, "en", "  ", adminActor); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RulesText(ctx, "en"); got != "" {
			t.Fatalf("an emptied text remains: %q", got)
		}
		if err := s.SetRulesText(ctx, "ja", strings.Repeat("あ", store.MaxRulesText+1), adminActor); err != store.ErrRulesTooLong {
			t.Fatalf("too long: %v", err)
		}
		if err := s.SetRulesText(ctx, "../x", "text", adminActor); err == nil {
			t.Fatal("a malformed language was accepted")
		}
	})
}
