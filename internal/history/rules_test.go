package history

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

var tokyo = func() *time.Location {
	z, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return z
}()

// on is a date of column col; "" is a blank cell.
func on(col, ymd string) Date {
	if ymd == "" {
		return Date{From: col}
	}
	t, err := time.ParseInLocation(time.DateOnly, ymd, tokyo)
	if err != nil {
		panic(err)
	}
	return Date{At: t.Add(12 * time.Hour), From: col}
}

// phase builds a console-like phase: name's Start and End columns.
func phase(name string, kind PhaseKind, state PhaseState, start, end string, why string, codes ...string) Phase {
	return Phase{Name: name, Kind: kind, State: state, Start: on(name+" Start", start), End: on(name+" End", end), Why: why, WhyCodes: codes}
}

func notUndertaken(name string, kind PhaseKind) Phase {
	return phase(name, kind, PhaseNotUndertaken, "", "", "")
}

// console builds a record shaped like the Accountability Console's: five phases in its order,
// those not given not undertaken.
func console(status, filed, closed string, given ...Phase) Record {
	rec := Record{Status: status, StatusText: status, Received: on("Filing Date", filed), Closed: on("Date Closed", closed),
		Fallback: on("the fallback date", "2018-06-18")}
	for _, std := range []struct {
		name string
		kind PhaseKind
	}{{"Registration", KindScreening}, {"Eligibility", KindScreening}, {"Dispute Resolution", KindDialogue},
		{"Compliance Review", KindInvestigation}, {"Monitoring", KindMonitoring}} {
		ph := notUndertaken(std.name, std.kind)
		for _, g := range given {
			if g.Name == std.name {
				ph = g
			}
		}
		rec.Phases = append(rec.Phases, ph)
	}
	for _, d := range []Date{rec.Received, rec.Closed} {
		if !d.IsZero() {
			rec.Dates = append(rec.Dates, d)
		}
	}
	for _, ph := range rec.Phases {
		for _, d := range []Date{ph.Start, ph.End} {
			if !d.IsZero() {
				rec.Dates = append(rec.Dates, d)
			}
		}
	}
	return rec
}

// show writes a plan as "stage(code)@date", referral moves prefixed with "r:".
func show(p Plan) string {
	var out []string
	for _, m := range p.Moves {
		s := m.To
		if m.Referral {
			s = "r:" + s
		}
		if m.Code != "" {
			s += "(" + m.Code + ")"
		}
		out = append(out, s+"@"+m.At.In(tokyo).Format(time.DateOnly))
	}
	return strings.Join(out, " ")
}

