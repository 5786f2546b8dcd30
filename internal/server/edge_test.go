package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
	"github.com/remedy-grievance/remedy/internal/web"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// serve runs the whole site on a real TCP listener under limits, and returns its address.
func serve(t *testing.T, s *store.Store, o server.Options, limits server.ConnLimits) (string, *server.LimitedListener) {
	t.Helper()
	raw := listen(t)
	ln := server.LimitListener(raw, limits)
	run(t, ln, server.NewWith(s, quiet, o), server.RunConfig{Grace: time.Second})
	return raw.Addr().String(), ln
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// run serves h on ln until the test ends.
func run(t *testing.T, ln net.Listener, h http.Handler, cfg server.RunConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.RunWith(ctx, ln, h, cfg) }()
	t.Cleanup(func() { cancel(); <-done })
}

// dialerFrom dials from the loopback address local, so that tests and benchmarks can play many
// sources on one machine.
func dialerFrom(local string, timeout time.Duration) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: timeout}
}

func clientFrom(local string, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: dialerFrom(local, 0).DialContext}}
}

func dialFrom(t *testing.T, local, addr string) net.Conn {
	t.Helper()
	c, err := dialerFrom(local, 2*time.Second).Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", local, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// stillOpen reports whether the server has kept c open: a read that times out rather than
// ending means nobody closed it.
func stillOpen(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func getFrom(t *testing.T, local, url string) (*http.Response, error) {
	res, err := clientFrom(local, 3*time.Second).Get(url)
	if err == nil {
		t.Cleanup(func() { res.Body.Close() })
	}
	return res, err
}

func patient() server.Options {
	o := server.DefaultOptions()
	o.Body.Grace = time.Minute // these tests hold bodies open on purpose
	return o
}

// impatient cuts a body that falls under 1,000 bytes a second after half a second.
func impatient() server.Options {
	o := server.DefaultOptions()
	o.Body = web.BodyPolicy{MinRate: 1000, Grace: 500 * time.Millisecond, Work: 10 * time.Second, Write: 10 * time.Second}
	return o
}

// tooSlowInJapanese is how the form shown again tells a reporter the connection was too slow.
const tooSlowInJapanese = "接続が遅すぎた"

// uploadHead is a report form with description text whose photo's bytes are still to come.
func uploadHead(text string) []byte {
	var head bytes.Buffer
	for _, f := range [][2]string{{"language", "ja"}, {"country", "VN"}, {"company_0_name", "Example Co"}, {"description", text}} {
		fmt.Fprintf(&head, "--xx\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", f[0], f[1])
	}
	head.WriteString("--xx\r\nContent-Disposition: form-data; name=\"files\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
	return head.Bytes()
}

// trickle calls write every interval until stop is closed.
func trickle(interval time.Duration, stop <-chan struct{}, write func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			write()
		}
	}
}

// readAnswer reads the server's answer on c, waiting at most within.
func readAnswer(c net.Conn, within time.Duration) (*http.Response, []byte, error) {
	c.SetReadDeadline(time.Now().Add(within))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, nil, err
	}
	body, _ := io.ReadAll(res.Body)
	return res, body, nil
}

// largeBodies gives bodies over 1 KiB a budget of budget bytes, waited for at most 300 ms.
func largeBodies(budget int64) server.Options {
	o := patient()
	o.LargeBody, o.LargeBodyBudget, o.LargeBodyWait = 1<<10, budget, 300*time.Millisecond
	return o
}

// holdLargeBody starts a 60,000-byte body from 127.0.0.2 and leaves it unfinished, so that it
// holds its share of the budget until the connection closes.
func holdLargeBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	holder := dialFrom(t, "127.0.0.2", addr)
	fmt.Fprintf(holder, "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{")
	time.Sleep(500 * time.Millisecond) // until the server is reading it
	return holder
}

