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

// The member portal's reads and writes. Every method takes the member company the caller acts
// for and answers ErrNotFound for anything that is not that company's, so that scoping lives
// here and not only in the pages: a member user who changes an id in a URL reaches nothing,
// not even another company's referral on the same case.

// MemberReferralRow is one line of a company's list of referrals: clear metadata only.
type MemberReferralRow struct {
	ID          int64
	Reference   string
	CaseStage   grievance.CaseStage
	Stage       grievance.ReferralStage
	ForwardedAt time.Time
	DueAt       time.Time // zero when no deadline applies
	Escalated   bool      // the company missed its initial-response deadline
	Overdue     bool
	Country     string
	Categories  []grievance.Category
	// New: someone other than the viewer moved this referral or wrote in its company thread
	// since the viewer last opened it. Only the referral's own events count: the case's other
	// threads and another company's referral on the same case never show here.
	New bool
}

// MemberReferrals lists memberID's referrals, those with the nearest deadline first, then the
// rest (concluded ones, say) newest first, marked new as they are for viewer (a user of that
// company).
func (s *Store) MemberReferrals(ctx context.Context, memberID, viewer int64, now time.Time) ([]MemberReferralRow, error) {
	if memberID == 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT r.id, r.case_id, c.reference, c.stage, r.stage, r.forwarded_at, r.due_at, c.country,
		r.activity_at, r.activity_by, r.activity_other_at, s.seen_at
		FROM referrals r JOIN cases c ON c.id = r.case_id
		LEFT JOIN case_seen s ON s.user_id = ? AND s.case_id = r.case_id
		WHERE r.member_id = ?
		ORDER BY CASE WHEN r.due_at IS NULL THEN 1 ELSE 0 END, r.due_at, r.id DESC`), viewer, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberReferralRow
	byCase := map[int64][]int{}
	for rows.Next() {
		var m MemberReferralRow
		var caseID int64
		var caseStage, stage string
		var due, seen sql.NullTime
		var events activity
		if err := rows.Scan(&m.ID, &caseID, &m.Reference, &caseStage, &stage, &m.ForwardedAt, &due, &m.Country,
			&events.at, &events.by, &events.otherAt, &seen); err != nil {
			return nil, err
		}
		m.New = viewer != 0 && events.newFor(viewer, seen.Time)
		m.CaseStage, m.Stage, m.DueAt = grievance.CaseStage(caseStage), grievance.ReferralStage(stage), due.Time
		m.Escalated = grievance.Escalated(m.Stage, m.DueAt, now)
		m.Overdue = grievance.Overdue(m.DueAt, now)
		byCase[caseID] = append(byCase[caseID], len(out))
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// One query for every case's categories, rather than one per referral.
	cats, err := s.read.QueryContext(ctx, s.q(`SELECT DISTINCT cc.case_id, cc.category FROM case_categories cc
		JOIN referrals r ON r.case_id = cc.case_id WHERE r.member_id = ? ORDER BY cc.case_id, cc.category`), memberID)
	if err != nil {
		return nil, err
	}
	defer cats.Close()
	for cats.Next() {
		var caseID int64
		var c string
		if err := cats.Scan(&caseID, &c); err != nil {
			return nil, err
		}
		for _, i := range byCase[caseID] {
			out[i].Categories = append(out[i].Categories, grievance.Category(c))
		}
	}
	return out, cats.Err()
}

// ReferralEvent is one line of a referral's history as its company sees it.
type ReferralEvent struct {
	From, To  grievance.ReferralStage
	At        time.Time
	ActorRole string // who moved it: handler, member, expert, system (never a name)
	Code      string // the outcome, if any
	Reason    string // the reason given for this referral's move (an assessment, a plan, …)
}

// MemberReferralView is a referral as its company sees it: what the secretariat chose to share
// and the company's own conversation with the secretariat. It never holds the reporter's own
// description, the reporter⇄secretariat or internal threads, the identity (see
// MemberReferralIdentity), or anything of another company's referral on the same case.
type MemberReferralView struct {
	ID              int64
	CaseID          int64 // for the store's own use; not a thing to show
	Reference       string
	CaseStage       grievance.CaseStage
	Stage           grievance.ReferralStage
	Country         string
	Categories      []grievance.Category
	Relation        grievance.Relation
	ReceivedAt      time.Time
	ForwardedAt     time.Time
	DueAt           time.Time
	SharedNarrative string // what the handler wrote for this company
	IdentityShared  bool   // the handler shared the identity, with the reporter's consent
	Outcome         grievance.Outcome
	RemedyTypes     []grievance.RemedyType
	History         []ReferralEvent
	Messages        []Message        // the company thread of this referral
	MessageFiles    []AttachmentInfo // files of those messages (MessageID says which)
	SharedFiles     []AttachmentInfo // the reporter's files the handler shared with this referral
	Monitoring      []MonitoringCheck
}

// memberReferral reads a referral's case and company, or ErrNotFound when it is not memberID's.
func (s *Store) memberReferral(ctx context.Context, q querier, memberID, referralID int64) (caseID int64, err error) {
	var owner sql.NullInt64
	err = q.QueryRowContext(ctx, s.q(`SELECT case_id, member_id FROM referrals WHERE id = ?`), referralID).Scan(&caseID, &owner)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (memberID == 0 || !owner.Valid || owner.Int64 != memberID)) {
		return 0, ErrNotFound
	}
	return caseID, err
}

// MemberReferral loads memberID's view of one of its referrals.
func (s *Store) MemberReferral(ctx context.Context, memberID, referralID int64) (*MemberReferralView, error) {
	if _, err := s.memberReferral(ctx, s.read, memberID, referralID); err != nil {
		return nil, err
	}
	v := &MemberReferralView{ID: referralID}
	var caseStage, stage, relation, outcome, remedies string
	var due sql.NullTime
	var narrative []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT r.case_id, c.reference, c.stage, r.stage, c.country, cc.relation, c.received_at, r.forwarded_at,
		r.due_at, r.share_identity, r.outcome, r.remedy_types, r.shared_narrative_sealed
		FROM referrals r JOIN cases c ON c.id = r.case_id JOIN case_companies cc ON cc.id = r.company_id
		WHERE r.id = ?`), referralID).
		Scan(&v.CaseID, &v.Reference, &caseStage, &stage, &v.Country, &relation, &v.ReceivedAt, &v.ForwardedAt,
			&due, &v.IdentityShared, &outcome, &remedies, &narrative)
	if err != nil {
		return nil, err
	}
	v.CaseStage, v.Stage, v.Relation, v.Outcome, v.DueAt = grievance.CaseStage(caseStage), grievance.ReferralStage(stage),
		grievance.Relation(relation), grievance.Outcome(outcome), due.Time
	for _, t := range strings.Split(remedies, ",") {
		if t != "" {
			v.RemedyTypes = append(v.RemedyTypes, grievance.RemedyType(t))
		}
	}
	key, err := s.caseKey(ctx, s.read, v.CaseID)
	if err != nil {
		return nil, err
	}
	if v.SharedNarrative, err = key.OpenString(fieldMemberNarrative, narrative); err != nil {
		return nil, err
	}
	if v.Categories, err = s.caseCategories(ctx, v.CaseID); err != nil {
		return nil, err
	}
	if v.History, err = s.referralHistory(ctx, key, v.CaseID, referralID); err != nil {
		return nil, err
	}
	if v.Messages, err = s.companyThread(ctx, key, v.CaseID, referralID); err != nil {
		return nil, err
	}
	if v.MessageFiles, err = s.companyThreadFiles(ctx, key, v.CaseID, referralID); err != nil {
		return nil, err
	}
	if v.SharedFiles, err = s.referralSharedFiles(ctx, v.CaseID, referralID); err != nil {
		return nil, err
	}
	if v.Monitoring, err = s.monitoringChecks(ctx, key, referralID); err != nil {
		return nil, err
	}
	return v, nil
}

