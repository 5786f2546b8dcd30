package transparency

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/store"
)

// Entry is one case of the public register, as published.
type Entry struct {
	Reference  string    `json:"reference"`
	Received   string    `json:"received"` // "2026-04": never finer than a month
	Updated    string    `json:"updated"`
	Country    string    `json:"country"`    // ISO code, or "" when withheld
	Categories []string  `json:"categories"` // codes, or nil when withheld
	Companies  []Company `json:"companies"`
	Withheld   []string  `json:"withheld"` // which of country, relation, categories are withheld
}

// Company is one company concerned by a registered case: a member by name, or "non-member".
type Company struct {
	MemberID int64  `json:"member_id"` // 0: not a member
	Member   string `json:"member"`    // the member's public name; empty for a non-member
	Relation string `json:"relation"`  // "" when withheld
	Stage    string `json:"stage"`     // the referral's stage; "" when the company got no referral
}

// Quasi-identifiers are withheld in this order until the combination still shown is shared by
// at least k cases of the year: first the link to the company, then the issues, then the
// country. The member companies are always shown (membership is public, and a company's case
// count is in the statistics anyway) and so is the month, as the Japanese joint centre does.
var withholdOrder = []string{"relation", "categories", "country"}

// Anonymise turns a year's register cases into published entries, withholding rare
// combinations under threshold k (k <= 1 withholds nothing). zone makes the months.
func Anonymise(cases []store.RegisterCase, k int, zone *time.Location, member Names) []Entry {
	keys := make([][4]string, len(cases)) // members, country, categories, relations
	for i, c := range cases {
		var members, relations []string
		for _, co := range c.Companies {
			members = append(members, strconv.FormatInt(co.MemberID, 10))
			relations = append(relations, co.Relation)
		}
		keys[i] = [4]string{strings.Join(members, ","), c.Country, strings.Join(c.Categories, ","), strings.Join(relations, ",")}
	}
	// levels[n] counts the cases sharing the first n+1 parts of the key; a case shows the
	// longest prefix whose group has at least k cases.
	var levels [4]map[string]int
	prefix := func(i, n int) string { return strings.Join(keys[i][:n+1], "\x1f") }
	for n := range levels {
		levels[n] = map[string]int{}
		for i := range cases {
			levels[n][prefix(i, n)]++
		}
	}
	out := make([]Entry, len(cases))
	for i, c := range cases {
		shown := 3 // how many parts after the members are shown
		for shown > 0 && k > 1 && levels[shown][prefix(i, shown)] < k {
			shown--
		}
		e := Entry{Reference: c.Reference, Received: c.ReceivedAt.In(zone).Format("2006-01"), Updated: c.UpdatedAt.In(zone).Format("2006-01")}
		withheld := withholdOrder[:3-shown]
		if !slices.Contains(withheld, "country") {
			e.Country = c.Country
		}
		if !slices.Contains(withheld, "categories") {
			e.Categories = slices.Clone(c.Categories)
		}
		for _, co := range c.Companies {
			pc := Company{MemberID: co.MemberID, Stage: co.Stage}
			if co.MemberID != 0 {
				pc.Member = member(co.MemberID)
			}
			if !slices.Contains(withheld, "relation") {
				pc.Relation = co.Relation
			}
			e.Companies = append(e.Companies, pc)
		}
		e.Withheld = slices.Clone(withheld)
		out[i] = e
	}
	return out
}
