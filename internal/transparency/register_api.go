package transparency

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
)

type registerJSON struct {
	FiscalYear int     `json:"fiscal_year"`
	Threshold  int     `json:"threshold"`
	Cases      []Entry `json:"cases"`
}

// registerAPI answers a fiscal year's register as JSON, or CSV on request (one row per company
// concerned, so each referral's stage has its own cell).
func (h *Handler) registerAPI(w http.ResponseWriter, r *http.Request) {
	h.answerYear(w, r, "register", func(ctx context.Context, fy int, lang string) (any, func(*csv.Writer), error) {
		list, k, err := h.entries(ctx, fy, lang)
		if err != nil {
			return nil, nil, err
		}
		if list == nil {
			list = []Entry{}
		}
		return registerJSON{FiscalYear: fy, Threshold: k, Cases: list}, func(c *csv.Writer) {
			c.Write([]string{"reference", "received", "updated", "country", "categories", "company", "member_id", "relation", "referral_stage", "withheld"})
			for _, e := range list {
				for _, co := range e.Companies {
					c.Write([]string{e.Reference, e.Received, e.Updated, e.Country, strings.Join(e.Categories, " "), neutralise(co.Member),
						strconv.FormatInt(co.MemberID, 10), co.Relation, co.Stage, strings.Join(e.Withheld, " ")})
				}
			}
		}, nil
	})
}
