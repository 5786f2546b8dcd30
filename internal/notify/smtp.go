package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/remedy-grievance/remedy/internal/store"
)

// SMTPConfig says how to reach the SMTP server. The password comes from the environment only
// and is never shown or logged.
type SMTPConfig struct {
	Host     string // empty: mail is off
	Port     int    // 0: 587 for starttls, 465 for tls, 25 for none
	User     string // empty: no authentication
	Password string
	TLS      string // "starttls" (default), "tls" (implicit, SMTPS) or "none"
	From     string // the sender's address
	Timeout  time.Duration
	// TLSConfig overrides the TLS client settings (tests trust their own certificate).
	TLSConfig *tls.Config
}

// Enabled reports whether a server is configured.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// Validate refuses a configuration that could not send.
func (c SMTPConfig) Validate() error {
	if !c.Enabled() {
		return nil
	}
	switch c.TLS {
	case "", "starttls", "tls", "none":
	default:
		return fmt.Errorf("--smtp-tls must be starttls, tls or none, not %q", c.TLS)
	}
	if a, err := mail.ParseAddress(c.From); err != nil || a.Name != "" {
		return errors.New("--mail-from must be a plain address when --smtp-host is set")
	}
	if c.Port < 0 || c.Port > 65535 {
		return errors.New("--smtp-port is out of range")
	}
	return nil
}

// PortOrDefault is the port used.
func (c SMTPConfig) PortOrDefault() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.TLS {
	case "tls":
		return 465
	case "none":
		return 25
	}
	return 587
}

// SMTP sends through one SMTP server with go-mail.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP makes the mailer; nil when no server is configured.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, nil
	}
	return &SMTP{cfg: cfg}, nil
}

func (m *SMTP) client() (*gomail.Client, error) {
	c := m.cfg
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(c.PortOrDefault()), gomail.WithTimeout(timeout)}
	switch c.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(c.TLSConfig))
	} else {
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}))
	}
	if c.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.User), gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}

// Send delivers mails over one SMTP session, calling done after each with nil (the server
// accepted it) or its error; done returning false ends the session early. A session that
// cannot start fails every mail with the same error.
func (m *SMTP) Send(ctx context.Context, mails []Mail, done func(i int, err error) bool) {
	c, err := m.client()
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for i := range mails {
			if !done(i, &connectError{err}) {
				return
			}
		}
		return
	}
	defer c.Close()
	for i, ml := range mails {
		msg, err := m.message(ml)
		if err == nil {
			err = c.Send(msg)
		}
		if !done(i, err) {
			return
		}
	}
}

func (m *SMTP) message(ml Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(ml.To); err != nil {
		return nil, err
	}
	msg.Subject(ml.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, ml.Body)
	msg.SetDate()
	if ml.MessageID != "" {
		msg.SetMessageIDWithValue(ml.MessageID + "@" + domainOf(m.cfg.From))
	}
	return msg, nil
}

func domainOf(addr string) string {
	if at := strings.LastIndex(addr, "@"); at >= 0 {
		return addr[at+1:]
	}
	return "remedy.invalid"
}

type connectError struct{ err error }

func (e *connectError) Error() string { return "smtp connect: " + e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// ErrorClass names a failure for the outbox and the log without the server's words, which can
// quote an address: connect, temporary (4xx) or permanent (5xx).
func ErrorClass(err error) string {
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch code := se.ErrorCode(); {
		case code >= 500:
			return store.OutboxErrPermanent
		case code >= 400 || se.IsTemp():
			return store.OutboxErrTemporary
		}
		return store.OutboxErrTemporary
	}
	return store.OutboxErrConnect
}
