package transparency

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/web"
)

type registerJSON struct {
	FiscalYear int     `json:"fiscal_year"`
	Threshold  int     `json:"threshold"`
	Cases      []Entry `json:"cases"`
}

// registerAPI answers a fiscal year's register as JSON, or CSV on request (one row per company
// concerned, so each referral's stage has its own cell).
func (h *Handler) registerAPI(w http.ResponseWriter, r *http.Request) {
	fy, ok := h.fiscalYear(r)
	if !ok {
		writeJSONError(w, http.StatusBadRequest, "fiscal_year must be a year no later than the current fiscal year")
		return
	}
	list, k, err := h.entries(r.Context(), fy, web.RequestLanguage(r))
	if err != nil {
		h.log.Error("register failed", "route", r.Pattern, "error", err.Error())
		writeJSONError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("Vary", "Accept, Accept-Language")
	if wantsCSV(r) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="register-`+strconv.Itoa(fy)+`.csv"`)
		c := csv.NewWriter(w)
		c.Write([]string{"reference", "received", "updated", "country", "categories", "company", "member_id", "relation", "referral_stage", "withheld"})
		for _, e := range list {
			for _, co := range e.Companies {
				c.Write([]string{e.Reference, e.Received, e.Updated, e.Country, strings.Join(e.Categories, " "), neutralise(co.Member),
					strconv.FormatInt(co.MemberID, 10), co.Relation, co.Stage, strings.Join(e.Withheld, " ")})
			}
		}
		c.Flush()
		return
	}
	if list == nil {
		list = []Entry{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(registerJSON{FiscalYear: fy, Threshold: k, Cases: list})
}
