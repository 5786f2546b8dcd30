package desk_test

import (
	"fmt"
	"testing"

	"github.com/remedy-grievance/remedy/internal/desk"
	"github.com/remedy-grievance/remedy/internal/store"
)

func TestSuggestMembers(t *testing.T) {
	members := []store.Member{
		{ID: 1, NameEN: "Acme Apparel", NameJA: "アクメ衣料", Aliases: []store.MemberAlias{{Kind: "brand", Name: "Skyline"}, {Kind: "group_company", Name: "Acme Vietnam Co"}}},
		{ID: 2, NameEN: "Best Foods", Aliases: []store.MemberAlias{{Kind: "brand", Name: "Best"}, {Kind: "brand", Name: "One"}}},
		{ID: 3, NameEN: "Toray Example", NameJA: "東レ例", Aliases: []store.MemberAlias{{Kind: "brand", Name: "ユニ"}}},
	}
	for _, tc := range []struct {
		name      string
		companies []string
		narrative string
		want      string // "member:matched:where" for each suggestion
	}{
		{"typed English name, other case", []string{"acme apparel"}, "", "[1:Acme Apparel:company]"},
		{"typed name with a suffix", []string{"ACME APPAREL Ltd."}, "", "[1:Acme Apparel:company]"},
		{"full-width typed name", []string{"ＡＣＭＥ　ＡＰＰＡＲＥＬ"}, "", "[1:Acme Apparel:company]"},
		{"group company typed", []string{"Acme Vietnam Co"}, "", "[1:Acme Vietnam Co:company]"},
		{"brand in the narrative", nil, "They sew jackets for Skyline at night.", "[1:Skyline:narrative]"},
		{"brand in the narrative, lower case long word", nil, "the labels say skyline on them", "[1:Skyline:narrative]"},
		{"Japanese name in Japanese text", nil, "アクメ衣料の下請け工場で残業代が払われない。", "[1:アクメ衣料:narrative]"},
		{"half-width katakana", nil, "ｱｸﾒ衣料の工場", "[1:アクメ衣料:narrative]"},
		{"Han name of two characters", nil, "東レ例の工場です", "[3:東レ例:narrative]"},
		{"no false match on a short common word", nil, "We do our best, but one day the boss came.", "[]"},
		{"capitalised short word at the start is still a name", nil, "Best sells our biscuits.", "[2:Best:narrative]"},
		{"short kana alias inside a longer word", nil, "ユニフォームが支給されない", "[]"},
		{"name inside another word", nil, "The Acme Apparelworks factory", "[]"},
		{"typed name of a non-member", []string{"Sunrise Textiles"}, "Nothing about members.", "[]"},
		{"two members, company first", []string{"Best Foods"}, "Sewn for Skyline.", "[1:Skyline:narrative 2:Best Foods:company]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := desk.SuggestMembers(members, tc.companies, tc.narrative)
			var short []string
			for _, s := range got {
				short = append(short, fmt.Sprintf("%d:%s:%s", s.MemberID, s.Matched, s.Where))
			}
			if s := fmt.Sprint(short); s != tc.want {
				t.Errorf("got %s, want %s", s, tc.want)
			}
		})
	}
}
