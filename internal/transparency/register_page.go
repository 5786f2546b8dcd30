package transparency

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/web"
)

// registerPageSize is how many cases one page of the register shows.
const registerPageSize = 100

type registerView struct {
	FiscalYear         int
	YearName           string
	Years              []int
	Threshold          int
	Total              int
	Entries            []entryView
	Page, Pages        int
	PrevPath, NextPath string
	CSVPath, JSONPath  string
}

type entryView struct {
	Entry
	Country    string
	Categories string
	Companies  []string
	Relations  string
}

// entries anonymises a year's register.
func (h *Handler) entries(ctx context.Context, fy int, lang string) ([]Entry, int, error) {
	cases, err := h.registerCases(ctx, fy)
	if err != nil {
		return nil, 0, err
	}
	k, err := h.store.RegisterThreshold(ctx)
	if err != nil {
		return nil, 0, err
	}
	names, err := h.memberNames(ctx, lang, func(key string, args ...any) string { return locale.T(lang, key) })
	if err != nil {
		return nil, 0, err
	}
	return Anonymise(cases, k, h.store.Timeline().Zone, names), k, nil
}

// registerPage lists the cases of a fiscal year that were taken up, anonymised.
func (h *Handler) registerPage(w http.ResponseWriter, r *http.Request) {
	fy, ok := h.fiscalYear(r)
	if !ok {
		h.badYear(w, r)
		return
	}
	p := web.NewPage(r, "register.title")
	list, k, err := h.entries(r.Context(), fy, p.Lang)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	trend, err := h.yearTrend(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pages := max(1, (len(list)+registerPageSize-1)/registerPageSize)
	page = min(max(page, 1), pages)
	year := strconv.Itoa(fy)
	v := registerView{FiscalYear: fy, YearName: p.T("fiscal_year.name", fy, fy, fy+1), Years: years(trend, h.store.Timeline().FiscalYear(h.store.Now())),
		Threshold: k, Total: len(list), Page: page, Pages: pages,
		CSVPath: "/api/v1/public/register?format=csv&fiscal_year=" + year, JSONPath: "/api/v1/public/register?fiscal_year=" + year}
	if page > 1 {
		v.PrevPath = fmt.Sprintf("/register?fiscal_year=%d&page=%d", fy, page-1)
	}
	if page < pages {
		v.NextPath = fmt.Sprintf("/register?fiscal_year=%d&page=%d", fy, page+1)
	}
	withheld := p.T("code.withheld")
	for _, e := range list[min((page-1)*registerPageSize, len(list)):min(page*registerPageSize, len(list))] {
		ev := entryView{Entry: e, Country: withheld, Categories: withheld}
		if e.Country != "" {
			ev.Country = web.CountryName(p.Lang, e.Country)
		}
		if !slices.Contains(e.Withheld, "categories") {
			labels := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				labels[i] = p.T("code.category." + c)
			}
			ev.Categories = strings.Join(labels, ", ")
		}
		var relations []string
		for _, c := range e.Companies {
			stage := "–"
			if c.Stage != "" {
				stage = p.T("code.referral_stage." + c.Stage)
			}
			name := c.Member
			if c.MemberID == 0 {
				name = p.T("code.non_member")
			}
			ev.Companies = append(ev.Companies, name+": "+stage)
			if c.Relation != "" {
				relations = append(relations, p.T("code.relation."+c.Relation))
			}
		}
		ev.Relations = strings.Join(relations, ", ")
		if slices.Contains(e.Withheld, "relation") {
			ev.Relations = withheld
		}
		v.Entries = append(v.Entries, ev)
	}
	p.Data = v
	h.render.Render(w, http.StatusOK, "register", p)
}
