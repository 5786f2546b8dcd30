package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/media"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// The secretariat's view of a whole case, for the desk's case page. It opens every sealed intake
// field except the reporter's identity, which stays behind CaseIdentity (audited).

const (
	fieldLessons             = "case.lessons"
	fieldSatisfactionComment = "case.satisfaction_comment"
	fieldSharedNarrative     = "referral.shared_narrative"
)

// DeskCase is a case as a handler sees it.
type DeskCase struct {
	ID               int64
	Reference        string
	ReceivedAt       time.Time
	Channel          grievance.Channel
	Language         string
	ReporterType     grievance.ReporterType
	Anonymous        bool
	Consent          bool // to share the identity with the companies concerned
	HasIdentity      bool // a name or contact was given (it is not in this struct: see CaseIdentity)
	PreferredContact grievance.ContactChannel
	Relation         grievance.Relation
	Country          string
	Site             string
	Categories       []grievance.Category
	WhenHappened     string
	PeopleAffected   int
	VulnerableGroups []grievance.VulnerableGroup
	Urgency          grievance.Urgency
	FearsRetaliation bool
	Description      string
	RemedySought     string
	RaisedElsewhere  bool
	RaisedWhere      string

	Stage             grievance.CaseStage
	StageEnteredAt    time.Time
	AcknowledgedAt    time.Time
	LastReporterNews  time.Time
	DueAt             time.Time // zero when no deadline applies
	ClosedAt          time.Time
	Outcome           grievance.Outcome
	NotAcceptedReason grievance.NotAcceptedReason
	HandlerID         int64
	HandlerName       string
	Satisfaction      int // 0: not given
	SatisfactionNote  string
	Lessons           string

	Companies   []CaseCompany
	Referrals   []DeskReferral
	History     []DeskEvent // the case's and every referral's moves, oldest first
	Messages    []DeskMessage
	Attachments []AttachmentInfo // every file of the case, the report's own first
}

// DeskReferral is one company's part of a case with what the secretariat shared with it.
type DeskReferral struct {
	Referral
	StageEnteredAt  time.Time
	SharedNarrative string
	SharedFiles     []int64 // attachment ids shared with the company
}

// DeskEvent is one move of the case or of one of its referrals.
type DeskEvent struct {
	ReferralID int64 // 0 for the case's own stages
	From, To   string
	At         time.Time
	ActorRole  string
	ActorName  string // the staff member who moved it, if any
	Code       string // outcome or not-accepted reason
	Reason     string
}

// DeskMessage is a message of any thread with its files and staff translations.
type DeskMessage struct {
	Message
	AuthorName   string // staff author's name; empty for the reporter and the system
	Files        []AttachmentInfo
	Translations []Translation
}

// ReporterFile reports whether a is one of the reporter's own files (given with the report or
// in the reporter's thread), the only files a handler may share with a company.
func (c *DeskCase) ReporterFile(a AttachmentInfo) bool {
	if a.MessageID == 0 {
		return true
	}
	for _, m := range c.Messages {
		if m.ID == a.MessageID {
			return m.Thread == ThreadReporter && m.AuthorRole == string(grievance.RoleReporter)
		}
	}
	return false
}

// MayShareFile reports whether a file can be given to a company at all: only through its copy
// without metadata (as the member portal serves it). A file without one — of a type that cannot
// be cleaned (media.Cleans), or that could not be — never leaves the secretariat.
func MayShareFile(a AttachmentInfo) bool {
	return a.Shareable
}

// SharingNote is the catalog key that tells a handler, per file, what sharing it beyond the
// secretariat gives: its copy without metadata, or nothing, because files of its type cannot be
// cleaned or because this one could not be (damaged, too large, the server busy).
func (a AttachmentInfo) SharingNote() string {
	switch {
	case a.Shareable:
		return "desk.file.copy_shared"
	case media.Cleans(a.ContentType):
		return "desk.file.kept_failed"
	}
	return "desk.file.kept_type"
}

// CopyNote is the catalog key that tells a member company what the copy it is given of a
// reporter's file is: a text as written (a text holds no metadata), or a file whose metadata
// was removed.
func (a AttachmentInfo) CopyNote() string {
	if strings.HasPrefix(a.ContentType, "text/") {
		return "member.documents.copy_text"
	}
	return "member.documents.copy_cleaned"
}

