// Package web holds what every page shares: the embedded templates and static assets, the page
// frame (language, direction, language picker), and small HTTP helpers.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Page is what every template receives. Page-specific data sits in Data.
type Page struct {
	Lang      string
	Dir       string // "rtl" for Arabic
	Title     string
	Path      string // the current path, so the language picker can come back to it
	Languages []LanguageOption
	Staff     *StaffFrame    // nil on the public pages
	Zone      *time.Location // the platform's time zone, for dates; UTC when nil
	Data      any
}

// Date formats t as a calendar day in the platform's zone (deadlines are calendar days there).
func (p *Page) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.zone()).Format("2006-01-02")
}

// DueDate is the last day of a deadline that passes at due (grievance.LastDay), the date every
// page shows for it; "" without a deadline.
func (p *Page) DueDate(due time.Time) string {
	return p.Date(grievance.LastDay(due, p.zone()))
}

// Due says what a deadline asks for and its last day ("Acknowledge by 2026-12-08"); what is a
// grievance.DueWhat.
func (p *Page) Due(what grievance.DueWhat, due time.Time) string {
	return p.T("due."+string(what), p.DueDate(due))
}

// DateTime formats t to the minute in the platform's zone.
func (p *Page) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.zone()).Format("2006-01-02 15:04 MST")
}

func (p *Page) zone() *time.Location {
	if p.Zone == nil {
		return time.UTC
	}
	return p.Zone
}

// StaffFrame heads the staff surfaces: who is signed in, and the places their role may go.
type StaffFrame struct {
	Name string
	Role string
	Nav  []NavLink
}

// NavLink is one entry of the staff navigation; Key is its catalog key.
type NavLink struct {
	Path    string
	Key     string
	Current bool
}

// T translates key into the page's language; args fill its %-verbs.
func (p *Page) T(key string, args ...any) string {
	s := locale.T(p.Lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Renderer renders the embedded templates, each inside the layout.
type Renderer struct {
	pages map[string]*template.Template
	log   *slog.Logger
}

var funcs = template.FuncMap{
	// has reports whether a form's chosen values include a code (of any string type).
	"has": func(list []string, v any) bool {
		for _, x := range list {
			if x == fmt.Sprint(v) {
				return true
			}
		}
		return false
	},
	"add":    func(a, b int) int { return a + b },
	"list":   func(v ...string) []string { return v },
	"native": NativeName,
	// caseDue and referralDue say what a stage's deadline asks for (Page.Due).
	"caseDue":     grievance.CaseDueWhat,
	"referralDue": grievance.ReferralDueWhat,
	"lower":       strings.ToLower,
}

// NewRenderer parses every page template with the layout.
func NewRenderer(log *slog.Logger) *Renderer {
	r := &Renderer{pages: map[string]*template.Template{}, log: log}
	// Files named _*.html hold blocks that several pages use; every page may call them.
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html"))
	names, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		r.pages[strings.TrimSuffix(base, ".html")] = template.Must(template.Must(layout.Clone()).ParseFS(templateFiles, name))
	}
	return r
}

// Render writes page name with status. Pages are never cached: they may hold a reporter's case.
func (rn *Renderer) Render(w http.ResponseWriter, status int, name string, p *Page) {
	t, ok := rn.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		rn.log.Error("render failed", "template", name, "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Router is where handlers are registered; the server's router records every pattern so that
// tests can enumerate the routes.
type Router interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// PathID reads a numeric path value; a malformed one is simply not found (false).
func PathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