func TestStageRules(t *testing.T) {
	reg := func(state PhaseState, start, end string) Phase {
		return phase("Registration", KindScreening, state, start, end, "")
	}
	elig := func(state PhaseState, start, end, why string, codes ...string) Phase {
		return phase("Eligibility", KindScreening, state, start, end, why, codes...)
	}
	dr := func(state PhaseState, start, end string) Phase {
		return phase("Dispute Resolution", KindDialogue, state, start, end, "")
	}
	cr := func(state PhaseState, start, end string) Phase {
		return phase("Compliance Review", KindInvestigation, state, start, end, "")
	}
	mon := func(state PhaseState, start, end string) Phase {
		return phase("Monitoring", KindMonitoring, state, start, end, "")
	}
	const (
		ok   = PhaseSucceeded
		fail = PhaseFailed
		busy = PhaseInProgress
	)
	withNCF := func(rec Record, found string) Record { rec.NonComplianceFound = found; return rec }

	tests := []struct {
		name     string
		rec      Record
		received string
		want     string
		notes    []string // each note must contain its string, in order
	}{
		{name: "pre-filed stays received", received: "2017-03-01",
			rec: console(StatusReceived, "2017-03-01", "")},
		{name: "open with nothing undertaken stays received", received: "2017-03-01",
			rec: console(StatusOpen, "2017-03-01", "")},
		{name: "pre-filed with phases: the phases are not replayed", received: "2017-03-01",
			rec:   console(StatusReceived, "2017-03-01", "", reg(ok, "2017-03-02", "2017-03-03")),
			notes: []string{"not taken up"}},
		{name: "registration under way: acknowledged and screening at its start", received: "2015-12-10",
			rec:  console(StatusOpen, "2015-12-10", "", reg(ok, "2015-12-10", "2015-12-16"), elig(busy, "2015-12-16", "", "")),
			want: "acknowledged@2015-12-10 screening@2015-12-10"},
		{name: "registration failed: not accepted at its end, reason from eligibility's why", received: "2013-05-02",
			rec: console("not_resolved", "2013-05-02", "2013-05-20", reg(fail, "2013-05-02", "2013-05-20"),
				elig(PhaseNotUndertaken, "", "", "Outside of mandate, Forwarded to other body within bank", "outside_mandate", "other_proceedings")),
			want: "acknowledged@2013-05-02 screening@2013-05-02 not_accepted(outside_mandate)@2013-05-20"},
		{name: "eligibility failed without a known reason: unrecorded", received: "1998-08-20",
			rec:  console("not_resolved", "1998-08-20", "1998-10-15", elig(fail, "1998-09-01", "1998-10-15", "Unknown", "unrecorded")),
			want: "acknowledged@1998-09-01 screening@1998-09-01 not_accepted(unrecorded)@1998-10-15"},
		{name: "a failed phase without an end is decided at the closing date", received: "2007-01-01",
			rec:  console("not_resolved", "2007-01-01", "2007-01-31", elig(fail, "2007-01-01", "", "", "unrecorded")),
			want: "acknowledged@2007-01-01 screening@2007-01-01 not_accepted(unrecorded)@2007-01-31"},
		{name: "the first reason that says something decides: withdrawn", received: "2011-02-03",
			rec: console("not_resolved", "2011-02-03", "2011-04-08",
				elig(fail, "2011-02-03", "2011-04-08", "Unknown, Complaint withdrawn", "unrecorded", "withdrawn")),
			want: "acknowledged@2011-02-03 screening@2011-02-03 withdrawn@2011-04-08"},
		{name: "the first reason that says something decides: refused", received: "2011-02-03",
			rec: console("not_resolved", "2011-02-03", "2011-04-08",
				elig(fail, "2011-02-03", "2011-04-08", "Outside of mandate, Not desired by complainant", "outside_mandate", "withdrawn")),
			want: "acknowledged@2011-02-03 screening@2011-02-03 not_accepted(outside_mandate)@2011-04-08"},
		{name: "eligible and open: accepted at eligibility's end", received: "2015-01-10",
			rec:  console(StatusOpen, "2015-01-10", "", elig(ok, "2015-01-10", "2015-03-01", "")),
			want: "acknowledged@2015-01-10 screening@2015-01-10 accepted@2015-03-01"},
		{name: "registration passed, eligibility not reached: still screening", received: "2015-12-10",
			rec:  console(StatusOpen, "2015-12-10", "", reg(ok, "2015-12-10", "2015-12-16")),
			want: "acknowledged@2015-12-10 screening@2015-12-10"},
		{name: "eligibility failed but status open: left in screening", received: "2016-10-10",
			rec:   console(StatusOpen, "2016-10-10", "", reg(ok, "2016-10-10", "2016-10-20"), elig(fail, "2016-10-20", "2016-12-20", "", "unrecorded")),
			want:  "acknowledged@2016-10-10 screening@2016-10-10",
			notes: []string{"Eligibility ended without outcome but the status is open"}},
		{name: "eligibility failed but a later phase followed: accepted", received: "2014-12-19",
			rec: console(StatusOpen, "2014-12-19", "", reg(ok, "2014-12-19", "2015-09-28"), elig(fail, "2015-09-28", "", "Other", "unrecorded"),
				cr(ok, "2016-02-01", "2016-10-13"), mon(busy, "2016-10-13", "")),
			want: "acknowledged@2014-12-19 screening@2014-12-19 accepted@2016-02-01 r:responded@2016-02-01 r:investigation@2016-02-01 " +
				"r:remedy_agreed@2016-10-13 r:monitoring@2016-10-13"},
		{name: "agreement then monitoring, still open", received: "2012-03-15",
			rec: console(StatusOpen, "2012-03-15", "", reg(ok, "2012-03-15", "2012-03-20"), elig(ok, "2012-03-20", "2012-04-01", ""),
				dr(ok, "2012-04-01", "2014-05-01"), mon(busy, "2014-05-01", "")),
			want: "acknowledged@2012-03-15 screening@2012-03-15 accepted@2012-04-01 r:responded@2012-04-01 r:dialogue@2012-04-01 " +
				"r:remedy_agreed@2014-05-01 r:monitoring@2014-05-01"},
		{name: "agreement closed without monitoring passes monitoring at the close", received: "2010-01-05",
			rec: console("resolved", "2010-01-05", "2010-09-30", elig(ok, "2010-01-05", "2010-02-01", ""), dr(ok, "2010-02-01", "2010-08-01")),
			want: "acknowledged@2010-01-05 screening@2010-01-05 accepted@2010-02-01 r:responded@2010-02-01 r:dialogue@2010-02-01 " +
				"r:remedy_agreed@2010-08-01 r:monitoring@2010-09-30 r:concluded(resolved)@2010-09-30 closed(resolved)@2010-09-30",
			notes: []string{"from remedy_agreed to concluded: passed through monitoring"}},
		{name: "dialogue failed, closed without results", received: "2016-06-06",
			rec: console("not_resolved", "2016-06-06", "2017-03-01", elig(ok, "2016-06-06", "2016-07-06", ""), dr(fail, "2016-08-01", "2017-02-01")),
			want: "acknowledged@2016-06-06 screening@2016-06-06 accepted@2016-07-06 r:responded@2016-08-01 r:dialogue@2016-08-01 " +
				"r:concluded(not_resolved)@2017-03-01 closed(not_resolved)@2017-03-01"},
		{name: "compliance review without non-compliance: not substantiated", received: "2011-04-01",
			rec: withNCF(console("not_resolved", "2011-04-01", "2012-07-31", elig(ok, "2011-04-01", "2011-05-01", ""), cr(ok, "2011-06-01", "2012-06-01")), "no"),
			want: "acknowledged@2011-04-01 screening@2011-04-01 accepted@2011-05-01 r:responded@2011-06-01 r:investigation@2011-06-01 " +
				"r:concluded(not_substantiated)@2012-07-31 closed(not_substantiated)@2012-07-31"},
		{name: "compliance review with non-compliance stays not resolved", received: "2011-04-01",
			rec: withNCF(console("not_resolved", "2011-04-01", "2012-07-31", elig(ok, "2011-04-01", "2011-05-01", ""), cr(ok, "2011-06-01", "2012-06-01")), "yes"),
			want: "acknowledged@2011-04-01 screening@2011-04-01 accepted@2011-05-01 r:responded@2011-06-01 r:investigation@2011-06-01 " +
				"r:concluded(not_resolved)@2012-07-31 closed(not_resolved)@2012-07-31"},
		{name: "compliance review still under way: not substantiated needs a finished review", received: "2011-04-01",
			rec: withNCF(console("not_resolved", "2011-04-01", "2012-07-31", elig(ok, "2011-04-01", "2011-05-01", ""), cr(busy, "2011-06-01", "")), "no"),
			want: "acknowledged@2011-04-01 screening@2011-04-01 accepted@2011-05-01 r:responded@2011-06-01 r:investigation@2011-06-01 " +
				"r:concluded(not_resolved)@2012-07-31 closed(not_resolved)@2012-07-31"},
		{name: "review, monitoring, closed with results", received: "2007-07-01",
			rec: withNCF(console("resolved", "2007-07-01", "2010-06-30", elig(ok, "2007-07-01", "2007-08-01", ""), cr(ok, "2007-09-01", "2008-09-01"),
				mon(ok, "2008-10-01", "2010-06-01")), "yes"),
			want: "acknowledged@2007-07-01 screening@2007-07-01 accepted@2007-08-01 r:responded@2007-09-01 r:investigation@2007-09-01 " +
				"r:remedy_agreed@2008-10-01 r:monitoring@2008-10-01 r:concluded(resolved)@2010-06-30 closed(resolved)@2010-06-30"},
		{name: "registration failed but closed with results outside the process: accepted", received: "2014-11-02",
			rec: console("resolved", "2014-11-02", "2014-12-01", reg(fail, "2014-11-02", "2014-12-01"),
				elig(PhaseNotUndertaken, "", "", "Addressed outside process", "other_proceedings")),
			want: "acknowledged@2014-11-02 screening@2014-11-02 accepted@2014-12-01 r:responded@2014-12-01 " +
				"r:concluded(resolved)@2014-12-01 closed(resolved)@2014-12-01",
			notes: []string{"Registration ended without outcome but the status is closed with a result"}},
		{name: "closed with no phase and no closing date: everything on the latest date", received: "2017-06-20",
			rec: console("not_resolved", "2017-06-20", ""),
			want: "acknowledged@2017-06-20 screening@2017-06-20 accepted@2017-06-20 r:responded@2017-06-20 " +
				"r:concluded(not_resolved)@2017-06-20 closed(not_resolved)@2017-06-20",
			notes: []string{"no screening outcome in the source"}},
		{name: "no date at all: the fallback date", received: "2018-06-18",
			rec: console("resolved", "", ""),
			want: "acknowledged@2018-06-18 screening@2018-06-18 accepted@2018-06-18 r:responded@2018-06-18 " +
				"r:concluded(resolved)@2018-06-18 closed(resolved)@2018-06-18",
			notes: []string{"no date in the row", "no screening outcome"}},
		{name: "blank filing date: received on the earliest date", received: "2013-02-11",
			rec:   console(StatusOpen, "", "", reg(ok, "2013-02-11", ""), elig(busy, "2013-02-12", "", "")),
			want:  "acknowledged@2013-02-11 screening@2013-02-11",
			notes: []string{"Filing Date is blank: received dated as Registration Start"}},
		{name: "an end before its start is moved up to it", received: "2009-06-02",
			rec:   console(StatusOpen, "2009-06-02", "", elig(ok, "2009-06-02", "2009-06-01", ""), dr(busy, "2009-12-01", "")),
			want:  "acknowledged@2009-06-02 screening@2009-06-02 accepted@2009-06-02 r:responded@2009-12-01 r:dialogue@2009-12-01",
			notes: []string{"Eligibility End is earlier than Eligibility Start: accepted dated as Eligibility Start"}},
		{name: "closing date before the last phase: closed at the phase's start", received: "2010-01-11",
			rec: console("not_resolved", "2010-01-11", "2010-08-31", elig(ok, "2010-01-11", "2010-02-01", ""), cr(busy, "2011-01-11", "")),
			want: "acknowledged@2010-01-11 screening@2010-01-11 accepted@2010-02-01 r:responded@2011-01-11 r:investigation@2011-01-11 " +
				"r:concluded(not_resolved)@2011-01-11 closed(not_resolved)@2011-01-11",
			notes: []string{"Date Closed is earlier than Compliance Review Start: concluded, closed dated as Compliance Review Start"}},
		{name: "overlapping dialogue and review replay in time order", received: "2009-06-02",
			rec: console("resolved", "2009-06-02", "2013-06-30", elig(ok, "2009-06-02", "2009-07-01", ""), dr(ok, "2009-12-01", "2010-11-01"),
				cr(ok, "2010-06-01", "2011-12-01"), mon(ok, "2010-11-01", "2013-06-01")),
			want: "acknowledged@2009-06-02 screening@2009-06-02 accepted@2009-07-01 r:responded@2009-12-01 r:dialogue@2009-12-01 " +
				"r:investigation@2010-06-01 r:remedy_agreed@2010-11-01 r:monitoring@2010-11-01 r:concluded(resolved)@2013-06-30 closed(resolved)@2013-06-30"},
		{name: "review after an agreement reopens through monitoring", received: "2011-03-21",
			rec: console(StatusOpen, "2011-03-21", "", elig(ok, "2011-03-21", "2011-03-22", ""), dr(ok, "2011-12-01", "2014-11-01"),
				cr(ok, "2015-04-01", "2017-12-12"), mon(busy, "2017-12-12", "")),
			want: "acknowledged@2011-03-21 screening@2011-03-21 accepted@2011-03-22 r:responded@2011-12-01 r:dialogue@2011-12-01 " +
				"r:remedy_agreed@2014-11-01 r:monitoring@2015-04-01 r:dialogue@2015-04-01 r:investigation@2015-04-01 " +
				"r:remedy_agreed@2017-12-12 r:monitoring@2017-12-12",
			notes: []string{"from remedy_agreed to investigation: passed through monitoring, dialogue"}},
		{name: "an undated phase follows the one before it", received: "2004-11-01",
			rec: console("resolved", "2004-11-01", "2005-05-31", elig(ok, "2004-11-01", "2004-11-10", ""), dr(ok, "2004-11-24", ""), mon(ok, "", "2005-05-31")),
			want: "acknowledged@2004-11-01 screening@2004-11-01 accepted@2004-11-10 r:responded@2004-11-24 r:dialogue@2004-11-24 " +
				"r:remedy_agreed@2004-11-24 r:monitoring@2004-11-24 r:concluded(resolved)@2005-05-31 closed(resolved)@2005-05-31"},
		{name: "monitoring with nothing before it passes dialogue", received: "2012-01-05",
			rec: console("not_resolved", "2012-01-05", "2014-03-31", reg(ok, "2012-01-05", ""), elig(ok, "", "", ""), mon(ok, "2014-03-09", "2014-03-31")),
			want: "acknowledged@2012-01-05 screening@2012-01-05 accepted@2014-03-09 r:responded@2014-03-09 r:dialogue@2014-03-09 " +
				"r:remedy_agreed@2014-03-09 r:monitoring@2014-03-09 r:concluded(not_resolved)@2014-03-31 closed(not_resolved)@2014-03-31",
			notes: []string{"from forwarded to monitoring: passed through dialogue"}},
		{name: "a withdrawn status withdraws an accepted case at the closing date", received: "2020-01-06",
			rec:  console("withdrawn", "2020-01-06", "2020-05-01", elig(ok, "2020-01-06", "2020-02-01", "")),
			want: "acknowledged@2020-01-06 screening@2020-01-06 accepted@2020-02-01 withdrawn@2020-05-01"},
		{name: "a simple sheet: acknowledged date, one decision", received: "2022-04-01",
			rec: Record{Status: "partially_resolved", Received: on("Received", "2022-04-01"), Acknowledged: on("Acknowledged", "2022-04-03"),
				Closed: on("Closed", "2022-09-30"),
				Phases: []Phase{{Name: "Decision", Kind: KindScreening, State: PhaseSucceeded, End: on("Decision date", "2022-05-01")}}},
			want: "acknowledged@2022-04-03 screening@2022-04-03 accepted@2022-05-01 r:responded@2022-09-30 " +
				"r:concluded(partially_resolved)@2022-09-30 closed(partially_resolved)@2022-09-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanRecord(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Received.In(tokyo).Format(time.DateOnly); got != tc.received {
				t.Errorf("received %s, want %s", got, tc.received)
			}
			if got := show(p); got != tc.want {
				t.Errorf("moves\n got %s\nwant %s", got, tc.want)
			}
			if len(p.Notes) != len(tc.notes) {
				t.Fatalf("notes %q, want %d like %q", p.Notes, len(tc.notes), tc.notes)
			}
			for i, n := range tc.notes {
				if !strings.Contains(p.Notes[i], n) {
					t.Errorf("note %d: %q, want it to say %q", i, p.Notes[i], n)
				}
			}
			for _, m := range p.Moves {
				if m.At.In(tokyo).Hour() != 12 {
					t.Errorf("%s at %v: dates are placed at noon in the platform's zone", m.To, m.At)
				}
			}
		})
	}
}

