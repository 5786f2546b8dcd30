package transparency

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Handler serves the public register and statistics (pages and API), the member disclosure
// report and the annual report. One file per action.
type Handler struct {
	store    *store.Store
	render   *web.Renderer
	accounts *account.Handler
	log      *slog.Logger
	figures  ttlCache[*store.PeriodFigures]
	register ttlCache[[]store.RegisterCase]
	trend    ttlCache[[]store.YearCount]
}

// cacheFor is how long public figures are reused. Computing a busy year over a million cases
// takes a few hundred milliseconds; anyone could ask for it in a loop, so the public pages and
// API share one computation per year per minute.
const cacheFor = time.Minute

// New makes the transparency handler.
func New(s *store.Store, render *web.Renderer, accounts *account.Handler, log *slog.Logger) *Handler {
	return &Handler{store: s, render: render, accounts: accounts, log: log,
		figures: ttlCache[*store.PeriodFigures]{ttl: cacheFor}, register: ttlCache[[]store.RegisterCase]{ttl: cacheFor},
		trend: ttlCache[[]store.YearCount]{ttl: cacheFor}}
}

// Register adds the routes.
func (h *Handler) Register(mux web.Router) {
	mux.HandleFunc("GET /register", h.registerPage)
	mux.HandleFunc("GET /statistics", h.statisticsPage)
	mux.HandleFunc("GET /api/v1/public/register", h.registerAPI)
	mux.HandleFunc("GET /api/v1/public/statistics", h.statisticsAPI)
	mux.HandleFunc("GET /reports/annual", h.accounts.RequireFunc(h.annualReport, grievance.RoleHandler, grievance.RoleAdmin, grievance.RolePanel))
	mux.HandleFunc("POST /reports/annual/opinions", h.accounts.RequireFunc(h.opinionCreate, grievance.RolePanel))
	mux.HandleFunc("GET /reports/disclosure", h.accounts.RequireFunc(h.disclosure, grievance.RoleHandler, grievance.RoleAdmin, grievance.RoleMember))
}

// ttlCache keeps one value per fiscal year for ttl.
type ttlCache[T any] struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[int]cacheEntry[T]
}

type cacheEntry[T any] struct {
	value T
	until time.Time
}

func (c *ttlCache[T]) get(year int, compute func() (T, error)) (T, error) {
	c.mu.Lock()
	if e, ok := c.entries[year]; ok && time.Now().Before(e.until) {
		c.mu.Unlock()
		return e.value, nil
	}
	c.mu.Unlock()
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[int]cacheEntry[T]{}
	}
	c.entries[year] = cacheEntry[T]{value: v, until: time.Now().Add(c.ttl)}
	c.mu.Unlock()
	return v, nil
}

func (h *Handler) yearFigures(ctx context.Context, fy int) (*store.PeriodFigures, error) {
	return h.figures.get(fy, func() (*store.PeriodFigures, error) { return h.store.FiscalYearFigures(ctx, fy) })
}

func (h *Handler) yearTrend(ctx context.Context) ([]store.YearCount, error) {
	return h.trend.get(0, func() ([]store.YearCount, error) { return h.store.Trend(ctx, h.store.Now()) })
}

func (h *Handler) registerCases(ctx context.Context, fy int) ([]store.RegisterCase, error) {
	return h.register.get(fy, func() ([]store.RegisterCase, error) {
		from, to := h.store.Timeline().FiscalYearSpan(fy)
		return h.store.RegisterCases(ctx, from, to)
	})
}

// fiscalYear reads ?fiscal_year=, defaulting to the current one. A value that is not a year
// between 1900 and the current year is refused (ok false).
func (h *Handler) fiscalYear(r *http.Request) (int, bool) {
	current := h.store.Timeline().FiscalYear(h.store.Now())
	v := r.URL.Query().Get("fiscal_year")
	if v == "" {
		return current, true
	}
	fy, err := strconv.Atoi(v)
	if err != nil || fy < 1900 || fy > current {
		return 0, false
	}
	return fy, true
}

// years lists the fiscal years a reader can choose, newest first.
func years(trend []store.YearCount, current int) []int {
	first := current
	if len(trend) > 0 {
		first = trend[0].FiscalYear
	}
	out := make([]int, 0, current-first+1)
	for y := current; y >= first; y-- {
		out = append(out, y)
	}
	return out
}

// wantsCSV is true for ?format=csv or an Accept header preferring text/csv.
func wantsCSV(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "csv"
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/csv") && !strings.Contains(accept, "application/json")
}

// memberNames names members in lang: Japanese names on Japanese pages when a member has one.
func (h *Handler) memberNames(ctx context.Context, lang string, t Translate) (Names, error) {
	list, err := h.store.AllMembers(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(list))
	for _, m := range list {
		names[m.ID] = m.NameEN
		if lang == "ja" && m.NameJA != "" {
			names[m.ID] = m.NameJA
		}
	}
	return func(id int64) string {
		if id == 0 {
			return t("code.non_member")
		}
		if n, ok := names[id]; ok {
			return n
		}
		return strconv.FormatInt(id, 10)
	}, nil
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("transparency page failed", "route", r.Pattern, "error", err.Error())
	status, key := web.Failure(w, err)
	p := web.NewPage(r, "notice."+key+"_title")
	p.Data = "notice." + key
	h.render.Render(w, status, "notice", p)
}

func (h *Handler) badYear(w http.ResponseWriter, r *http.Request) {
	p := web.NewPage(r, "notice.not_found_title")
	p.Data = "notice.not_found"
	h.render.Render(w, http.StatusNotFound, "notice", p)
}
