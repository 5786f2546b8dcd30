package intake_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

type site struct {
	t      *testing.T
	srv    *httptest.Server
	s      *store.Store
	client *http.Client
}

func newSite(t *testing.T, s *store.Store) *site {
	srv := httptest.NewServer(server.New(s, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &site{t: t, srv: srv, s: s, client: client}
}

func (s *site) get(path, lang string) (*http.Response, string) {
	s.t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return s.do(req)
}

func (s *site) do(req *http.Request) (*http.Response, string) {
	s.t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// multipartForm is a form of fields and of files under the name "files", as the report form
// sends it.
func multipartForm(fields [][2]string, files map[string][]byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// postForm sends a multipart form as a browser would (same-origin).
func (s *site) postForm(path, lang string, fields [][2]string, files map[string][]byte) (*http.Response, string) {
	s.t.Helper()
	body, contentType := multipartForm(fields, files)
	req, _ := http.NewRequest("POST", s.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return s.do(req)
}

func (s *site) postURLEncoded(path string, v url.Values) (*http.Response, string) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(req)
}

var receiptOnPage = regexp.MustCompile(`<p class="receipt-number"[^>]*>((?:<span>\d{3}</span> ){7})</p>`)

func receiptFrom(t *testing.T, page string) string {
	t.Helper()
	m := receiptOnPage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no receipt on the page:\n%s", page)
	}
	return regexp.MustCompile(`\D`).ReplaceAllString(m[1], "")
}

func validFields() [][2]string {
	return [][2]string{
		{"language", "vi"}, {"reporter_type", "affected_person"}, {"anonymous", "yes"},
		{"company_0_name", "Hikari Foods Kyushu"}, {"company_0_relation", "supplier"},
		{"country", "JP"}, {"site", "Nhà máy số 2, Fukuoka"}, {"categories", "recruitment_migrant_workers"}, {"categories", "forced_labour"},
		{"description", "Công ty giữ hộ chiếu của chúng tôi.\nChúng tôi phải trả phí môi giới."}, {"people_affected", "１２"},
		{"urgency", "urgent"}, {"fears_retaliation", "yes"}, {"remedy_sought", "Trả lại hộ chiếu"},
	}
}

func TestReporterJourneyWithoutJavaScript(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		resp, page := w.postForm("/report", "vi", validFields(), nil)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("filing: %d %v", resp.StatusCode, resp.Header)
		}
		receipt := receiptFrom(t, page)
		if !strings.Contains(page, `lang="vi"`) {
			t.Fatal("the receipt page is not in Vietnamese")
		}
		id, err := s.CaseIDByReceipt(context.Background(), receipt)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.ReporterCase(context.Background(), id)
		if c.Description != "Công ty giữ hộ chiếu của chúng tôi.\nChúng tôi phải trả phí môi giới." || c.Language != "vi" {
			t.Fatalf("stored case = %+v", c)
		}

		resp, _ = w.postURLEncoded("/follow-up", url.Values{"receipt": {"1111 2222 3333 4444"}})
		if resp.StatusCode != 401 {
			t.Fatalf("wrong receipt: %d", resp.StatusCode)
		}
		resp, _ = w.postURLEncoded("/follow-up", url.Values{"receipt": {receipt[:4] + " " + receipt[4:]}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/follow-up/case" {
			t.Fatalf("right receipt: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, page = w.get("/follow-up/case", "vi")
		if resp.StatusCode != 200 || !strings.Contains(page, html.EscapeString(locale.T("vi", "stage.received.title"))) {
			t.Fatalf("case page: %d\n%s", resp.StatusCode, page)
		}
		resp, _ = w.postForm("/follow-up/messages", "vi", [][2]string{{"body", "Hôm nay họ lại đe dọa chúng tôi."}}, nil)
		if resp.StatusCode != 303 {
			t.Fatalf("message: %d", resp.StatusCode)
		}
		_, page = w.get("/follow-up/case?done=sent", "vi")
		if !strings.Contains(page, "Hôm nay họ lại đe dọa chúng tôi.") {
			t.Fatal("the message is not shown")
		}
		resp, page = w.postURLEncoded("/follow-up/withdraw", url.Values{})
		if resp.StatusCode != 400 || !strings.Contains(page, `href="#f-confirm"`) {
			t.Fatalf("withdrawing without confirming: %d", resp.StatusCode)
		}
		resp, _ = w.postURLEncoded("/follow-up/withdraw", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != 303 {
			t.Fatalf("withdraw: %d", resp.StatusCode)
		}
		c, _ = s.ReporterCase(context.Background(), id)
		if c.Stage != grievance.CaseWithdrawn {
			t.Fatalf("stage after withdrawing: %s", c.Stage)
		}
		w.postURLEncoded("/follow-up/logout", url.Values{})
		if resp, _ := w.get("/follow-up/case", ""); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/follow-up") {
			t.Fatalf("after logout the case page answered %d", resp.StatusCode)
		}
	})
}

func TestBadInputKeepsEverythingTyped(t *testing.T) {
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	fields := validFields()
	for i := range fields {
		if fields[i][0] == "description" || fields[i][0] == "country" {
			fields[i][1] = ""
		}
	}
	fields = append(fields, [2]string{"anonymous", "no"}, [2]string{"identity_contact", "+81 90 1234 5678"}, [2]string{"when_happened", "tháng 3 năm 2026"})
	resp, page := w.postForm("/report", "vi", fields, map[string][]byte{"photo.jpg": bytes.Repeat([]byte{0xff}, 11<<20)})
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, kept := range []string{"Nhà máy số 2, Fukuoka", "Hikari Foods Kyushu", "Trả lại hộ chiếu", "+81 90 1234 5678", "tháng 3 năm 2026", `value="recruitment_migrant_workers" checked`, `value="urgent" checked`} {
		if !strings.Contains(html.UnescapeString(page), kept) {
			t.Errorf("the form lost %q", kept)
		}
	}
	for _, anchor := range []string{`href="#f-description"`, `href="#f-country"`, `href="#f-attachments"`} {
		if !strings.Contains(page, anchor) {
			t.Errorf("the error summary has no link %s", anchor)
		}
	}
	if !strings.Contains(page, html.EscapeString(locale.T("vi", "form.files_again"))) {
		t.Error("the page does not say the files must be chosen again")
	}
	if !strings.Contains(page, html.EscapeString(locale.T("vi", "field.required"))) {
		t.Error("the errors are not in Vietnamese")
	}
}

func TestCrossSiteFormPostsAreRefused(t *testing.T) {
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	req, _ := http.NewRequest("POST", w.srv.URL+"/follow-up", strings.NewReader("receipt=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := w.do(req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
}

func TestLanguagePickerAndDirection(t *testing.T) {
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	resp, _ := w.get("/language?set=ar&next=/rules", "")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/rules" {
		t.Fatalf("picker: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := w.get("/rules", "en")
	if !strings.Contains(page, `lang="ar" dir="rtl"`) {
		t.Fatal("the chosen language (Arabic, right to left) was not remembered over Accept-Language")
	}
	if resp, _ := w.get("/language?set=ja&next=//evil.example/", ""); resp.Header.Get("Location") != "/" {
		t.Fatalf("open redirect to %s", resp.Header.Get("Location"))
	}
}

// TestPublicPagesStayWithinBudget: HTML, CSS and JavaScript of each public page under 60 KB,
// in the language with the longest texts.
func TestPublicPagesStayWithinBudget(t *testing.T) {
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	_, css := w.get("/static/app.css", "")
	_, js := w.get("/static/app.js", "")
	for _, lang := range locale.Languages() {
		for _, path := range []string{"/", "/rules", "/report", "/follow-up"} {
			resp, page := w.get(path, lang)
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d", lang, path, resp.StatusCode)
			}
			if total := len(page) + len(css) + len(js); total > 60_000 {
				t.Errorf("%s %s: %d bytes with CSS and JS, budget 60,000", lang, path, total)
			}
			if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "//cdn") {
				t.Errorf("%s %s refers to another origin", lang, path)
			}
		}
	}
}

// TestNoEnglishShowsThroughOnOtherLanguages renders every public page in every language and
// looks for any English interface text in it: a missing translation or a word written into a
// template would show up here.
func TestNoEnglishShowsThroughOnOtherLanguages(t *testing.T) {
	w := newSite(t, storetest.Open(t, store.SQLite, storetest.Options{}))
	var english []string
	for _, k := range locale.Keys("en") {
		if v := locale.T("en", k); len(strings.Fields(v)) >= 2 {
			english = append(english, html.EscapeString(v))
		}
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	for _, lang := range locale.Languages() {
		if lang == "en" {
			continue
		}
		for _, path := range []string{"/", "/rules", "/report", "/follow-up"} {
			_, page := w.get(path, lang)
			if !strings.Contains(page, `lang="`+lang+`"`) {
				t.Errorf("%s %s is not in %s", lang, path, lang)
			}
			text := tags.ReplaceAllString(page, "\n")
			for _, e := range english {
				if strings.Contains(text, e) {
					t.Errorf("%s %s shows English: %q", lang, path, e)
				}
			}
		}
	}
}