// fieldMemberNarrative is the field stage.go seals a referral's shared narrative under.
const fieldMemberNarrative = "referral.shared_narrative"

func (s *Store) caseCategories(ctx context.Context, caseID int64) ([]grievance.Category, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT category FROM case_categories WHERE case_id = ? ORDER BY category`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []grievance.Category
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, grievance.Category(c))
	}
	return out, rows.Err()
}

// referralHistory is one referral's stage events with their reasons; the case's own events and
// other referrals' never appear.
func (s *Store) referralHistory(ctx context.Context, key *seal.CaseKey, caseID, referralID int64) ([]ReferralEvent, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT from_stage, to_stage, at, actor_role, code, reason_sealed
		FROM stage_events WHERE case_id = ? AND referral_id = ? ORDER BY id`), caseID, referralID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReferralEvent
	for rows.Next() {
		var e ReferralEvent
		var from, to string
		var reason []byte
		if err := rows.Scan(&from, &to, &e.At, &e.ActorRole, &e.Code, &reason); err != nil {
			return nil, err
		}
		e.From, e.To = grievance.ReferralStage(from), grievance.ReferralStage(to)
		if e.Reason, err = key.OpenString(fieldStageReason, reason); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// companyThread is the company⇄secretariat thread of one referral.
func (s *Store) companyThread(ctx context.Context, key *seal.CaseKey, caseID, referralID int64) ([]Message, error) {
	return s.openMessages(ctx, key, `case_id = ? AND thread = ? AND referral_id = ?`, caseID, ThreadCompany, referralID)
}

func (s *Store) companyThreadFiles(ctx context.Context, key *seal.CaseKey, caseID, referralID int64) ([]AttachmentInfo, error) {
	return s.openAttachmentInfos(ctx, key, `case_id = ? AND message_id IN (SELECT id FROM messages WHERE case_id = ? AND thread = ? AND referral_id = ?)`,
		caseID, caseID, ThreadCompany, referralID)
}

// referralSharedFiles lists the reporter's files shared with a referral that can actually be
// given to the company (MayShareFile: only through a copy without metadata; the desk checks
// this when sharing, and it is checked again here in case a file was shared otherwise, or
// before files other than images needed a copy).
// Their names are not the reporter's (a file name can name its author) but neutral ones.
func (s *Store) referralSharedFiles(ctx context.Context, caseID, referralID int64) ([]AttachmentInfo, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT a.id, a.content_type, a.size_bytes, a.shareable_sealed IS NOT NULL
		FROM referral_attachments ra JOIN attachments a ON a.id = ra.attachment_id
		WHERE ra.referral_id = ? AND a.case_id = ? ORDER BY a.id`), referralID, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AttachmentInfo
	for rows.Next() {
		var a AttachmentInfo
		if err := rows.Scan(&a.ID, &a.ContentType, &a.Size, &a.Shareable); err != nil {
			return nil, err
		}
		if !MayShareFile(a) {
			continue
		}
		a.ContentType = media.CopyType(a.ContentType)
		a.Name = sharedFileName(a.ID, a.ContentType)
		out = append(out, a)
	}
	return out, rows.Err()
}

// sharedFileName names a reporter's file for a company without the reporter's own file name.
func sharedFileName(id int64, contentType string) string {
	ext := map[string]string{
		"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
		"application/pdf": ".pdf", "audio/mpeg": ".mp3", "audio/wave": ".wav", "application/ogg": ".ogg",
		"audio/aiff": ".aiff", "video/mp4": ".mp4", "video/webm": ".webm", "audio/mp4": ".m4a",
	}[contentType]
	if ext == "" && strings.HasPrefix(contentType, "text/plain") {
		ext = ".txt"
	}
	return fmt.Sprintf("document-%d%s", id, ext)
}

// MemberReferralIdentity opens the reporter's identity for a member user, only when the handler
// shared it with this company (which it may only do with the reporter's consent) and the consent
// still stands. Every display is audited in the same transaction as the read.
func (s *Store) MemberReferralIdentity(ctx context.Context, memberID, referralID int64, actor Actor) (Identity, error) {
	var id Identity
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if actor.Role != string(grievance.RoleMember) || actor.MemberID != memberID {
			return ErrNotFound
		}
		caseID, err := s.memberReferral(ctx, tx, memberID, referralID)
		if err != nil {
			return err
		}
		var shared bool
		if err := tx.QueryRowContext(ctx, s.q(`SELECT share_identity FROM referrals WHERE id = ?`), referralID).Scan(&shared); err != nil {
			return err
		}
		if !shared {
			return ErrForbidden
		}
		id, err = s.openIdentity(ctx, tx, caseID, actor, map[string]any{"referral": referralID})
		return err
	})
	return id, err
}

// MemberAttachment opens a file for a member user: one the handler shared with this referral
// (a reporter's file only as its copy without metadata, under a neutral name) or one attached
// to this referral's company thread. Any other file, even of the same case, is ErrNotFound.
// Every download is audited in the same transaction as the read.
func (s *Store) MemberAttachment(ctx context.Context, memberID, referralID, attachmentID int64, actor Actor) (AttachmentInfo, []byte, error) {
	var a AttachmentInfo
	var data []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if actor.Role != string(grievance.RoleMember) || actor.MemberID != memberID {
			return ErrNotFound
		}
		caseID, err := s.memberReferral(ctx, tx, memberID, referralID)
		if err != nil {
			return err
		}
		var shared, inThread bool
		err = tx.QueryRowContext(ctx, s.q(`SELECT
			EXISTS (SELECT 1 FROM referral_attachments WHERE referral_id = ? AND attachment_id = a.id),
			EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id AND m.case_id = a.case_id AND m.thread = ? AND m.referral_id = ?)
			FROM attachments a WHERE a.id = ? AND a.case_id = ?`), referralID, ThreadCompany, referralID, attachmentID, caseID).
			Scan(&shared, &inThread)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !shared && !inThread) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		f, err := s.storedFile(ctx, tx, caseID, attachmentID)
		if err != nil {
			return err
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		// A file written in this company's thread (by the company or to it) is given as it is;
		// the reporter's file only as its copy without metadata, and a file without one never
		// leaves the secretariat.
		useCopy := !inThread
		if useCopy && !MayShareFile(f.AttachmentInfo) {
			return ErrNotFound
		}
		if a, data, err = f.open(key, useCopy); err != nil {
			return err
		}
		if useCopy {
			a.ContentType = media.CopyType(a.ContentType)
			a.Name, a.MessageID = sharedFileName(a.ID, a.ContentType), 0
		}
		a.Size = int64(len(data))
		return s.appendAudit(ctx, tx, actor, "attachment.download", caseID, map[string]any{"referral": referralID, "attachment": attachmentID, "copy": useCopy})
	})
	if err != nil {
		return AttachmentInfo{}, nil, err
	}
	return a, data, nil
}

// MemberMessage adds a member user's message (and files) to the company thread of one of its
// company's referrals. Any other referral is ErrNotFound.
func (s *Store) MemberMessage(ctx context.Context, memberID, referralID int64, body string, files []grievance.Attachment, actor Actor) (int64, error) {
	if actor.Role != string(grievance.RoleMember) || actor.MemberID != memberID {
		return 0, ErrNotFound
	}
	caseID, err := s.memberReferral(ctx, s.read, memberID, referralID)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(body) == "" && len(files) == 0 {
		return 0, grievance.FieldErrors{"body": "required"}
	}
	return s.CreateMessage(ctx, NewMessage{CaseID: caseID, Thread: ThreadCompany, ReferralID: referralID, Author: actor, Body: body, Attachments: files})
}

// NeutralFileName is the name a file is given beyond the secretariat: its number and the
// extension of its type, nothing of what it is about.
func NeutralFileName(id int64, contentType string) string { return sharedFileName(id, contentType) }
