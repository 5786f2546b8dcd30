package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

func TestTranslationsBelongToTheirCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := handler(t, s)
		f := mustFile(t, s, report("one"))
		other := mustFile(t, s, report("two"))
		mid, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: reporter, Body: "賃金が払われていません"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddTranslation(ctx, store.NewTranslation{CaseID: other.CaseID, MessageID: mid, Language: "en", Body: "x", Actor: h}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("translated through another case: %v", err)
		}
		if _, err := s.AddTranslation(ctx, store.NewTranslation{CaseID: f.CaseID, MessageID: mid, Language: "en", Body: "x", Actor: reporter}); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("a reporter added a staff translation: %v", err)
		}
		if _, err := s.AddTranslation(ctx, store.NewTranslation{CaseID: f.CaseID, MessageID: mid, Language: "en", Body: "Wages are not paid", Actor: h}); err != nil {
			t.Fatal(err)
		}
		c, _ := s.DeskCase(ctx, f.CaseID)
		if tr := c.Messages[0].Translations; len(tr) != 1 || tr[0].Body != "Wages are not paid" || tr[0].Language != "en" || tr[0].AuthorName != "Handler" {
			t.Fatalf("translations = %+v", tr)
		}
		if entries, _ := s.AuditEntries(ctx, f.CaseID); !strings.Contains(strings.Join(entries, " "), "message.translate") {
			t.Fatalf("not audited: %v", entries)
		}
	})
}
