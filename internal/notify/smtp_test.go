package notify

import (
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server (go-smtp) on 127.0.0.1 that keeps what it accepts. While down()
// says so it answers MAIL FROM with 451, as a server under maintenance does.
type sink struct {
	mu       sync.Mutex
	got      []received
	refused  int
	down     func() bool
	addr     *net.TCPAddr
	sessions int
}

type received struct {
	To        string
	Subject   string
	Body      string
	MessageID string
	Raw       string
}

func newSink(t testing.TB) *sink {
	t.Helper()
	k := &sink{down: func() bool { return false }}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		k.mu.Lock()
		k.sessions++
		k.mu.Unlock()
		return &session{k: k}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k.addr = ln.Addr().(*net.TCPAddr)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return k
}

func (k *sink) config() SMTPConfig {
	return SMTPConfig{Host: "127.0.0.1", Port: k.addr.Port, TLS: "none", From: "remedy@example.org", Timeout: 5 * time.Second}
}

func (k *sink) mails() []received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]received(nil), k.got...)
}

type session struct {
	k  *sink
	to []string
}

func (s *session) Reset()        { s.to = nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.k.down() {
		s.k.mu.Lock()
		s.k.refused++
		s.k.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "down for maintenance, try later"}
	}
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	text, _ := io.ReadAll(body)
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	for _, to := range s.to {
		s.k.got = append(s.k.got, received{To: to, Subject: subject, Body: string(text), MessageID: m.Header.Get("Message-Id"), Raw: string(raw)})
	}
	return nil
}
