package intake_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestPageSizeReport prints each public page's size per language when REMEDY_PAGE_SIZES is set;
// the figures go in the docs. The budget itself is enforced by TestPublicPagesStayWithinBudget.
func TestPageSizeReport(t *testing.T) {
	if os.Getenv("REMEDY_PAGE_SIZES") == "" {
		t.Skip("set REMEDY_PAGE_SIZES=1 to print page sizes")
	}
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	_, css := w.get("/static/app.css", "")
	_, js := w.get("/static/app.js", "")
	fmt.Printf("css %d js %d\n", len(css), len(js))
	for _, lang := range locale.Languages() {
		line := lang
		for _, path := range []string{"/", "/rules", "/report", "/follow-up"} {
			_, page := w.get(path, lang)
			line += fmt.Sprintf(" %s=%d", path, len(page)+len(css)+len(js))
		}
		fmt.Println(line)
	}
}