// postLarge posts a body of 60,000 bytes, over the large-body threshold.
func postLarge(t *testing.T, client *http.Client, addr string) *http.Response {
	t.Helper()
	res, err := client.Post("http://"+addr+"/api/v1/reports", "application/json", strings.NewReader(`{"description":"`+strings.Repeat("x", 60000)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestOneHostHoldsAtMostItsShareOfConnections(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, ln := serve(t, s, patient(), server.ConnLimits{Total: 100, PerSource: 8})
	var conns []net.Conn
	for range 30 {
		c := dialFrom(t, "127.0.0.2", addr)
		fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: 1000000\r\n\r\n--xx")
		conns = append(conns, c)
	}
	time.Sleep(200 * time.Millisecond)
	open := 0
	for _, c := range conns {
		if stillOpen(c) {
			open++
		}
	}
	if open != 8 {
		t.Fatalf("one host holds %d connections open, want the cap of 8", open)
	}
	res, err := getFrom(t, "127.0.0.3", "http://"+addr+"/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz from another host while one is at its cap: %v %v", res, err)
	}
	if ln.Refused() < 22 {
		t.Fatalf("refused %d connections", ln.Refused())
	}
}

func TestHealthListenerAnswersWhenThePublicOneIsFull(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, _ := serve(t, s, patient(), server.ConnLimits{Total: 5, PerSource: 64})
	for i := range 5 {
		c := dialFrom(t, fmt.Sprintf("127.0.0.%d", 10+i), addr)
		fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
	}
	time.Sleep(100 * time.Millisecond)
	if res, err := getFrom(t, "127.0.0.3", "http://"+addr+"/healthz"); err == nil {
		t.Fatalf("the public listener served past its total cap: %d", res.StatusCode)
	}
	health := httptest.NewServer(server.HealthHandler(s, server.Options{}))
	defer health.Close()
	for _, path := range []string{"/healthz", "/readyz", "/livez"} {
		res, err := http.Get(health.URL + path)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s on the health listener: %v %v", path, res, err)
		}
		res.Body.Close()
	}
}

func TestSlowUploadIsCutAndTheFormComesBackWithTheText(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, _ := serve(t, s, impatient(), server.ConnLimits{Total: 100, PerSource: 8})
	c := dialFrom(t, "127.0.0.2", addr)
	const text = "Twenty minutes of writing that must not be lost"
	head := uploadHead(text)
	fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: x\r\nAccept-Language: ja\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: %d\r\n\r\n", len(head)+100_000)
	c.Write(head)
	stop := make(chan struct{})
	defer close(stop)
	go trickle(200*time.Millisecond, stop, func() { c.Write([]byte{0xff}) }) // 5 bytes a second
	start := time.Now()
	res, body, err := readAnswer(c, 8*time.Second)
	if err != nil {
		t.Fatalf("no answer to a slow upload within 8 s: %v", err)
	}
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d after %v, want the form again (400)", res.StatusCode, time.Since(start))
	}
	if !bytes.Contains(body, []byte(text)) {
		t.Fatal("the typed description is not in the form shown again")
	}
	if !bytes.Contains(body, []byte(tooSlowInJapanese)) {
		t.Fatalf("the reporter is not told, in Japanese, that the connection was too slow: %s", body)
	}
}

func TestLargeBodiesWaitForTheirShareOfMemory(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, _ := serve(t, s, largeBodies(64<<10), server.ConnLimits{Total: 100, PerSource: 8})
	holder := holdLargeBody(t, addr)
	if res := postLarge(t, http.DefaultClient, addr); res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("a large body past the budget: %d Retry-After %q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	holder.Close()
	time.Sleep(100 * time.Millisecond)
	if res := postLarge(t, http.DefaultClient, addr); res.StatusCode == http.StatusServiceUnavailable {
		t.Fatal("the budget was not given back when the first body ended")
	}
}

func TestFrozenDatabaseAnswers503WithRetryAfter(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	o := server.DefaultOptions()
	o.Body.Work = 500 * time.Millisecond
	addr, _ := serve(t, s, o, server.ConnLimits{})
	// Hold SQLite's only writer connection: every write now waits, as on a frozen database.
	tx, err := s.DB().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	client := http.Client{Timeout: 5 * time.Second}
	start := time.Now()
	res, err := client.Post("http://"+addr+"/api/v1/reports", "application/json", strings.NewReader(
		`{"language":"en","description":"d","country":"VN","companies":[{"name":"Example Co"}]}`))
	if err != nil {
		t.Fatalf("the request hung on the frozen database: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("%d Retry-After %q after %v, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"), time.Since(start))
	}
}

// pgProxy forwards TCP to PostgreSQL until told to stop (the database is down: connections
// cut, new ones refused) or to freeze (connections stay open, nothing gets through).
type pgProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	frozen chan struct{}
}

func startProxy(t *testing.T, target string) *pgProxy {
	ln := listen(t)
	p := &pgProxy{ln: ln, target: target, frozen: make(chan struct{})}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				buf := make([]byte, 32<<10)
				for {
					n, err := src.Read(buf)
					select {
					case <-p.frozen:
						<-make(chan struct{}) // frozen: hold the bytes for ever
					default:
					}
					if n > 0 {
						dst.Write(buf[:n])
					}
					if err != nil {
						dst.Close()
						return
					}
				}
			}
			go pipe(up, c)
			go pipe(c, up)
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *pgProxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *pgProxy) freeze() { close(p.frozen) }

