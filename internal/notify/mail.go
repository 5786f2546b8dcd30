// Package notify delivers the outbox: a worker inside "remedy serve", one at a time across the
// instances sharing a database, runs the clock-driven rules (store.RunClock) and mails each
// queued notification through SMTP with retries. A notification says what kind of thing
// happened, on which case (by reference), and links to it: never what the case says, who is in
// it, or a receipt. Mail to a reporter does not even name the case.
package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/locale"
	"github.com/remedy-grievance/remedy/internal/store"
)

// Mail is one message to send: plain text, one recipient.
type Mail struct {
	To      string
	Subject string
	Body    string
	// MessageID is the same at every attempt of one notification, so that a receiving server or
	// client can recognise the rare duplicate of the at-least-once window (docs/operating.md).
	MessageID string
}

// Mailer sends mails; SMTP is the one that speaks to a server.
type Mailer interface {
	// Send delivers mails, calling done after each with nil (accepted) or its error; done
	// returning false stops.
	Send(ctx context.Context, mails []Mail, done func(i int, err error) bool)
}

// compose writes the mail for one or more notifications to one recipient (more than one: their
// daily digest). It reads nothing but the outbox rows: kind, reference, language, ids for links.
func compose(base string, to store.Recipient, items []store.OutboxItem) Mail {
	first := items[0]
	lang := first.Language
	m := Mail{To: to.Address, MessageID: "remedy.notice." + strconv.FormatInt(first.ID, 10)}
	if to.Role == grievance.RoleReporter {
		// No reference, no stage, nothing that tells a reader of this mailbox about the case.
		m.Subject = locale.T(lang, "notify.reporter.subject")
		m.Body = fmt.Sprintf(locale.T(lang, "notify.reporter.body"), base+"/follow-up") + "\n"
		return m
	}
	var b strings.Builder
	if len(items) == 1 {
		m.Subject = fmt.Sprintf(locale.T(lang, "notify.subject"), subjectRef(first), locale.T(lang, "notify.kind."+string(first.Kind)))
		b.WriteString(locale.T(lang, "notify.body.one") + "\n\n")
	} else {
		m.Subject = fmt.Sprintf(locale.T(lang, "notify.digest.subject"), len(items))
		b.WriteString(locale.T(lang, "notify.body.digest") + "\n\n")
	}
	for _, it := range items {
		if it.Reference != "" {
			b.WriteString(it.Reference + " · ")
		}
		b.WriteString(locale.T(lang, "notify.kind."+string(it.Kind)) + "\n  " + base + link(to.Role, it) + "\n")
	}
	b.WriteString("\n" + locale.T(lang, "notify.body.no_content") + "\n")
	b.WriteString(fmt.Sprintf(locale.T(lang, "notify.body.prefs"), base+"/staff/notifications") + "\n")
	m.Body = b.String()
	return m
}

func subjectRef(it store.OutboxItem) string {
	if it.Reference == "" {
		return locale.T(it.Language, "site.name")
	}
	return it.Reference
}

// link is the page a notification opens for the recipient's role; the pages check access again.
func link(role grievance.Role, it store.OutboxItem) string {
	id := strconv.FormatInt(it.CaseID, 10)
	switch role {
	case grievance.RoleHandler:
		if it.CaseID != 0 {
			return "/desk/cases/" + id
		}
		return "/desk"
	case grievance.RoleMember:
		if it.ReferralID != 0 {
			return "/member/referrals/" + strconv.FormatInt(it.ReferralID, 10)
		}
		return "/member"
	case grievance.RoleExpert:
		if it.CaseID != 0 {
			return "/expert/cases/" + id
		}
		return "/expert"
	case grievance.RolePanel:
		return "/reports/annual"
	}
	return "/staff"
}

// TestMail is the admin's "send a test message": to their own address, saying nothing else.
func TestMail(lang, to string) Mail {
	return Mail{To: to, Subject: locale.T(lang, "notify.test.subject"), Body: locale.T(lang, "notify.test.body") + "\n"}
}
