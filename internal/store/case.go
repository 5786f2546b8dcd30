package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
)

// Field names bind each ciphertext to its column (the AEAD's associated data), so a sealed value
// cannot be moved to another field of the same case.
const (
	fieldIdentityName    = "case.identity_name"
	fieldIdentityContact = "case.identity_contact"
	fieldSite            = "case.site"
	fieldWhenHappened    = "case.when_happened"
	fieldDescription     = "case.description"
	fieldRemedySought    = "case.remedy_sought"
	fieldRaisedWhere     = "case.raised_elsewhere_where"
	fieldCompanyName     = "company.name"
	fieldAttachmentName  = "attachment.name"
	fieldAttachmentData  = "attachment.content"
	fieldAttachmentCopy  = "attachment.shareable"
	fieldMessageBody     = "message.body"
	fieldStageReason     = "stage_event.reason"
)

// sealReportFields seals a report's free-text fields in the order of the cases table's sealed
// columns (identity name, contact, site, when, description, remedy sought, raised where). Both
// filing and import use it, so a new sensitive field is sealed in one place.
func sealReportFields(key *seal.CaseKey, r *grievance.Report) [7][]byte {
	return [7][]byte{
		key.SealString(fieldIdentityName, r.IdentityName),
		key.SealString(fieldIdentityContact, r.IdentityContact),
		key.SealString(fieldSite, r.Site),
		key.SealString(fieldWhenHappened, r.WhenHappened),
		key.SealString(fieldDescription, r.Description),
		key.SealString(fieldRemedySought, r.RemedySought),
		key.SealString(fieldRaisedWhere, r.RaisedElsewhereWhere),
	}
}

// Filed is what filing a report gives back. Receipt is shown once and never stored.
type Filed struct {
	CaseID    int64
	Reference string
	Receipt   string
}

// CreateCase stores a validated report: a new data key, every sensitive field sealed, the first
// stage event and an audit entry, all in one transaction that is durable when this returns.
func (s *Store) CreateCase(ctx context.Context, r grievance.Report, actor Actor) (Filed, error) {
	return s.createCase(ctx, r, actor, nil)
}

// CreateCaseWithNote files a report a handler took down with the handler's own notes as an
// internal note of the case, in the same transaction: the reporter's words stay the report's
// (what the reporter's page shows), the staff's stay the secretariat's. An empty note adds none.
func (s *Store) CreateCaseWithNote(ctx context.Context, r grievance.Report, actor Actor, note string) (Filed, error) {
	if note == "" {
		return s.CreateCase(ctx, r, actor)
	}
	return s.createCase(ctx, r, actor, func(tx *sql.Tx, f Filed, key *seal.CaseKey) error {
		_, err := s.insertMessage(ctx, tx, key, NewMessage{CaseID: f.CaseID, Thread: ThreadInternal, Author: actor, Body: note})
		return err
	})
}

// createCase files a report; then, if set, runs in the filing's transaction, so that what it
// writes (a form's one-time token, a handler's note) exists exactly when the case does.
func (s *Store) createCase(ctx context.Context, r grievance.Report, actor Actor, then func(tx *sql.Tx, f Filed, key *seal.CaseKey) error) (Filed, error) {
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = s.now()
	}
	if fe := s.checkMembers(ctx, r.Companies); fe != nil {
		return Filed{}, fe
	}
	key, wrapped, err := s.keys.NewCaseKey()
	if err != nil {
		return Filed{}, err
	}
	// A receipt collision is rare (53 bits) but not impossible over millions of cases: retry
	// with a fresh receipt rather than fail the reporter.
	for attempt := 0; ; attempt++ {
		receipt, err := s.keys.NewReceipt()
		if err != nil {
			return Filed{}, err
		}
		f := Filed{Receipt: receipt}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			f.CaseID, f.Reference, err = s.insertCase(ctx, tx, r, key, wrapped, s.keys.ReceiptHash(receipt), actor)
			if err == nil && then != nil {
				err = then(tx, f, key)
			}
			return err
		})
		if err != nil && attempt < 3 && strings.Contains(err.Error(), "receipt_hash") {
			continue
		}
		return f, err
	}
}

