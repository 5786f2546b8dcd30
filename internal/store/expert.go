package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// fieldFindingBody binds a sealed finding to its column.
const fieldFindingBody = "expert_finding.body"

// ErrNotExpert is returned when a case is to be assigned to a user who is not an active expert.
var ErrNotExpert = errors.New("the user is not an active expert")

// CaseExpert is one expert assigned to a case, as the desk sees the assignment.
type CaseExpert struct {
	UserID     int64
	Name       string
	AssignedAt time.Time
	DeclaredAt time.Time // zero until the expert declares no conflict of interest
	ConflictAt time.Time // set when the expert declared a conflict; their access is over
	Note       string    // what the expert wrote with a conflict, if anything
}

// Pending reports whether the expert has not answered the conflict-of-interest declaration yet.
func (e CaseExpert) Pending() bool { return e.DeclaredAt.IsZero() && e.ConflictAt.IsZero() }

// AssignExpert gives a case to an expert of the roster. Assigning again changes nothing (and
// writes no second audit entry), so a double-submitted form is harmless.
func (s *Store) AssignExpert(ctx context.Context, caseID, expertUserID int64, actor Actor) error {
	if actor.Role != string(grievance.RoleHandler) {
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.caseExists(ctx, tx, caseID); err != nil {
			return err
		}
		var role string
		err := tx.QueryRowContext(ctx, s.q(`SELECT role FROM users WHERE id = ? AND disabled_at IS NULL`), expertUserID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && role != string(grievance.RoleExpert)) {
			return ErrNotExpert
		}
		if err != nil {
			return err
		}
		var one int
		err = tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM case_experts WHERE case_id = ? AND user_id = ?`), caseID, expertUserID).Scan(&one)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		now := utc(s.now())
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO case_experts (case_id, user_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)`),
			caseID, expertUserID, now, nullInt(actor.UserID)); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, actor, "expert.assign", caseID, map[string]any{"expert": expertUserID}); err != nil {
			return err
		}
		n := Notice{Kind: grievance.NoticeExpertAssigned, CaseID: caseID, UserID: expertUserID, Key: fmt.Sprintf("%d@%d", expertUserID, now.UnixMicro())}
		_, err = s.enqueueNotice(ctx, tx, n)
		return err
	})
}

