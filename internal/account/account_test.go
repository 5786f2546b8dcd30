package account

import (
	"context"
	"html"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
	"github.com/remedy-grievance/remedy/internal/web"
)

var ctx = context.Background()

// cheap keeps test users' password hashes fast; the dummy hash for unknown emails still uses
// the production parameters.
var cheap = seal.PasswordParams{Memory: 64, Time: 1, Threads: 1, KeyLen: 32}

type site struct {
	t     *testing.T
	store *store.Store
	h     *Handler
	mux   *http.ServeMux
	now   time.Time
}

// eachSite runs fn once per database on a site whose store and TOTP checks share st.now, so
// that a test can move time on for the sign-in budgets too.
func eachSite(t *testing.T, fn func(t *testing.T, st *site)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			var st *site
			s := storetest.Open(t, d, storetest.Options{Now: func() time.Time {
				if st == nil {
					return now
				}
				return st.now
			}})
			st = newSite(t, s)
			fn(t, st)
		})
	}
}

func newSite(t *testing.T, s *store.Store) *site {
	st := &site{t: t, store: s, now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return st.now }
	st.h = New(s, web.NewRenderer(slog.New(slog.NewTextHandler(io.Discard, nil))), slog.New(slog.NewTextHandler(io.Discard, nil)))
	st.h.Now = clock
	st.mux = http.NewServeMux()
	st.h.Register(st.mux)
	page := func(w http.ResponseWriter, r *http.Request) {
		u, ok := UserFrom(r.Context())
		if !ok {
			t.Error("no user in the context")
		}
		io.WriteString(w, r.URL.Path+" for "+u.Email)
	}
	st.mux.HandleFunc("GET /desk", st.h.RequireFunc(page, grievance.RoleHandler, grievance.RoleAdmin))
	st.mux.HandleFunc("GET /panel", st.h.RequireFunc(page, grievance.RolePanel))
	st.mux.HandleFunc("GET /anyone", st.h.RequireFunc(page))
	return st
}

func (st *site) user(email string, role grievance.Role, password string) int64 {
	st.t.Helper()
	hash, err := seal.HashPassword(password, cheap)
	if err != nil {
		st.t.Fatal(err)
	}
	u := store.User{Email: email, DisplayName: "Test " + string(role), Role: role}
	if role == grievance.RoleMember {
		mid, err := st.store.CreateMember(ctx, store.Member{NameEN: "Member of " + email, Sector: "apparel"}, store.Actor{Role: "system"})
		if err != nil {
			st.t.Fatal(err)
		}
		u.MemberID = mid
	}
	id, err := st.store.CreateUser(ctx, u, hash, store.Actor{Role: "system"})
	if err != nil {
		st.t.Fatal(err)
	}
	return id
}

// browser keeps cookies the way a browser would and speaks from one address.
type browser struct {
	st      *site
	addr    string
	cookies map[string]*http.Cookie
	lang    string // Accept-Language, when set
}