// checkMembers turns an unknown member id into a field error the reporter can act on.
func (s *Store) checkMembers(ctx context.Context, companies []grievance.CompanyRef) grievance.FieldErrors {
	fe := grievance.FieldErrors{}
	for i, c := range companies {
		if c.MemberID == 0 {
			continue
		}
		var one int
		err := s.read.QueryRowContext(ctx, s.q(`SELECT 1 FROM members WHERE id = ? AND left_at IS NULL`), c.MemberID).Scan(&one)
		if err != nil {
			fe[fmt.Sprintf("companies[%d].member_id", i)] = "unknown_member"
		}
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func (s *Store) insertCase(ctx context.Context, tx *sql.Tx, r grievance.Report, key *seal.CaseKey, wrapped, receiptHash []byte, actor Actor) (int64, string, error) {
	received := utc(r.ReceivedAt)
	ref, err := s.nextReference(ctx, tx, s.timeline.LocalDate(received).Year())
	if err != nil {
		return 0, "", fmt.Errorf("reference: %w", err)
	}
	due, _ := s.timeline.CaseDue(grievance.CaseReceived, grievance.CaseDates{ReceivedAt: received})
	sealed := sealReportFields(key, &r)
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO cases (
		reference, receipt_hash, received_at, channel, language, reporter_type, anonymous,
		consent_share_identity, preferred_contact, relation, country, people_affected, urgency,
		fears_retaliation, raised_elsewhere, stage, stage_entered_at, last_reporter_news_at, due_at,
		updated_at, identity_name_sealed, identity_contact_sealed, site_sealed, when_happened_sealed,
		description_sealed, remedy_sought_sealed, raised_elsewhere_where_sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		ref, receiptHash, received, string(r.Channel), r.Language, string(r.ReporterType), r.Anonymous,
		r.ConsentShareIdentity, string(r.PreferredContact), string(r.Relation), r.Country, r.PeopleAffected, string(r.Urgency),
		r.FearsRetaliation, r.RaisedElsewhere, string(grievance.CaseReceived), received, received, utc(due),
		received, sealed[0], sealed[1], sealed[2], sealed[3], sealed[4], sealed[5], sealed[6],
	).Scan(&id)
	if err != nil {
		return 0, "", err
	}
	exec := func(query string, args ...any) {
		if err == nil {
			_, err = tx.ExecContext(ctx, s.q(query), args...)
		}
	}
	if err == nil {
		err = s.storeCaseKey(ctx, tx, id, wrapped)
	}
	for _, c := range r.Categories {
		exec(`INSERT INTO case_categories (case_id, category) VALUES (?, ?)`, id, string(c))
	}
	for _, g := range r.VulnerableGroups {
		exec(`INSERT INTO case_vulnerable_groups (case_id, grp) VALUES (?, ?)`, id, string(g))
	}
	for i, c := range r.Companies {
		exec(`INSERT INTO case_companies (case_id, position, member_id, name_sealed, relation) VALUES (?, ?, ?, ?, ?)`,
			id, i, nullInt(c.MemberID), key.SealString(fieldCompanyName, c.Name), string(c.Relation))
	}
	if err == nil {
		err = s.insertAttachments(ctx, tx, key, id, 0, received, r.Attachments)
	}
	exec(`INSERT INTO stage_events (case_id, from_stage, to_stage, at, actor_role, actor_user_id) VALUES (?, '', ?, ?, ?, ?)`,
		id, string(grievance.CaseReceived), received, actor.Role, nullInt(actor.UserID))
	if err == nil {
		// A new report is news to every handler but the one who entered it.
		err = s.noteActivity(ctx, tx, id, 0, actor, received, false)
	}
	if err != nil {
		return 0, "", err
	}
	// No figure counts the case yet: it enters the statistics when screening lets it through
	// (insertStageEvent), so a flood of filings moves no public figure.
	if err = s.appendAudit(ctx, tx, actor, "case.create", id, map[string]any{"reference": ref, "channel": r.Channel}); err != nil {
		return 0, "", err
	}
	if r.NotifyEmail != "" {
		if err = s.putReporterAddress(ctx, tx, key, id, r.NotifyEmail); err != nil {
			return 0, "", err
		}
	}
	_, err = s.enqueueNotice(ctx, tx, Notice{Kind: grievance.NoticeCaseFiled, CaseID: id})
	return id, ref, err
}

// insertAttachments stores files given with a report (messageID 0) or a message.
func (s *Store) insertAttachments(ctx context.Context, tx *sql.Tx, key *seal.CaseKey, caseID, messageID int64, at time.Time, files []grievance.Attachment) error {
	for _, a := range files {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO attachments (case_id, message_id, content_type, size_bytes, created_at, name_sealed, content_sealed, shareable_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			caseID, nullInt(messageID), a.ContentType, len(a.Data), utc(at), key.SealString(fieldAttachmentName, a.Name),
			key.Seal(fieldAttachmentData, a.Data), key.Seal(fieldAttachmentCopy, a.Shareable)); err != nil {
			return err
		}
	}
	return nil
}

// AttachmentInfo describes a stored file without its content.
type AttachmentInfo struct {
	ID          int64
	MessageID   int64
	Name        string
	ContentType string
	Size        int64
	Shareable   bool // a copy without metadata exists
}

func (s *Store) attachmentInfos(ctx context.Context, key *seal.CaseKey, caseID int64) ([]AttachmentInfo, error) {
	return s.openAttachmentInfos(ctx, key, `case_id = ?`, caseID)
}

// openAttachmentInfos lists the files matching where, in filing order, their names opened.
func (s *Store) openAttachmentInfos(ctx context.Context, key *seal.CaseKey, where string, args ...any) ([]AttachmentInfo, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, COALESCE(message_id, 0), content_type, size_bytes, name_sealed, shareable_sealed IS NOT NULL
		FROM attachments WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttachmentInfo
	for rows.Next() {
		var a AttachmentInfo
		var name []byte
		if err := rows.Scan(&a.ID, &a.MessageID, &a.ContentType, &a.Size, &name, &a.Shareable); err != nil {
			return nil, err
		}
		if a.Name, err = key.OpenString(fieldAttachmentName, name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// storedFile is a file as stored: its clear metadata and its sealed parts.
type storedFile struct {
	AttachmentInfo
	name, original, copy []byte
}

// storedFile reads one file of a case, still sealed; ErrNotFound when the case has no such file.
func (s *Store) storedFile(ctx context.Context, q querier, caseID, attachmentID int64) (storedFile, error) {
	var f storedFile
	err := q.QueryRowContext(ctx, s.q(`SELECT id, COALESCE(message_id, 0), content_type, size_bytes, name_sealed, content_sealed, shareable_sealed
		FROM attachments WHERE id = ? AND case_id = ?`), attachmentID, caseID).
		Scan(&f.ID, &f.MessageID, &f.ContentType, &f.Size, &f.name, &f.original, &f.copy)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	f.Shareable = f.copy != nil
	return f, err
}

// open opens the file's name and its original, or (useCopy) its copy without metadata:
// ErrNotFound when it has none.
func (f storedFile) open(key *seal.CaseKey, useCopy bool) (AttachmentInfo, []byte, error) {
	a := f.AttachmentInfo
	var err error
	if a.Name, err = key.OpenString(fieldAttachmentName, f.name); err != nil {
		return a, nil, err
	}
	if !useCopy {
		data, err := key.Open(fieldAttachmentData, f.original)
		return a, data, err
	}
	if f.copy == nil {
		return a, nil, ErrNotFound
	}
	data, err := key.Open(fieldAttachmentCopy, f.copy)
	return a, data, err
}

// AttachmentContent opens a stored file, the original or the copy without metadata, without an
// audit entry: for tests and maintenance. Pages use the audited CaseAttachment and
// MemberAttachment.
func (s *Store) AttachmentContent(ctx context.Context, caseID, attachmentID int64, useCopy bool) (AttachmentInfo, []byte, error) {
	f, err := s.storedFile(ctx, s.read, caseID, attachmentID)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	return f.open(key, useCopy)
}

// caseKey unwraps a case's data key.
func (s *Store) caseKey(ctx context.Context, q querier, caseID int64) (*seal.CaseKey, error) {
	var wrapped []byte
	if err := q.QueryRowContext(ctx, s.q(`SELECT wrapped FROM case_keys WHERE case_id = ? AND holder = 'kek'`), caseID).Scan(&wrapped); err != nil {
		return nil, fmt.Errorf("case key: %w", err)
	}
	key, err := s.keys.UnwrapCaseKey(wrapped)
	if errors.Is(err, seal.ErrWrongKey) {
		// Wrapped by another process under the next key of a rotation: learn it and try again.
		if next, ok, perr := s.PendingKeyRotation(ctx); perr == nil && ok {
			clear(next)
			return s.keys.UnwrapCaseKey(wrapped)
		}
	}
	return key, err
}

// txKey unwraps a case's key at most once in a transaction, and only if something needs it.
type txKey struct {
	s      *Store
	ctx    context.Context
	tx     *sql.Tx
	caseID int64
	key    *seal.CaseKey
}

func (s *Store) lazyKey(ctx context.Context, tx *sql.Tx, caseID int64) *txKey {
	return &txKey{s: s, ctx: ctx, tx: tx, caseID: caseID}
}

func (k *txKey) get() (*seal.CaseKey, error) {
	if k.key == nil {
		key, err := k.s.caseKey(k.ctx, k.tx, k.caseID)
		if err != nil {
			return nil, err
		}
		k.key = key
	}
	return k.key, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// CaseIDByReceipt finds the case a receipt opens; ErrNotFound when none does.
func (s *Store) CaseIDByReceipt(ctx context.Context, receipt string) (int64, error) {
	normalized, ok := seal.NormalizeReceipt(receipt)
	if !ok {
		return 0, ErrNotFound
	}
	var id int64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT id FROM cases WHERE receipt_hash = ?`), s.keys.ReceiptHash(normalized)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// StageChange is one line of a stage history.
type StageChange struct {
	From, To string
	At       time.Time
	Referral int64 // 0 for the case's own stages
}

// Message is one message of a thread.
type Message struct {
	ID         int64
	Thread     string
	ReferralID int64
	AuthorRole string
	Body       string
	At         time.Time
}

// ReporterCase is what a reporter sees of their own case: what they wrote, where it stands, and
// the conversation with the secretariat. Nothing about companies' or internal threads.
type ReporterCase struct {
	ID                  int64
	Reference           string
	Stage               grievance.CaseStage
	ReceivedAt          time.Time
	Language            string
	Description         string
	DueAt               time.Time
	Outcome             grievance.Outcome
	Satisfaction        int    // 0: not given
	SatisfactionComment string // what the reporter added to their rating
	History             []StageChange
	Messages            []Message
	Attachments         []AttachmentInfo   // the report's own files and those sent in the reporter thread
	Progress            []ReporterProgress // one per referral, in the order of the report's companies
}

// ReporterProgress is how far one company's part of the case has gone, as its reporter may know
// it: its place among the case's companies (the report's first, then those the secretariat
// added), its stage and, once concluded, its outcome. A company the reporter named carries the
// name they typed, or the member's names when they chose it from the list; a company the
// secretariat added carries no name at all (Named false): the reporter did not name it, and
// that a member buys from the workplace they named is the company's business, not theirs to be
// told. Nothing shared with the company or written by it is here.
type ReporterProgress struct {
	Company      int // 1-based place among the case's companies
	Named        bool
	Name         string // as the reporter typed it; empty when they chose a member
	MemberNameEN string // the member chosen, when Name is empty
	MemberNameJA string
	Stage        grievance.ReferralStage
	Outcome      grievance.Outcome
}

// DisplayName is what the reporter reads for the company: their own words first.
func (p ReporterProgress) DisplayName(lang string) string {
	if !p.Named {
		return ""
	}
	if p.Name != "" {
		return p.Name
	}
	return Member{NameEN: p.MemberNameEN, NameJA: p.MemberNameJA}.DisplayName(lang)
}

// ReporterCase loads the reporter's view of a case.
func (s *Store) ReporterCase(ctx context.Context, caseID int64) (*ReporterCase, error) {
	c := &ReporterCase{ID: caseID}
	var sealed []byte
	var due sql.NullTime
	var stage, outcome string
	var satisfaction sql.NullInt64
	var comment []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT reference, stage, received_at, language, due_at, description_sealed, outcome, satisfaction, satisfaction_comment_sealed FROM cases WHERE id = ?`), caseID).
		Scan(&c.Reference, &stage, &c.ReceivedAt, &c.Language, &due, &sealed, &outcome, &satisfaction, &comment)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Stage, c.DueAt, c.Outcome, c.Satisfaction = grievance.CaseStage(stage), due.Time, grievance.Outcome(outcome), int(satisfaction.Int64)
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	if c.Description, err = key.OpenString(fieldDescription, sealed); err != nil {
		return nil, err
	}
	// The comment is shown again with the rating, so changing only the rating does not erase it.
	if comment != nil {
		if c.SatisfactionComment, err = key.OpenString(fieldSatisfactionComment, comment); err != nil {
			return nil, err
		}
	}
	if c.History, err = s.stageHistory(ctx, caseID, false); err != nil {
		return nil, err
	}
	if c.Progress, err = s.reporterProgress(ctx, key, caseID); err != nil {
		return nil, err
	}
	if c.Messages, err = s.messages(ctx, key, caseID, ThreadReporter); err != nil {
		return nil, err
	}
	all, err := s.attachmentInfos(ctx, key, caseID)
	if err != nil {
		return nil, err
	}
	inThread := map[int64]bool{}
	for _, m := range c.Messages {
		inThread[m.ID] = true
	}
	for _, a := range all {
		if a.MessageID == 0 || inThread[a.MessageID] {
			c.Attachments = append(c.Attachments, a)
		}
	}
	return c, nil
}

// reporterProgress reads the stage and outcome of each referral of a case, in its company's
// place in the case, with the names the reporter gave.
func (s *Store) reporterProgress(ctx context.Context, key *seal.CaseKey, caseID int64) ([]ReporterProgress, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT cc.position, cc.named_by_reporter, cc.name_sealed, COALESCE(m.name_en, ''), COALESCE(m.name_ja, ''), r.stage, r.outcome
		FROM referrals r JOIN case_companies cc ON cc.id = r.company_id LEFT JOIN members m ON m.id = cc.member_id
		WHERE r.case_id = ? ORDER BY cc.position, r.id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReporterProgress
	for rows.Next() {
		var p ReporterProgress
		var stage, outcome string
		var name []byte
		if err := rows.Scan(&p.Company, &p.Named, &name, &p.MemberNameEN, &p.MemberNameJA, &stage, &outcome); err != nil {
			return nil, err
		}
		p.Company++
		p.Stage, p.Outcome = grievance.ReferralStage(stage), grievance.Outcome(outcome)
		if !p.Named {
			p.MemberNameEN, p.MemberNameJA = "", ""
		} else if p.Name, err = key.OpenString(fieldCompanyName, name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) stageHistory(ctx context.Context, caseID int64, withReferrals bool) ([]StageChange, error) {
	query := `SELECT from_stage, to_stage, at, COALESCE(referral_id, 0) FROM stage_events WHERE case_id = ?`
	if !withReferrals {
		query += ` AND referral_id IS NULL`
	}
	rows, err := s.read.QueryContext(ctx, s.q(query+` ORDER BY id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StageChange
	for rows.Next() {
		var h StageChange
		if err := rows.Scan(&h.From, &h.To, &h.At, &h.Referral); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func codes[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// KB is the file's size as shown beside it, in whole kilobytes, never 0.
func (a AttachmentInfo) KB() int64 { return max(1, (a.Size+1023)/1024) }
