// Package stafftest runs the whole site (server.New, every route, every middleware) over real
// HTTP for tests of the staff surfaces, and signs users in without the sign-in pages (package
// account tests those): a user's session is made in the store, second factor passed.
package stafftest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
)

// cheap keeps test users' password hashes fast.
var cheap = seal.PasswordParams{Memory: 64, Time: 1, Threads: 1, KeyLen: 32}

// Site is the whole product on a test store.
type Site struct {
	T      testing.TB
	Store  *store.Store
	Server *httptest.Server
	Router *server.Router
	seq    atomic.Int64
}

// New serves the site on s until the test ends.
func New(t testing.TB, s *store.Store) *Site {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := &Site{T: t, Store: s, Router: server.Routes(s, log)}
	st.Server = httptest.NewServer(server.New(s, log))
	t.Cleanup(st.Server.Close)
	return st
}

// Member adds a member company.
func (st *Site) Member(nameEN, nameJA string, aliases ...store.MemberAlias) int64 {
	st.T.Helper()
	id, err := st.Store.CreateMember(context.Background(), store.Member{NameEN: nameEN, NameJA: nameJA, Sector: "apparel", Aliases: aliases}, store.Actor{Role: "system"})
	if err != nil {
		st.T.Fatal(err)
	}
	return id
}

// User adds a user of role (of memberID, for member users), with password "correct horse
// battery staple 1".
func (st *Site) User(role grievance.Role, memberID int64) store.User {
	st.T.Helper()
	hash, err := seal.HashPassword(Password, cheap)
	if err != nil {
		st.T.Fatal(err)
	}
	n := st.seq.Add(1)
	u := store.User{Email: fmt.Sprintf("%s%d@example.org", role, n), DisplayName: fmt.Sprintf("Test %s %d", role, n), Role: role, MemberID: memberID}
	u.ID, err = st.Store.CreateUser(context.Background(), u, hash, store.Actor{Role: "system"})
	if err != nil {
		st.T.Fatal(err)
	}
	return u
}

// Password is every test user's password.
const Password = "correct horse battery staple 1"

// Client is a browser-like client: it keeps cookies and does not follow redirects, so tests
// see them.
type Client struct {
	st   *Site
	http *http.Client
}

// Anonymous is a client with no session.
func (st *Site) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{st: st, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SignIn is a client signed in as u, past the second factor.
func (st *Site) SignIn(u store.User) *Client {
	st.T.Helper()
	token, err := st.Store.CreateStaffSession(context.Background(), u.ID, true)
	if err != nil {
		st.T.Fatal(err)
	}
	c := st.Anonymous()
	base, _ := url.Parse(st.Server.URL)
	c.http.Jar.SetCookies(base, []*http.Cookie{{Name: account.CookieName, Value: token, Path: "/"}})
	return c
}

// Reporter is a client holding the reporter's session of a case, as after a receipt login.
func (st *Site) Reporter(caseID int64) *Client {
	st.T.Helper()
	token, err := st.Store.CreateReporterSession(context.Background(), caseID)
	if err != nil {
		st.T.Fatal(err)
	}
	c := st.Anonymous()
	base, _ := url.Parse(st.Server.URL)
	c.http.Jar.SetCookies(base, []*http.Cookie{{Name: "remedy_case", Value: token, Path: "/follow-up"}})
	return c
}

// Response is what a request got.
type Response struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

// Do sends a request; form, when not nil, is posted as a urlencoded body.
func (c *Client) Do(method, path string, form url.Values) Response {
	c.st.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.st.Server.URL+path, body)
	if err != nil {
		c.st.T.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "en")
	return c.Send(req)
}

// Send sends a prepared request (a multipart upload, say) with the client's cookies.
func (c *Client) Send(req *http.Request) Response {
	c.st.T.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.st.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.st.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Header: resp.Header}
}

// Get is Do("GET", path, nil).
func (c *Client) Get(path string) Response { c.st.T.Helper(); return c.Do("GET", path, nil) }

// Post is Do("POST", path, form).
func (c *Client) Post(path string, form url.Values) Response {
	c.st.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	return c.Do("POST", path, form)
}

// URL is the site's address of path.
func (st *Site) URL(path string) string { return st.Server.URL + path }

// Report is a valid web report about the companies given, in country, ready to change.
func Report(country, description string, companies ...grievance.CompanyRef) grievance.Report {
	if len(companies) == 0 {
		companies = []grievance.CompanyRef{{Name: "A factory"}}
	}
	return grievance.Report{
		Channel: grievance.ChannelWeb, Language: "en", Country: country, Description: description,
		Companies: companies, Categories: []grievance.Category{"wages_benefits"},
	}
}

// File files r as a reporter would.
func (st *Site) File(r grievance.Report) store.Filed {
	st.T.Helper()
	r.Normalize()
	if fe := r.Validate(grievance.DefaultLimits); fe != nil {
		st.T.Fatalf("invalid test report: %v", fe)
	}
	f, err := st.Store.CreateCase(context.Background(), r, store.Actor{Role: string(grievance.RoleReporter)})
	if err != nil {
		st.T.Fatal(err)
	}
	return f
}