// UnassignExpert ends an expert's assignment. Their findings stay in the case.
func (s *Store) UnassignExpert(ctx context.Context, caseID, expertUserID int64, actor Actor) error {
	if actor.Role != string(grievance.RoleHandler) {
		return ErrForbidden
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM case_experts WHERE case_id = ? AND user_id = ?`), caseID, expertUserID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return s.appendAudit(ctx, tx, actor, "expert.unassign", caseID, map[string]any{"expert": expertUserID})
	})
}

// CaseExperts lists the experts assigned to a case, in the order they were assigned.
func (s *Store) CaseExperts(ctx context.Context, caseID int64) ([]CaseExpert, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT e.user_id, u.display_name, e.assigned_at, e.declared_at, e.conflict_at, m.body_sealed
		FROM case_experts e JOIN users u ON u.id = e.user_id LEFT JOIN messages m ON m.id = e.note_message_id
		WHERE e.case_id = ? ORDER BY e.assigned_at, e.user_id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseExpert
	var notes [][]byte
	for rows.Next() {
		var e CaseExpert
		var declared, conflict sql.NullTime
		var note []byte
		if err := rows.Scan(&e.UserID, &e.Name, &e.AssignedAt, &declared, &conflict, &note); err != nil {
			return nil, err
		}
		e.DeclaredAt, e.ConflictAt = declared.Time, conflict.Time
		out = append(out, e)
		notes = append(notes, note)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The case key is opened only when some expert left a note.
	for i, note := range notes {
		if note == nil {
			continue
		}
		key, err := s.caseKey(ctx, s.read, caseID)
		if err != nil {
			return nil, err
		}
		if out[i].Note, err = key.OpenString(fieldMessageBody, note); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExpertCaseRow is one line of an expert's list of cases: clear metadata only, since the
// expert may not have declared yet.
type ExpertCaseRow struct {
	CaseID         int64
	Reference      string
	Stage          grievance.CaseStage
	AssignedAt     time.Time
	DeclaredAt     time.Time // zero: the declaration is pending
	ConflictAt     time.Time // the expert declared a conflict and has no access
	Investigations int       // referrals of the case in investigation
}

// Pending reports whether the expert still has to declare before seeing the case.
func (r ExpertCaseRow) Pending() bool { return r.DeclaredAt.IsZero() && r.ConflictAt.IsZero() }

// Open reports whether the expert may see the case.
func (r ExpertCaseRow) Open() bool { return !r.DeclaredAt.IsZero() && r.ConflictAt.IsZero() }

// ExpertCases lists the cases assigned to an expert, newest assignment first.
func (s *Store) ExpertCases(ctx context.Context, expertUserID int64) ([]ExpertCaseRow, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT c.id, c.reference, c.stage, e.assigned_at, e.declared_at, e.conflict_at,
		(SELECT COUNT(*) FROM referrals r WHERE r.case_id = c.id AND r.stage = ?)
		FROM case_experts e JOIN cases c ON c.id = e.case_id WHERE e.user_id = ? ORDER BY e.assigned_at DESC, c.id DESC`),
		string(grievance.ReferralInvestigation), expertUserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExpertCaseRow
	for rows.Next() {
		var r ExpertCaseRow
		var stage string
		var declared, conflict sql.NullTime
		if err := rows.Scan(&r.CaseID, &r.Reference, &stage, &r.AssignedAt, &declared, &conflict, &r.Investigations); err != nil {
			return nil, err
		}
		r.Stage, r.DeclaredAt, r.ConflictAt = grievance.CaseStage(stage), declared.Time, conflict.Time
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExpertAssignment is where an expert stands with one case, for the declaration page.
type ExpertAssignment struct {
	CaseID     int64
	Reference  string
	AssignedAt time.Time
	DeclaredAt time.Time
	ConflictAt time.Time
}

// ExpertAssignment loads an expert's assignment to a case; ErrNotFound unless assigned. A
// conflicted assignment is returned too, so the page can say why the case is closed to them.
func (s *Store) ExpertAssignment(ctx context.Context, caseID, expertUserID int64) (ExpertAssignment, error) {
	a := ExpertAssignment{CaseID: caseID}
	var declared, conflict sql.NullTime
	err := s.read.QueryRowContext(ctx, s.q(`SELECT c.reference, e.assigned_at, e.declared_at, e.conflict_at
		FROM case_experts e JOIN cases c ON c.id = e.case_id WHERE e.case_id = ? AND e.user_id = ?`), caseID, expertUserID).
		Scan(&a.Reference, &a.AssignedAt, &declared, &conflict)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	a.DeclaredAt, a.ConflictAt = declared.Time, conflict.Time
	return a, err
}

// DeclareNoConflict records the expert's declaration that they have no conflict of interest,
// which opens the case to them. Declaring again keeps the first declaration. An expert who
// declared a conflict cannot take it back (ErrNotFound, as for any case closed to them).
func (s *Store) DeclareNoConflict(ctx context.Context, caseID, expertUserID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var declared, conflict sql.NullTime
		err := tx.QueryRowContext(ctx, s.q(`SELECT declared_at, conflict_at FROM case_experts WHERE case_id = ? AND user_id = ?`+s.forUpdate()), caseID, expertUserID).
			Scan(&declared, &conflict)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && conflict.Valid) {
			return ErrNotFound
		}
		if err != nil || declared.Valid {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE case_experts SET declared_at = ? WHERE case_id = ? AND user_id = ?`), utc(s.now()), caseID, expertUserID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, expertActor(expertUserID), "expert.declare_no_conflict", caseID, nil)
	})
}

// DeclareConflict records that the expert has a conflict of interest: their access ends for
// good, also when they had declared none before. The audit entry carries no text; a note, if
// given, goes sealed to the secretariat's internal thread so that they can assign someone else.
func (s *Store) DeclareConflict(ctx context.Context, caseID, expertUserID int64, note string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var conflict sql.NullTime
		err := tx.QueryRowContext(ctx, s.q(`SELECT conflict_at FROM case_experts WHERE case_id = ? AND user_id = ?`+s.forUpdate()), caseID, expertUserID).Scan(&conflict)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && conflict.Valid) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE case_experts SET conflict_at = ? WHERE case_id = ? AND user_id = ?`), utc(s.now()), caseID, expertUserID); err != nil {
			return err
		}
		actor := expertActor(expertUserID)
		if err := s.appendAudit(ctx, tx, actor, "expert.declare_conflict", caseID, nil); err != nil {
			return err
		}
		if strings.TrimSpace(note) == "" {
			return nil
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		id, err := s.insertMessage(ctx, tx, key, NewMessage{CaseID: caseID, Thread: ThreadInternal, Author: actor, Body: note})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE case_experts SET note_message_id = ? WHERE case_id = ? AND user_id = ?`), id, caseID, expertUserID)
		return err
	})
}

func expertActor(userID int64) Actor {
	return Actor{Role: string(grievance.RoleExpert), UserID: userID}
}

// expertAccess answers ErrNotFound unless the expert is assigned to the case, has declared no
// conflict of interest, and has not declared a conflict: the one gate to everything an expert
// sees or does in a case.
func (s *Store) expertAccess(ctx context.Context, q querier, caseID, expertUserID int64) error {
	var one int
	err := q.QueryRowContext(ctx, s.q(`SELECT 1 FROM case_experts WHERE case_id = ? AND user_id = ? AND declared_at IS NOT NULL AND conflict_at IS NULL`), caseID, expertUserID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func (s *Store) caseExists(ctx context.Context, q querier, caseID int64) error {
	var one int
	err := q.QueryRowContext(ctx, s.q(`SELECT 1 FROM cases WHERE id = ?`), caseID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// ExpertCaseView is what a declared expert sees of a case: the narrative, the referrals and
// their history, and the findings. The reporter's identity is not in it (see ExpertIdentity).
type ExpertCaseView struct {
	ID           int64
	Reference    string
	Stage        grievance.CaseStage
	Country      string
	Categories   []grievance.Category
	ReceivedAt   time.Time
	Anonymous    bool
	Consent      bool // the reporter agreed to share their identity (with companies and experts)
	Description  string
	WhenHappened string
	Site         string
	RemedySought string
	Referrals    []ExpertReferral
	Findings     []Finding
}

// ExpertReferral is one company's part of the case as an expert sees it.
type ExpertReferral struct {
	ID              int64
	MemberID        int64
	MemberNameEN    string
	MemberNameJA    string
	CompanyName     string // as the reporter named the company (for a non-member)
	Stage           grievance.ReferralStage
	Outcome         grievance.Outcome
	RemedyTypes     []grievance.RemedyType
	SharedNarrative string
	History         []ExpertReferralEvent
}

// Name is the company's name in lang: the member's, or as the reporter named a non-member.
func (r ExpertReferral) Name(lang string) string {
	switch {
	case lang == "ja" && r.MemberNameJA != "":
		return r.MemberNameJA
	case r.MemberNameEN != "":
		return r.MemberNameEN
	}
	return r.CompanyName
}

// ExpertReferralEvent is one move of a referral.
type ExpertReferralEvent struct {
	At       time.Time
	From, To grievance.ReferralStage
	Role     grievance.Role
	Code     string
	Reason   string
}

// ExpertCase loads a case for an expert; ErrNotFound unless they are assigned and declared no
// conflict (and did not declare one).
func (s *Store) ExpertCase(ctx context.Context, caseID, expertUserID int64) (*ExpertCaseView, error) {
	if err := s.expertAccess(ctx, s.read, caseID, expertUserID); err != nil {
		return nil, err
	}
	v := &ExpertCaseView{ID: caseID}
	var stage string
	var desc, when, site, remedy []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT reference, stage, country, received_at, anonymous, consent_share_identity,
		description_sealed, when_happened_sealed, site_sealed, remedy_sought_sealed FROM cases WHERE id = ?`), caseID).
		Scan(&v.Reference, &stage, &v.Country, &v.ReceivedAt, &v.Anonymous, &v.Consent, &desc, &when, &site, &remedy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	v.Stage = grievance.CaseStage(stage)
	key, err := s.caseKey(ctx, s.read, caseID)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field  string
		sealed []byte
		into   *string
	}{
		{fieldDescription, desc, &v.Description}, {fieldWhenHappened, when, &v.WhenHappened},
		{fieldSite, site, &v.Site}, {fieldRemedySought, remedy, &v.RemedySought},
	} {
		if f.sealed == nil {
			continue
		}
		if *f.into, err = key.OpenString(f.field, f.sealed); err != nil {
			return nil, fmt.Errorf("open %s: %w", f.field, err)
		}
	}
	cats, err := s.read.QueryContext(ctx, s.q(`SELECT category FROM case_categories WHERE case_id = ? ORDER BY category`), caseID)
	if err != nil {
		return nil, err
	}
	for cats.Next() {
		var c string
		if err := cats.Scan(&c); err != nil {
			cats.Close()
			return nil, err
		}
		v.Categories = append(v.Categories, grievance.Category(c))
	}
	cats.Close()
	if err := cats.Err(); err != nil {
		return nil, err
	}
	if v.Referrals, err = s.expertReferrals(ctx, key, caseID); err != nil {
		return nil, err
	}
	if v.Findings, err = s.findings(ctx, key, caseID); err != nil {
		return nil, err
	}
	return v, nil
}