// A not-accepted or withdrawn move keeps the source's full "why" as its (sealed) reason; a move
// back from monitoring, which the rules require a reason for, gets one.
func TestStageRulesKeepTheWhy(t *testing.T) {
	why := "Outside of mandate, Forwarded to other body within bank, Outside of mandate"
	rec := console("not_resolved", "2013-08-26", "2013-08-31",
		phase("Eligibility", KindScreening, PhaseFailed, "2013-08-27", "2013-08-31", why, "outside_mandate", "other_proceedings", "outside_mandate"))
	p, err := PlanRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	last := p.Moves[len(p.Moves)-1]
	if last.To != "not_accepted" || last.Code != "outside_mandate" || last.Reason != why {
		t.Fatalf("last move %+v", last)
	}

	rec = console(StatusOpen, "2011-03-21", "", phase("Eligibility", KindScreening, PhaseSucceeded, "2011-03-21", "2011-03-22", ""),
		phase("Dispute Resolution", KindDialogue, PhaseSucceeded, "2011-12-01", "2014-11-01", ""),
		phase("Compliance Review", KindInvestigation, PhaseInProgress, "2015-04-01", "", ""))
	p, err = PlanRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range p.Moves {
		if m.Referral && m.To == "dialogue" && i > 0 && p.Moves[i-1].To == "monitoring" && m.Reason == "" {
			t.Fatalf("the move back from monitoring to dialogue has no reason: %+v", p.Moves)
		}
	}
}

