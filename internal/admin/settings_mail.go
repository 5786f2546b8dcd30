package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/account"
	"github.com/remedy-grievance/remedy/internal/notify"
	"github.com/remedy-grievance/remedy/internal/store"
)

// Mail is the mail configuration the settings page shows, and the mailer of its test message.
type Mail struct {
	Config    notify.SMTPConfig
	PublicURL string
	Mailer    notify.Mailer // nil: mail is off
}

// WithMail gives the settings page the server's mail configuration.
func (h *Handler) WithMail(m Mail) *Handler {
	h.mail = m
	return h
}

// mailView is the mail section of the settings page: the configuration without the password,
// the outbox's counts, and the result of the last test message.
type mailView struct {
	On          bool
	Server      string
	TLS         string
	User        string
	PasswordSet bool
	From        string
	PublicURL   string
	Outbox      store.OutboxFigures
	AdminEmail  string
	Result      string // sent, failed, off
	ResultClass string // why it failed: connect, temporary, permanent
}

func (h *Handler) mailView(ctx context.Context, r *http.Request) (mailView, error) {
	c := h.mail.Config
	tls := c.TLS
	if tls == "" {
		tls = "starttls"
	}
	v := mailView{On: h.mail.Mailer != nil, TLS: tls, User: c.User, PasswordSet: c.Password != "", From: c.From, PublicURL: h.mail.PublicURL,
		AdminEmail: account.CurrentUser(r).Email}
	if c.Enabled() {
		v.Server = c.Host + ":" + strconv.Itoa(c.PortOrDefault())
	}
	switch q := r.URL.Query(); q.Get("mail") {
	case "sent", "off":
		v.Result = q.Get("mail")
	case "failed":
		v.Result, v.ResultClass = "failed", q.Get("class")
	}
	var err error
	v.Outbox, err = h.store.OutboxFigures(ctx)
	return v, err
}

// settingsMailTest sends a test message to the signed-in admin's own address, at once and
// outside the outbox, and says whether the SMTP server accepted it.
func (h *Handler) settingsMailTest(w http.ResponseWriter, r *http.Request) {
	to := "/admin/settings?mail="
	if h.mail.Mailer == nil {
		http.Redirect(w, r, to+"off#mail", http.StatusSeeOther)
		return
	}
	p := h.accounts.Page(r, "admin.settings.title")
	ctx, cancel := context.WithTimeout(r.Context(), 45*time.Second)
	defer cancel()
	var sendErr error
	h.mail.Mailer.Send(ctx, []notify.Mail{notify.TestMail(p.Lang, account.CurrentUser(r).Email)}, func(_ int, err error) bool {
		sendErr = err
		return false
	})
	if sendErr != nil {
		// The class only: the server's own answer may quote the address.
		http.Redirect(w, r, to+"failed&class="+url.QueryEscape(notify.ErrorClass(sendErr))+"#mail", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, to+"sent#mail", http.StatusSeeOther)
}