type opener interface {
	OpenString(field string, sealed []byte) (string, error)
}

func (s *Store) expertReferrals(ctx context.Context, key opener, caseID int64) ([]ExpertReferral, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT r.id, COALESCE(r.member_id, 0), COALESCE(m.name_en, ''), COALESCE(m.name_ja, ''), cc.name_sealed,
		r.stage, r.outcome, r.remedy_types, r.shared_narrative_sealed
		FROM referrals r JOIN case_companies cc ON cc.id = r.company_id LEFT JOIN members m ON m.id = r.member_id
		WHERE r.case_id = ? ORDER BY r.id`), caseID)
	if err != nil {
		return nil, err
	}
	var out []ExpertReferral
	index := map[int64]int{}
	for rows.Next() {
		var r ExpertReferral
		var company, narrative []byte
		var stage, outcome, remedies string
		if err := rows.Scan(&r.ID, &r.MemberID, &r.MemberNameEN, &r.MemberNameJA, &company, &stage, &outcome, &remedies, &narrative); err != nil {
			rows.Close()
			return nil, err
		}
		r.Stage, r.Outcome = grievance.ReferralStage(stage), grievance.Outcome(outcome)
		if remedies != "" {
			for _, t := range strings.Split(remedies, ",") {
				r.RemedyTypes = append(r.RemedyTypes, grievance.RemedyType(t))
			}
		}
		if r.CompanyName, err = key.OpenString(fieldCompanyName, company); err == nil && narrative != nil {
			r.SharedNarrative, err = key.OpenString("referral.shared_narrative", narrative)
		}
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	events, err := s.read.QueryContext(ctx, s.q(`SELECT referral_id, at, from_stage, to_stage, actor_role, code, reason_sealed
		FROM stage_events WHERE case_id = ? AND referral_id IS NOT NULL ORDER BY id`), caseID)
	if err != nil {
		return nil, err
	}
	defer events.Close()
	for events.Next() {
		var referralID int64
		var e ExpertReferralEvent
		var from, to, role string
		var reason []byte
		if err := events.Scan(&referralID, &e.At, &from, &to, &role, &e.Code, &reason); err != nil {
			return nil, err
		}
		e.From, e.To, e.Role = grievance.ReferralStage(from), grievance.ReferralStage(to), grievance.Role(role)
		if reason != nil {
			if e.Reason, err = key.OpenString(fieldStageReason, reason); err != nil {
				return nil, err
			}
		}
		if i, ok := index[referralID]; ok {
			out[i].History = append(out[i].History, e)
		}
	}
	return out, events.Err()
}

// ExpertIdentity opens the reporter's identity for an assigned, declared expert; only with the
// reporter's consent (ErrForbidden otherwise), and audited in the same transaction as the read,
// like CaseIdentity.
func (s *Store) ExpertIdentity(ctx context.Context, caseID, expertUserID int64) (Identity, error) {
	var id Identity
	err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
		if err := s.expertAccess(ctx, tx, caseID, expertUserID); err != nil {
			return err
		}
		id, err = s.openIdentity(ctx, tx, caseID, expertActor(expertUserID), nil)
		return err
	})
	return id, err
}

// Finding is an expert's written finding on a case, about one referral or the whole case.
type Finding struct {
	ID         int64
	CaseID     int64
	ReferralID int64 // 0: about the whole case
	UserID     int64
	AuthorName string
	At         time.Time
	Body       string
}

// AddFinding records an assigned, declared expert's finding, sealed with the case key. A
// referralID of 0 is about the whole case; another must be one of the case's referrals.
func (s *Store) AddFinding(ctx context.Context, caseID, referralID, expertUserID int64, body string) (int64, error) {
	if strings.TrimSpace(body) == "" {
		return 0, errors.New("a finding needs a text")
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.expertAccess(ctx, tx, caseID, expertUserID); err != nil {
			return err
		}
		if referralID != 0 {
			var one int
			err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM referrals WHERE id = ? AND case_id = ?`), referralID, caseID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
		}
		key, err := s.caseKey(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO expert_findings (case_id, referral_id, user_id, at, body_sealed) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			caseID, nullInt(referralID), expertUserID, utc(s.now()), key.SealString(fieldFindingBody, body)).Scan(&id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, expertActor(expertUserID), "expert.finding", caseID, map[string]any{"finding": id, "referral": referralID})
	})
	return id, err
}

// Findings lists a case's findings, oldest first, for the desk (the expert's page gets them
// through ExpertCase, behind the declaration gate).
func (s *Store) Findings(ctx context.Context, caseID int64) ([]Finding, error) {
	key, err := s.caseKey(ctx, s.read, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.findings(ctx, key, caseID)
}

func (s *Store) findings(ctx context.Context, key opener, caseID int64) ([]Finding, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT f.id, f.case_id, COALESCE(f.referral_id, 0), f.user_id, u.display_name, f.at, f.body_sealed
		FROM expert_findings f JOIN users u ON u.id = f.user_id WHERE f.case_id = ? ORDER BY f.id`), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var sealed []byte
		if err := rows.Scan(&f.ID, &f.CaseID, &f.ReferralID, &f.UserID, &f.AuthorName, &f.At, &sealed); err != nil {
			return nil, err
		}
		if f.Body, err = key.OpenString(fieldFindingBody, sealed); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
