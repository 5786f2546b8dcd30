package transparency

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
)

func TestPercentileIsNearestRank(t *testing.T) {
	h := store.DayCounts{0: 1, 2: 3, 5: 5, 40: 1} // ten stages
	for _, c := range []struct{ p, want int }{{50, 5}, {40, 2}, {90, 5}, {100, 40}, {10, 0}, {1, 0}} {
		if got := Percentile(h, c.p); got != c.want {
			t.Errorf("p%d = %d, want %d", c.p, got, c.want)
		}
	}
	if Percentile(store.DayCounts{}, 50) != 0 {
		t.Error("an empty histogram has no percentile")
	}
}

func TestAnonymiseWithholdsRareCombinationsInOrder(t *testing.T) {
	at := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)
	c := func(ref string, member int64, country, relation string, cats ...string) store.RegisterCase {
		return store.RegisterCase{Reference: ref, ReceivedAt: at, UpdatedAt: at, Country: country, Categories: cats,
			Companies: []store.RegisterCompany{{MemberID: member, Relation: relation, Stage: "dialogue"}}}
	}
	cases := []store.RegisterCase{
		// Three alike: shown in full.
		c("R-1", 1, "VN", "supplier", "wages_benefits"), c("R-2", 1, "VN", "supplier", "wages_benefits"), c("R-3", 1, "VN", "supplier", "wages_benefits"),
		// Same member, country and issue as those, another link: the link goes.
		c("R-4", 1, "VN", "own_operations", "wages_benefits"),
		// Same member and country, another issue: link and issues go.
		c("R-5", 1, "VN", "supplier", "child_labour"),
		// Alone in its country for this member: everything but the member goes.
		c("R-6", 1, "MM", "supplier", "forced_labour"),
		// Another member alone: the same.
		c("R-7", 2, "VN", "supplier", "wages_benefits"),
	}
	names := func(id int64) string { return map[int64]string{1: "Sakura", 2: "Fujimi"}[id] }
	got := Anonymise(cases, 3, time.UTC, names)
	want := map[string]string{"R-1": "", "R-2": "", "R-3": "", "R-4": "relation", "R-5": "relation,categories",
		"R-6": "relation,categories,country", "R-7": "relation,categories,country"}
	for _, e := range got {
		if w := strings.Join(e.Withheld, ","); w != want[e.Reference] {
			t.Errorf("%s withholds %q, want %q", e.Reference, w, want[e.Reference])
		}
		if e.Received != "2026-05" || e.Companies[0].Member != names(e.Companies[0].MemberID) {
			t.Errorf("%s: %+v", e.Reference, e)
		}
		withheld := strings.Join(e.Withheld, ",")
		if strings.Contains(withheld, "country") != (e.Country == "") || strings.Contains(withheld, "categories") != (e.Categories == nil) ||
			strings.Contains(withheld, "relation") != (e.Companies[0].Relation == "") {
			t.Errorf("%s: withheld %q but shows %+v", e.Reference, withheld, e)
		}
	}
	// Every combination still shown is shared by at least k cases of the year.
	for _, e := range got {
		shared := 0
		for _, o := range cases {
			if o.Companies[0].MemberID == e.Companies[0].MemberID && (e.Country == "" || o.Country == e.Country) &&
				(e.Categories == nil || strings.Join(o.Categories, ",") == strings.Join(e.Categories, ",")) &&
				(e.Companies[0].Relation == "" || o.Companies[0].Relation == e.Companies[0].Relation) {
				shared++
			}
		}
		if shared < 3 && len(e.Withheld) < 3 {
			t.Errorf("%s shows a combination only %d cases share", e.Reference, shared)
		}
	}
	for _, e := range Anonymise(cases, 1, time.UTC, names) {
		if len(e.Withheld) != 0 {
			t.Errorf("threshold 1 withheld %v of %s", e.Withheld, e.Reference)
		}
	}
}

// At the threshold's edge: a group of exactly k cases is shown, a group of k−1 is withheld.
func TestAnonymiseSuppressesKMinusOneAndShowsK(t *testing.T) {
	at := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)
	c := func(ref, country string) store.RegisterCase {
		return store.RegisterCase{Reference: ref, ReceivedAt: at, UpdatedAt: at, Country: country, Categories: []string{"wages_benefits"},
			Companies: []store.RegisterCompany{{MemberID: 1, Relation: "supplier", Stage: "dialogue"}}}
	}
	for _, k := range []int{2, 3, 5} {
		var cases []store.RegisterCase
		for i := range k {
			cases = append(cases, c(fmt.Sprintf("K-%d", i), "VN"))
		}
		for i := range k - 1 {
			cases = append(cases, c(fmt.Sprintf("L-%d", i), "MM"))
		}
		for _, e := range Anonymise(cases, k, time.UTC, func(int64) string { return "Sakura" }) {
			full := strings.HasPrefix(e.Reference, "K-")
			if full && len(e.Withheld) != 0 {
				t.Errorf("k=%d: %s is one of %d alike cases but withholds %v", k, e.Reference, k, e.Withheld)
			}
			if !full && (len(e.Withheld) != 3 || e.Country != "") {
				t.Errorf("k=%d: %s is one of only %d alike cases but shows %+v", k, e.Reference, k-1, e)
			}
		}
	}
}
