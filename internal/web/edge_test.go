package web

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remedy-grievance/remedy/internal/locale"
)

func TestStaticListsNoFolders(t *testing.T) {
	h := Static()
	for _, path := range []string{"/static/", "/static", "/static/./", "/static/nope.css"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusNotFound && w.Code != http.StatusMovedPermanently {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
		if strings.Contains(w.Body.String(), "<a href") {
			t.Errorf("GET %s lists files: %s", path, w.Body.String())
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/static/app.css", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("a file is not served: %d", w.Code)
	}
}

func TestUnavailableKnowsAnOutageFromAFault(t *testing.T) {
	outages := []error{
		context.DeadlineExceeded,
		fmt.Errorf("begin: %w", context.Canceled),
		driver.ErrBadConn,
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		fmt.Errorf("query: %w", &pgconn.PgError{Code: "57014"}), // statement_timeout
		&pgconn.PgError{Code: "08006"},
		&pgconn.PgError{Code: "57P01"},
		sqliteErr(5),   // SQLITE_BUSY
		sqliteErr(13),  // SQLITE_FULL
		sqliteErr(261), // SQLITE_BUSY_RECOVERY
	}
	for _, err := range outages {
		if !Unavailable(err) {
			t.Errorf("%v (%T) not taken for an outage", err, err)
		}
		w := httptest.NewRecorder()
		if status, key := Failure(w, err); status != http.StatusServiceUnavailable || key != "unavailable" || w.Header().Get("Retry-After") == "" {
			t.Errorf("%v: %d %s Retry-After %q", err, status, key, w.Header().Get("Retry-After"))
		}
	}
	faults := []error{errors.New("template broke"), &pgconn.PgError{Code: "23505"}, sqliteErr(19), nil}
	for _, err := range faults {
		if Unavailable(err) {
			t.Errorf("%v taken for an outage", err)
		}
	}
	if !locale.Has("ja", "notice.unavailable") {
		t.Fatal("no message for the outage")
	}
}

type sqliteErr int

func (e sqliteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e sqliteErr) Code() int     { return int(e) }

func TestCleanNameDropsBidiControls(t *testing.T) {
	if got := CleanName("invoice\u202Efdp.exe"); got != "invoicefdp.exe" {
		t.Fatalf("CleanName = %q", got)
	}
	if got := cleanFileName(`C:\Users\x\photo` + "\u2066.jpg"); got != "photo.jpg" {
		t.Fatalf("cleanFileName = %q", got)
	}
}

func TestDownloadIsSandboxedAndNotStored(t *testing.T) {
	w := httptest.NewRecorder()
	Download(w, "application/pdf", "report\u202Efdp.exe", "file-1", []byte("%PDF-1.4"))
	h := w.Result().Header
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; sandbox",
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Disposition":     `attachment; filename=reportfdp.exe`,
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// FuzzReadForm: any body, multipart or not, gives values and files within the bounds and a
// known problem code, and never panics.
func FuzzReadForm(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary("xx")
	mw.WriteField("description", "text")
	fw, _ := mw.CreateFormFile("files", "a.jpg")
	fw.Write([]byte{0xff, 0xd8, 0xff})
	mw.Close()
	f.Add(buf.Bytes(), "multipart/form-data; boundary=xx")
	f.Add([]byte("a=1&b=2"), "application/x-www-form-urlencoded")
	f.Add([]byte("--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"), "multipart/form-data; boundary=xx")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		r := httptest.NewRequest("POST", "/report", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		values, files, problem := ReadForm(httptest.NewRecorder(), r)
		if values == nil {
			t.Fatal("nil values")
		}
		switch problem {
		case "", "too_large", "too_many", "too_slow":
		default:
			t.Fatalf("problem %q", problem)
		}
		if len(files) > MaxFiles {
			t.Fatalf("%d files", len(files))
		}
		for _, u := range files {
			if len(u.Data) == 0 || len(u.Data) > MaxFileBytes || strings.ContainsAny(u.Name, `/\`+"\u202e") {
				t.Fatalf("file %q of %d bytes", u.Name, len(u.Data))
			}
		}
	})
}

// FuzzAcceptLanguage: whatever a browser sends, the page is in a language we have.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"ja,en;q=0.8", "vi-VN", "*", "zh-Hant-TW;q=0.1, my", "en;q=nonsense", ";;;,,,", "x-klingon"} {
		f.Add(s, "")
	}
	f.Add("", "km")
	f.Fuzz(func(t *testing.T, accept, cookie string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", accept)
		if cookie != "" {
			r.Header.Set("Cookie", LanguageCookie+"="+cookie)
		}
		lang := RequestLanguage(r)
		if !Supported(lang) {
			t.Fatalf("RequestLanguage(%q, %q) = %q: no catalog", accept, cookie, lang)
		}
		p := NewStaffPage(r, "form.title", StaffFrame{})
		if p.Lang != "en" && p.Lang != "ja" {
			t.Fatalf("staff page in %q", p.Lang)
		}
	})
}