func (st *site) browser(addr string) *browser {
	return &browser{st: st, addr: addr, cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = b.addr + ":40000"
	if b.lang != "" {
		r.Header.Set("Accept-Language", b.lang)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	w := httptest.NewRecorder()
	b.st.mux.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return w
}

func (b *browser) token() string {
	if c := b.cookies[CookieName]; c != nil {
		return c.Value
	}
	return ""
}

func (b *browser) login(email, password string) *httptest.ResponseRecorder {
	return b.do("POST", LoginPath, url.Values{"email": {email}, "password": {password}})
}

func (b *browser) code(path, code string) *httptest.ResponseRecorder {
	return b.do("POST", path, url.Values{"code": {code}})
}

func wantRedirect(t *testing.T, w *httptest.ResponseRecorder, to string) {
	t.Helper()
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != to {
		t.Fatalf("got %d to %q, want 303 to %q; body: %.300s", w.Code, w.Header().Get("Location"), to, w.Body.String())
	}
}

func wantText(t *testing.T, w *httptest.ResponseRecorder, status int, key string) {
	t.Helper()
	if w.Code != status || !strings.Contains(w.Body.String(), html.EscapeString(locale.T("en", key))) {
		t.Fatalf("got %d, want %d with %q; body: %.500s", w.Code, status, key, w.Body.String())
	}
}

var secretOnPage = regexp.MustCompile(`<code class="totp-secret"[^>]*>([A-Z2-7 ]+)</code>`)
var codesOnPage = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)

func TestSignInEnrolSignOutSignInWithTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		const email, pw = "handler@secretariat.example", "blue kettle on a windy moor"
		st.user(email, grievance.RoleHandler, pw)
		b := st.browser("198.51.100.7")

		wantRedirect(t, b.do("GET", "/desk", nil), LoginPath)
		if w := b.do("GET", LoginPath, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `action="/staff/login"`) {
			t.Fatalf("login page: %d", w.Code)
		}

		// A token planted before sign-in (session fixation) is never the session's.
		b.cookies[CookieName] = &http.Cookie{Name: CookieName, Value: "planted-by-someone-else"}
		w := b.login(" Handler@Secretariat.example ", pw)
		wantRedirect(t, w, EnrolPath)
		c := w.Result().Cookies()[0]
		if c.Name != CookieName || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Value == "planted-by-someone-else" {
			t.Fatalf("session cookie %+v", c)
		}
		first := b.token()
		if b.cookies[DeviceCookie] != nil {
			t.Fatal("the password alone earned a device cookie")
		}

		// A handler without a second factor cannot reach a handler's page.
		wantRedirect(t, b.do("GET", "/desk", nil), EnrolPath)
		wantRedirect(t, b.do("GET", "/anyone", nil), EnrolPath)
		wantRedirect(t, b.do("GET", TOTPPath, nil), EnrolPath)

		// Signing in again replaces the session; the old token is gone.
		wantRedirect(t, b.login(email, pw), EnrolPath)
		if b.token() == first {
			t.Fatal("a second sign-in kept the token")
		}
		if _, err := s.StaffSessionUser(ctx, first); err == nil {
			t.Fatal("the replaced session still works")
		}

		w = b.do("GET", EnrolPath, nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<img src="/staff/enrol/qr.png"`) {
			t.Fatalf("enrol page %d: %.500s", w.Code, w.Body.String())
		}
		m := secretOnPage.FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatalf("no secret on the enrol page: %s", w.Body.String())
		}
		secret := strings.ReplaceAll(m[1], " ", "")
		if again := secretOnPage.FindStringSubmatch(b.do("GET", EnrolPath, nil).Body.String()); again == nil || again[1] != m[1] {
			t.Fatal("reloading the enrol page changed the secret")
		}
		qr := b.do("GET", EnrolPath+"/qr.png", nil)
		if qr.Code != 200 || qr.Header().Get("Content-Type") != "image/png" || qr.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("QR code: %d %v", qr.Code, qr.Header())
		}
		if img, err := png.Decode(qr.Body); err != nil || img.Bounds().Dx() != 240 {
			t.Fatalf("QR image: %v", err)
		}
		// The secret is sealed in the database, never in clear.
		if pending, _ := s.StaffSessionPendingTOTP(ctx, b.token()); pending == nil || strings.Contains(string(pending), secret) {
			t.Fatal("pending secret missing or in clear")
		}

		wantText(t, b.code(EnrolPath, "000000"), http.StatusUnprocessableEntity, "staff.totp.wrong")
		enrolCode, _ := totp.GenerateCode(secret, st.now)
		beforeVerify := b.token()
		w = b.code(EnrolPath, enrolCode)
		codes := codesOnPage.FindAllStringSubmatch(w.Body.String(), -1)
		if w.Code != 200 || len(codes) != RecoveryCodeCount {
			t.Fatalf("enrolment: %d with %d codes: %.800s", w.Code, len(codes), w.Body.String())
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Fatal("the recovery codes page may be cached")
		}
		if b.token() == beforeVerify {
			t.Fatal("passing the second factor kept the token")
		}
		if b.cookies[DeviceCookie] == nil {
			t.Fatal("no device cookie once signed in")
		}
		if w := b.do("GET", "/desk", nil); w.Code != 200 || w.Body.String() != "/desk for "+email {
			t.Fatalf("desk after enrolment: %d %s", w.Code, w.Body.String())
		}
		wantRedirect(t, b.do("GET", EnrolPath, nil), HomePath) // enrolled: nothing to do there
		stolen := &browser{st: st, addr: "203.0.113.9", cookies: map[string]*http.Cookie{CookieName: {Name: CookieName, Value: beforeVerify}}}
		wantRedirect(t, stolen.do("GET", "/desk", nil), LoginPath+"?expired=1")

		// Sign out, then in again with a code from the app.
		wantRedirect(t, b.do("POST", "/staff/logout", nil), LoginPath)
		if b.token() != "" {
			t.Fatal("the cookie survived signing out")
		}
		wantRedirect(t, b.do("GET", "/desk", nil), LoginPath)
		wantRedirect(t, b.login(email, pw), TOTPPath)
		wantRedirect(t, b.do("GET", "/desk", nil), TOTPPath)
		wantRedirect(t, b.do("GET", EnrolPath, nil), TOTPPath) // no second enrolment past the first factor only
		if w := b.do("GET", TOTPPath, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `name="code"`) {
			t.Fatalf("code page: %d", w.Code)
		}
		// The enrolment's code, still inside the time window, is refused: it was used.
		wantText(t, b.code(TOTPPath, enrolCode), http.StatusUnauthorized, "staff.totp.reused")
		st.now = st.now.Add(30 * time.Second)
		next, _ := totp.GenerateCode(secret, st.now)
		wantRedirect(t, b.code(TOTPPath, next), HomePath)
		if w := b.do("GET", "/desk", nil); w.Code != 200 {
			t.Fatalf("desk after TOTP: %d", w.Code)
		}
		wantRedirect(t, b.do("GET", TOTPPath, nil), HomePath)

		// Another browser replaying that code a moment later gets nowhere.
		other := st.browser("203.0.113.10")
		wantRedirect(t, other.login(email, pw), TOTPPath)
		wantText(t, other.code(TOTPPath, next), http.StatusUnauthorized, "staff.totp.reused")

		// A recovery code works once, typed any which way.
		recovery := codes[0][1]
		wantRedirect(t, other.code(TOTPPath, " "+strings.ToUpper(recovery)+" "), HomePath)
		third := st.browser("203.0.113.11")
		wantRedirect(t, third.login(email, pw), TOTPPath)
		wantText(t, third.code(TOTPPath, recovery), http.StatusUnauthorized, "staff.totp.wrong")
		wantRedirect(t, third.code(TOTPPath, codes[1][1]), HomePath)
		if n, _ := s.RecoveryCodesLeft(ctx, userID(t, s, email)); n != RecoveryCodeCount-2 {
			t.Fatalf("%d recovery codes left", n)
		}
	})
}

func userID(t *testing.T, s *store.Store, email string) int64 {
	t.Helper()
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestRolesAndOptionalSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st := newSite(t, s)
		const pw = "blue kettle on a windy moor"
		st.user("panel@example.org", grievance.RolePanel, pw)
		memberID := st.user("member@example.org", grievance.RoleMember, pw)
		st.user("admin@example.org", grievance.RoleAdmin, pw)

		// A panel member needs no second factor: straight in, but only to their own pages.
		p := st.browser("198.51.100.20")
		wantRedirect(t, p.login("panel@example.org", pw), HomePath)
		if w := p.do("GET", "/panel", nil); w.Code != 200 {
			t.Fatalf("panel page: %d", w.Code)
		}
		if w := p.do("GET", "/desk", nil); w.Code != http.StatusForbidden {
			t.Fatalf("a panel member on a handler's page: %d", w.Code)
		}
		// They may still enrol of their own accord; then the second factor is always asked.
		wantRedirect(t, p.do("GET", TOTPPath, nil), HomePath)
		if w := p.do("GET", EnrolPath, nil); w.Code != 200 {
			t.Fatalf("voluntary enrolment page: %d", w.Code)
		}

		// An admin needs it like a handler.
		a := st.browser("198.51.100.21")
		wantRedirect(t, a.login("admin@example.org", pw), EnrolPath)
		wantRedirect(t, a.do("GET", "/anyone", nil), EnrolPath)

		// A member needs it by default (they see case content); with the admin's setting it is
		// optional, and with no requirement of their own they get in; once an admin requires it
		// of them, their live session is sent to enrol.
		wantRedirect(t, st.browser("198.51.100.23").login("member@example.org", pw), EnrolPath)
		if err := s.SetSecondFactorOptional(ctx, true, store.Actor{Role: "admin"}); err != nil {
			t.Fatal(err)
		}
		m := st.browser("198.51.100.22")
		wantRedirect(t, m.login("member@example.org", pw), HomePath)
		if w := m.do("GET", "/anyone", nil); w.Code != 200 {
			t.Fatalf("member page: %d", w.Code)
		}
		if err := s.SetUserTOTPRequired(ctx, memberID, true, store.Actor{Role: "admin"}); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, m.do("GET", "/anyone", nil), EnrolPath)
		wantRedirect(t, m.login("member@example.org", pw), EnrolPath)
	})
}

func TestUnknownEmailAndWrongPasswordLookAlike(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	st := newSite(t, s)
	const email = "handler@secretariat.example"
	// The account is hashed with the production parameters, as real ones are.
	hash, err := seal.HashPassword("blue kettle on a windy moor", seal.DefaultPasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, store.User{Email: email, DisplayName: "H", Role: grievance.RoleHandler}, hash, store.Actor{Role: "system"}); err != nil {
		t.Fatal(err)
	}
	const unknown = "nobody@secretariat.example"
	// An account still waiting for its set-up link has no password: signing in to it, with any
	// password or none, looks like a wrong password too.
	const pending = "pending@secretariat.example"
	st.invite(pending, grievance.RoleHandler)
	strip := func(body, email string) string { return strings.ReplaceAll(body, email, "EMAIL") }
	var wrongTime, unknownTime, pendingTime time.Duration = time.Hour, time.Hour, time.Hour
	for i := range 3 {
		b := st.browser("198.51.100." + string(rune('1'+i)))
		start := time.Now()
		wrong := b.login(email, "not the password at all")
		wrongTime = min(wrongTime, time.Since(start))
		start = time.Now()
		none := b.login(unknown, "not the password at all")
		unknownTime = min(unknownTime, time.Since(start))
		start = time.Now()
		unset := b.login(pending, []string{"", "not the password at all", "x"}[i])
		pendingTime = min(pendingTime, time.Since(start))
		if wrong.Code != http.StatusUnauthorized || none.Code != wrong.Code || unset.Code != wrong.Code {
			t.Fatalf("statuses %d, %d and %d", wrong.Code, none.Code, unset.Code)
		}
		if strip(wrong.Body.String(), email) != strip(none.Body.String(), unknown) || strip(unset.Body.String(), pending) != strip(none.Body.String(), unknown) {
			t.Fatal("an unknown email, a wrong password and an account with no password give different pages")
		}
		if len(wrong.Result().Cookies()) != 0 || len(none.Result().Cookies()) != 0 || len(unset.Result().Cookies()) != 0 {
			t.Fatal("a failed sign-in set a cookie")
		}
	}
	if pendingTime < wrongTime/3 {
		t.Fatalf("an account with no password answers in %v, a wrong password in %v", pendingTime, wrongTime)
	}
	wantText(t, st.browser("198.51.100.9").login(unknown, "x"), http.StatusUnauthorized, "staff.login.wrong")
	// Both verify an argon2id hash with the same parameters; without the dummy hash an unknown
	// address would answer in well under a millisecond.
	if unknownTime < wrongTime/3 {
		t.Fatalf("an unknown email answers in %v, a wrong password in %v", unknownTime, wrongTime)
	}
}