// DeskCase loads the whole case for the desk.
func (s *Store) DeskCase(ctx context.Context, caseID int64) (*DeskCase, error) {
	c := &DeskCase{ID: caseID}
	var channel, reporterType, preferred, relation, urgency, stage, outcome, notAccepted string
	var ack, due, closed sql.NullTime
	var handlerID, satisfaction sql.NullInt64
	var handlerName sql.NullString
	var name, contact, site, when, desc, remedy, where, satComment, lessons []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT c.reference, c.received_at, c.channel, c.language, c.reporter_type, c.anonymous,
		c.consent_share_identity, c.preferred_contact, c.relation, c.country, c.people_affected, c.urgency, c.fears_retaliation,
		c.raised_elsewhere, c.stage, c.stage_entered_at, c.acknowledged_at, c.last_reporter_news_at, c.due_at, c.closed_at,
		c.outcome, c.not_accepted_reason, c.handler_id, u.display_name, c.satisfaction,
		c.identity_name_sealed, c.identity_contact_sealed, c.site_sealed, c.when_happened_sealed, c.description_sealed,
		c.remedy_sought_sealed, c.raised_elsewhere_where_sealed, c.satisfaction_comment_sealed, c.lessons_sealed
		FROM cases c LEFT JOIN users u ON u.id = c.handler_id WHERE c.id = ?`), caseID).
		Scan(&c.Reference, &c.ReceivedAt, &channel, &c.Language, &reporterType, &c.Anonymous,
			&c.Consent, &preferred, &relation, &c.Country, &c.PeopleAffected, &urgency, &c.FearsRetaliation,
			&c.RaisedElsewhere, &stage, &c.StageEnteredAt, &ack, &c.LastReporterNews, &due, &closed,
			&outcome, &notAccepted, &handlerID, &handlerName, &satisfaction,
			&name, &contact, &site, &when, &desc, &remedy, &where, &satComment, &lessons)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Channel, c.ReporterType, c.PreferredContact = grievance.Channel(channel), grievance.ReporterType(reporterType), grievance.ContactChannel(preferred)
	c.Relation, c.Urgency, c.Stage = grievance.Relation(relation), grievance.Urgency(urgency), grievance.CaseStage(stage)
	c.Outcome, c.NotAcceptedReason = grievance.Outcome(outcome), grievance.NotAcceptedReason(notAccepted)
	c.AcknowledgedAt, c.DueAt, c.ClosedAt = ack.Time, due.Time, closed.Time
	c.HandlerID, c.HandlerName, c.Satisfaction = handlerID.Int64, handlerName.String, int(satisfaction.Int64)
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	// Whether an identity exists is told without opening it: its display must be audited.
	for _, f := range []struct {
		field  string
		sealed []byte
	}{{fieldIdentityName, name}, {fieldIdentityContact, contact}} {
		if f.sealed == nil {
			continue
		}
		v, err := key.OpenString(f.field, f.sealed)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", f.field, err)
		}
		if v != "" {
			c.HasIdentity = true
		}
	}
	for _, f := range []struct {
		field  string
		sealed []byte
		into   *string
	}{
		{fieldSite, site, &c.Site}, {fieldWhenHappened, when, &c.WhenHappened}, {fieldDescription, desc, &c.Description},
		{fieldRemedySought, remedy, &c.RemedySought}, {fieldRaisedWhere, where, &c.RaisedWhere},
		{fieldSatisfactionComment, satComment, &c.SatisfactionNote}, {fieldLessons, lessons, &c.Lessons},
	} {
		if f.sealed == nil {
			continue
		}
		if *f.into, err = key.OpenString(f.field, f.sealed); err != nil {
			return nil, fmt.Errorf("open %s: %w", f.field, err)
		}
	}
	cats, err := s.deskCodes(ctx, `SELECT category FROM case_categories WHERE case_id = ? ORDER BY category`, caseID)
	if err != nil {
		return nil, err
	}
	for _, v := range cats {
		c.Categories = append(c.Categories, grievance.Category(v))
	}
	groups, err := s.deskCodes(ctx, `SELECT grp FROM case_vulnerable_groups WHERE case_id = ? ORDER BY grp`, caseID)
	if err != nil {
		return nil, err
	}
	for _, v := range groups {
		c.VulnerableGroups = append(c.VulnerableGroups, grievance.VulnerableGroup(v))
	}
	if c.Companies, err = s.CaseCompanies(ctx, caseID); err != nil {
		return nil, err
	}
	if c.Referrals, err = s.deskReferrals(ctx, key, caseID); err != nil {
		return nil, err
	}
	if c.History, err = s.deskHistory(ctx, key, caseID); err != nil {
		return nil, err
	}
	if c.Messages, err = s.deskMessages(ctx, key, caseID); err != nil {
		return nil, err
	}
	if c.Attachments, err = s.attachmentInfos(ctx, key, caseID); err != nil {
		return nil, err
	}
	byMessage := map[int64]int{}
	for i, m := range c.Messages {
		byMessage[m.ID] = i
	}
	for _, a := range c.Attachments {
		if i, ok := byMessage[a.MessageID]; ok && a.MessageID != 0 {
			c.Messages[i].Files = append(c.Messages[i].Files, a)
		}
	}
	return c, nil
}

// deskCodes reads one column of codes.
func (s *Store) deskCodes(ctx context.Context, query string, caseID int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, s.q(query), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) deskReferrals(ctx context.Context, key *seal.CaseKey, caseID int64) ([]DeskReferral, error) {
	refs, err := s.Referrals(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]DeskReferral, len(refs))
	index := map[int64]int{}
	for i, r := range refs {
		out[i].Referral = r
		index[r.ID] = i
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, stage_entered_at, shared_narrative_sealed FROM referrals WHERE case_id = ?`), caseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var entered time.Time
		var narrative []byte
		if err := rows.Scan(&id, &entered, &narrative); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		out[i].StageEnteredAt = entered
		if narrative != nil {
			if out[i].SharedNarrative, err = key.OpenString(fieldSharedNarrative, narrative); err != nil {
				rows.Close()
				return nil, err
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := s.read.QueryContext(ctx, s.q(`SELECT ra.referral_id, ra.attachment_id FROM referral_attachments ra
		JOIN referrals r ON r.id = ra.referral_id WHERE r.case_id = ? ORDER BY ra.referral_id, ra.attachment_id`), caseID)
	if err != nil {
		return nil, err
	}
	defer files.Close()
	for files.Next() {
		var rid, aid int64
		if err := files.Scan(&rid, &aid); err != nil {
			return nil, err
		}
		if i, ok := index[rid]; ok {
			out[i].SharedFiles = append(out[i].SharedFiles, aid)
		}
	}
	return out, files.Err()
}

func (s *Store) deskHistory(ctx context.Context, key *seal.CaseKey, caseID int64) ([]DeskEvent, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT COALESCE(e.referral_id, 0), e.from_stage, e.to_stage, e.at, e.actor_role,
		COALESCE(u.display_name, ''), e.code, e.reason_sealed
		FROM stage_events e LEFT JOIN users u ON u.id = e.actor_user_id WHERE e.case_id = ? ORDER BY e.id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeskEvent
	for rows.Next() {
		var e DeskEvent
		var reason []byte
		if err := rows.Scan(&e.ReferralID, &e.From, &e.To, &e.At, &e.ActorRole, &e.ActorName, &e.Code, &reason); err != nil {
			return nil, err
		}
		if reason != nil {
			if e.Reason, err = key.OpenString(fieldStageReason, reason); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) deskMessages(ctx context.Context, key *seal.CaseKey, caseID int64) ([]DeskMessage, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT m.id, m.thread, COALESCE(m.referral_id, 0), m.author_role, m.created_at, m.body_sealed,
		COALESCE(u.display_name, '') FROM messages m LEFT JOIN users u ON u.id = m.author_user_id WHERE m.case_id = ? ORDER BY m.id`), caseID)
	if err != nil {
		return nil, err
	}
	var out []DeskMessage
	index := map[int64]int{}
	for rows.Next() {
		var m DeskMessage
		var sealed []byte
		if err := rows.Scan(&m.ID, &m.Thread, &m.ReferralID, &m.AuthorRole, &m.At, &sealed, &m.AuthorName); err != nil {
			rows.Close()
			return nil, err
		}
		if m.Body, err = key.OpenString(fieldMessageBody, sealed); err != nil {
			rows.Close()
			return nil, err
		}
		index[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	translations, err := s.translations(ctx, key, caseID)
	if err != nil {
		return nil, err
	}
	for _, t := range translations {
		if i, ok := index[t.MessageID]; ok {
			out[i].Translations = append(out[i].Translations, t)
		}
	}
	return out, nil
}

// CaseAttachment opens a file of a case for a handler and audits the download in the same
// transaction, so no file leaves the secretariat's store without its audit entry.
func (s *Store) CaseAttachment(ctx context.Context, caseID, attachmentID int64, actor Actor) (AttachmentInfo, []byte, error) {
	if actor.Role != string(grievance.RoleHandler) {
		return AttachmentInfo{}, nil, ErrForbidden
	}
	var a AttachmentInfo
	var data []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		f, err := s.storedFile(ctx, tx, caseID, attachmentID)
		if err != nil {
			return err
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if a, data, err = f.open(key, false); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, "attachment.download", caseID, map[string]any{"attachment": attachmentID})
	})
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	return a, data, nil
}

// CloseCase closes a case (the rules decide whether it may close) and keeps the lessons learned,
// an anonymised digest written at closure, sealed with the case key, in one transaction.
func (s *Store) CloseCase(ctx context.Context, c CaseStageChange, lessons string) error {
	if c.To != grievance.CaseClosed {
		return fmt.Errorf("CloseCase moves a case to closed, not to %s", c.To)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		change := grievance.CaseChange{To: c.To, Role: grievance.Role(c.Actor.Role), Reason: c.Reason, Outcome: c.Outcome}
		key := s.lazyKey(ctx, tx, c.CaseID)
		if err := s.moveCase(ctx, tx, key, change, c.Actor, nil); err != nil {
			return err
		}
		lessons = strings.TrimSpace(grievance.NormalizeNewlines(lessons))
		if lessons == "" {
			return nil
		}
		k, err := key.get()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE cases SET lessons_sealed = ? WHERE id = ?`), k.SealString(fieldLessons, lessons), c.CaseID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, c.Actor, "case.lessons", c.CaseID, nil)
	})
}