// viaProxy opens a PostgreSQL store whose connections go through a pgProxy.
func viaProxy(t *testing.T) (*store.Store, *pgProxy) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("needs PostgreSQL (" + storetest.PostgresEnv + ")")
	}
	u, err := neturl.Parse(storetest.PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	s, err := store.Open(context.Background(), store.Config{Keys: storetest.Keyring(t), Timeline: storetest.Timeline(t), DatabaseURL: u.String(), StatementTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

func TestDatabaseDownAnswers503WithRetryAfter(t *testing.T) {
	s, proxy := viaProxy(t)
	ts := httptest.NewServer(server.New(s, quiet))
	defer ts.Close()
	proxy.stop()
	client := http.Client{Timeout: 10 * time.Second}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/register", ""},
		{"POST", "/api/v1/reports", `{"language":"en","description":"d","country":"VN","companies":[{"name":"Example Co"}]}`},
		{"GET", "/api/v1/reporter/case", ""},
	} {
		r, _ := http.NewRequest(req.method, ts.URL+req.path, strings.NewReader(req.body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Receipt 1234-5678-9012-3456")
		res, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the database down: %d Retry-After %q, want 503 with Retry-After", req.method, req.path, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if res, err := client.Get(ts.URL + "/healthz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz with the database down: %v %v", res, err)
	}
	if res, err := client.Get(ts.URL + "/livez"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("/livez with the database down: %v %v", res, err)
	}
}

func TestFrozenPostgresAnswers503Quickly(t *testing.T) {
	s, proxy := viaProxy(t)
	o := server.DefaultOptions()
	o.Body.Work = time.Second
	ts := httptest.NewServer(server.NewWith(s, quiet, o))
	defer ts.Close()
	proxy.freeze()
	client := http.Client{Timeout: 8 * time.Second}
	start := time.Now()
	res, err := client.Get(ts.URL + "/register")
	if err != nil {
		t.Fatalf("a request hung on the frozen database: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || time.Since(start) > 5*time.Second {
		t.Fatalf("%d Retry-After %q after %v, want 503 with Retry-After within the request bound", res.StatusCode, res.Header.Get("Retry-After"), time.Since(start))
	}
}

func TestStatementTimeoutEndsAStuckQuery(t *testing.T) {
	url := os.Getenv(storetest.PostgresEnv)
	if url == "" {
		t.Skip("needs PostgreSQL (" + storetest.PostgresEnv + ")")
	}
	db, err := sql.Open("pgx", store.WithStatementTimeout(url, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = db.Exec(`SELECT pg_sleep(5)`)
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("a 5 s statement ran for %v (%v) under a 200 ms statement_timeout", time.Since(start), err)
	}
	if !web.Unavailable(err) {
		t.Fatalf("a statement timeout (%v) is not answered as unavailable", err)
	}
}

func TestReadinessChecksDatabaseAndDisk(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	dir := t.TempDir()
	get := func(h http.Handler, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	full := server.NewWith(s, quiet, server.Options{DataDir: dir, MinFreeBytes: 1 << 62}) // no disk is this big
	for _, path := range []string{"/healthz", "/readyz"} {
		if w := get(full, path); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "space") {
			t.Errorf("%s on a full disk: %d %q", path, w.Code, w.Body.String())
		}
	}
	if w := get(full, "/livez"); w.Code != http.StatusOK {
		t.Errorf("/livez on a full disk: %d (the process is alive)", w.Code)
	}
	fine := server.NewWith(s, quiet, server.Options{DataDir: dir, MinFreeBytes: 1})
	if w := get(fine, "/healthz"); w.Code != http.StatusOK {
		t.Errorf("/healthz with room to spare: %d %q", w.Code, w.Body.String())
	}
	gone := server.NewWith(s, quiet, server.Options{DataDir: filepath.Join(dir, "missing")})
	if w := get(gone, "/readyz"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the data folder gone: %d", w.Code)
	}
	s.Close()
	if w := get(fine, "/healthz"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/healthz with the database closed: %d", w.Code)
	}
	if w := get(fine, "/livez"); w.Code != http.StatusOK {
		t.Errorf("/livez with the database closed: %d", w.Code)
	}
}

func TestSecureCookiesAndHSTSBehindATrustedProxy(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	o := server.DefaultOptions()
	o.TrustedProxies, _ = web.ParseProxies("127.0.0.1/32")
	trusting := httptest.NewServer(server.NewWith(s, quiet, o))
	defer trusting.Close()
	plain := httptest.NewServer(server.New(s, quiet))
	defer plain.Close()
	noRedirect := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		name   string
		base   string
		proto  string
		secure bool
	}{
		{"trusted proxy, https", trusting.URL, "https", true},
		{"trusted proxy, http", trusting.URL, "http", false},
		{"untrusted peer claiming https", plain.URL, "https", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", c.base+"/language?set=ja&next=/report", nil)
			req.Header.Set("X-Forwarded-Proto", c.proto)
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			cookie := res.Header.Get("Set-Cookie")
			if cookie == "" || strings.Contains(cookie, "; Secure") != c.secure {
				t.Errorf("Set-Cookie %q, want Secure=%v", cookie, c.secure)
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != c.secure {
				t.Errorf("Strict-Transport-Security %q, want it=%v", hsts, c.secure)
			}
		})
	}
}

func TestLanguageRedirectStaysOnThisSite(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	h := server.New(s, quiet)
	for _, next := range []string{"/%09/evil.example", "//evil.example", `/\evil.example`, "https://evil.example", "/%5Cevil.example"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/language?set=en&next="+strings.ReplaceAll(next, "%", "%25"), nil))
		if loc := w.Header().Get("Location"); loc != "/" {
			t.Errorf("next=%s answers Location %q, want /", next, loc)
		}
	}
}

func TestRequestLogsHoldNoClientAddress(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	var logs bytes.Buffer
	o := server.DefaultOptions()
	o.TrustedProxies, _ = web.ParseProxies("203.0.113.0/24")
	h := server.NewWith(s, slog.New(slog.NewTextHandler(&logs, nil)), o)
	for _, path := range []string{"/healthz", "/report", "/nope"} {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = "203.0.113.77:5555"
		r.Header.Set("X-Forwarded-For", "198.51.100.99")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	out := logs.String()
	if !strings.Contains(out, "GET /healthz") {
		t.Fatalf("requests are not logged by route: %s", out)
	}
	for _, leak := range []string{"203.0.113.77", "198.51.100.99", "5555"} {
		if strings.Contains(out, leak) {
			t.Errorf("the request log holds the client's address %q: %s", leak, out)
		}
	}
}

func TestServesHTTPSDirectly(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	cert, key := selfSigned(t)
	ln := listen(t)
	run(t, ln, server.New(s, quiet), server.RunConfig{Grace: time.Second, TLSCert: cert, TLSKey: key})
	client := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get("https://" + ln.Addr().String() + "/language?set=ja&next=/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.Contains(res.Header.Get("Set-Cookie"), "; Secure") || res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("over HTTPS: Set-Cookie %q, HSTS %q", res.Header.Get("Set-Cookie"), res.Header.Get("Strict-Transport-Security"))
	}
}

func selfSigned(t *testing.T) (certFile, keyFile string) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(priv)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

func TestSilentUploadIsCutAfterTheGrace(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, _ := serve(t, s, impatient(), server.ConnLimits{Total: 100, PerSource: 8})
	c := dialFrom(t, "127.0.0.2", addr)
	// Headers, then nothing at all: the minimum rate must bind from the first byte of the body.
	fmt.Fprintf(c, "POST /report HTTP/1.1\r\nHost: x\r\nAccept-Language: ja\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: 100000\r\n\r\n")
	start := time.Now()
	res, body, err := readAnswer(c, 4*time.Second)
	if err != nil {
		t.Fatalf("a silent upload held the connection past 4 s with a 0.5 s grace: %v", err)
	}
	if res.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte(tooSlowInJapanese)) {
		t.Fatalf("%d after %v: %.300s", res.StatusCode, time.Since(start), body)
	}
}

func TestOneHostHoldsAtMostAQuarterOfTheBodyBudget(t *testing.T) {
	s := storetest.Open(t, store.SQLite, storetest.Options{})
	addr, _ := serve(t, s, largeBodies(256<<10), server.ConnLimits{Total: 100, PerSource: 8})
	holdLargeBody(t, addr)
	postFrom := func(local string) int { return postLarge(t, clientFrom(local, 5*time.Second), addr).StatusCode }
	if got := postFrom("127.0.0.2"); got != http.StatusServiceUnavailable {
		t.Fatalf("a second large body from the host holding its share: %d, want 503", got)
	}
	if got := postFrom("127.0.0.3"); got == http.StatusServiceUnavailable {
		t.Fatal("another host's large body waits behind the first host's")
	}
}
