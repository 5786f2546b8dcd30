package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// The source and row key an import gives a case are stored with it, in the same transaction,
// and read back per source with the case's reference; the same row cannot be stored twice.
func TestImportedKeysRememberEachRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Now().Add(-30 * 24 * time.Hour)
		row := func(source, key string) store.HistoricCase {
			return store.HistoricCase{Report: importReport("row "+key, t0), Source: source, SourceKey: key,
				Events: []store.HistoricEvent{ev(grievance.CaseAcknowledged, day(t0, 1), H, "")}}
		}
		filed, err := s.ImportCases(ctx, []store.HistoricCase{row("sheet-a", "1"), row("sheet-a", "2"), row("sheet-b", "1"),
			{Report: importReport("no source", t0)}}, importer, false)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := s.ImportedKeys(ctx, "sheet-a")
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 || keys["1"].CaseID != filed[0].CaseID || keys["2"].Reference != filed[1].Reference || keys["1"].ImportedAt.IsZero() {
			t.Fatalf("sheet-a keys %+v, filed %+v", keys, filed)
		}
		if keys, _ := s.ImportedKeys(ctx, "sheet-b"); len(keys) != 1 || keys["1"].CaseID != filed[2].CaseID {
			t.Fatalf("sheet-b keys %+v", keys)
		}
		if keys, _ := s.ImportedKeys(ctx, "sheet-c"); len(keys) != 0 {
			t.Fatalf("sheet-c keys %+v", keys)
		}

		// The same row again fails its whole batch: nothing of it is written.
		before := countRows(t, s, "cases")
		if _, err := s.ImportCases(ctx, []store.HistoricCase{row("sheet-a", "3"), row("sheet-a", "1")}, importer, false); err == nil {
			t.Fatal("the same source row was imported twice")
		}
		if n := countRows(t, s, "cases"); n != before {
			t.Fatalf("%d cases after a refused batch, %d before", n, before)
		}
		if _, err := s.ImportCases(ctx, []store.HistoricCase{{Report: importReport("half", t0), Source: "sheet-a"}}, importer, false); err == nil {
			t.Fatal("a source without a key was accepted")
		}
	})
}