// The paths between stages come from the transition tables, so every planned history is legal
// by construction; the table tests above show which. Here: a gap the tables cannot bridge fails.
func TestStagePathsFollowTheTables(t *testing.T) {
	if got := casePath("received", "accepted"); strings.Join(toStrings(got), ",") != "acknowledged,screening,accepted" {
		t.Fatalf("received → accepted: %v", got)
	}
	if got := referralPath("remedy_agreed", "concluded"); strings.Join(toStrings(got), ",") != "monitoring,concluded" {
		t.Fatalf("remedy_agreed → concluded: %v", got)
	}
	if got := casePath("closed", "accepted"); got != nil {
		t.Fatalf("closed → accepted: %v", got)
	}
	if got := referralPath("concluded", "dialogue"); got != nil {
		t.Fatalf("concluded → dialogue: %v", got)
	}
}

func toStrings[S ~string](list []S) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}

// A status that only says "closed" takes its outcome from the outcome column; a case that was
// taken up and closed needs one.
func TestClosedStatusTakesTheOutcomeColumn(t *testing.T) {
	decision := func(state PhaseState) Phase {
		return Phase{Name: "Decision", Kind: KindScreening, State: state, End: on("Decision date", "2023-05-15"), Why: "Not a human-rights matter",
			WhyCodes: []string{"not_human_rights"}}
	}
	rec := Record{Status: StatusClosed, Received: on("Received", "2023-05-01"), Closed: on("Closed", "2023-05-20"),
		Phases: []Phase{decision(PhaseFailed)}}
	p, err := PlanRecord(rec)
	if err != nil || show(p) != "acknowledged@2023-05-01 screening@2023-05-01 not_accepted(not_human_rights)@2023-05-15" {
		t.Fatalf("refused and closed: %s, %v", show(p), err)
	}
	rec.Phases, rec.Outcome = []Phase{decision(PhaseSucceeded)}, "resolved"
	if p, err = PlanRecord(rec); err != nil || !strings.HasSuffix(show(p), "closed(resolved)@2023-05-20") {
		t.Fatalf("accepted and closed as resolved: %s, %v", show(p), err)
	}
	rec.Outcome = ""
	if _, err := PlanRecord(rec); err == nil || !strings.Contains(err.Error(), "no outcome") {
		t.Fatalf("accepted and closed without an outcome: %v", err)
	}
}
