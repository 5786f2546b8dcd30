// Package demo makes fictional data: synthetic case histories for seeding and benchmarks, and a
// small, hand-shaped demo installation for `remedy serve --demo`. Nothing here is real: member
// companies, people, addresses and stories are invented.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

type choice[T any] struct {
	v T
	w float64
}

func pick[T any](rng *rand.Rand, cs []choice[T]) T {
	total := 0.0
	for _, c := range cs {
		total += c.w
	}
	x := rng.Float64() * total
	for _, c := range cs {
		if x < c.w {
			return c.v
		}
		x -= c.w
	}
	return cs[len(cs)-1].v
}

// Weighted toward Asian supply chains, as reports to a Japanese joint platform are.
var countries = []choice[string]{
	{"JP", 18}, {"VN", 12}, {"TH", 9}, {"ID", 9}, {"MY", 8}, {"CN", 8}, {"MM", 7}, {"BD", 7},
	{"KH", 6}, {"PH", 6}, {"IN", 6}, {"NP", 4}, {"SA", 1}, {"AE", 1}, {"US", 1.5}, {"GB", 1},
	{"TR", 1}, {"MX", 1}, {"BR", 1}, {"ET", 0.5}, {"KE", 0.5},
}

// Reporters write in their own language: migrant workers in Japan, Malaysia, Thailand and the
// Gulf often in their home country's.
var countryLanguages = map[string][]choice[string]{
	"JP": {{"ja", 55}, {"vi", 15}, {"id", 8}, {"my", 6}, {"ne", 5}, {"tl", 4}, {"zh-Hans", 4}, {"en", 3}},
	"VN": {{"vi", 95}, {"en", 5}},
	"TH": {{"th", 65}, {"my", 25}, {"km", 10}},
	"ID": {{"id", 95}, {"en", 5}},
	"MY": {{"ms", 45}, {"en", 15}, {"ne", 12}, {"bn", 12}, {"my", 10}, {"id", 6}},
	"CN": {{"zh-Hans", 95}, {"en", 5}},
	"MM": {{"my", 95}, {"en", 5}},
	"BD": {{"bn", 95}, {"en", 5}},
	"KH": {{"km", 95}, {"en", 5}},
	"PH": {{"tl", 70}, {"en", 30}},
	"IN": {{"en", 100}},
	"NP": {{"ne", 95}, {"en", 5}},
	"SA": {{"ar", 40}, {"ne", 20}, {"bn", 20}, {"tl", 10}, {"en", 10}},
	"AE": {{"ar", 35}, {"en", 25}, {"ne", 15}, {"bn", 15}, {"tl", 10}},
}

var sites = map[string][]string{
	"JP": {"Aichi", "Gifu", "Ibaraki", "Hiroshima", "Kumamoto"},
	"VN": {"Binh Duong", "Dong Nai", "Hai Phong", "Bac Ninh"},
	"TH": {"Samut Sakhon", "Chonburi", "Rayong", "Tak"},
	"ID": {"Bekasi", "Karawang", "Batam", "Riau"},
	"MY": {"Penang", "Johor", "Selangor", "Sabah"},
	"CN": {"Dongguan", "Suzhou", "Ningbo", "Xiamen"},
	"MM": {"Yangon", "Bago", "Hlaing Tharyar"},
	"BD": {"Gazipur", "Savar", "Narayanganj", "Chattogram"},
	"KH": {"Phnom Penh", "Kandal", "Kampong Speu"},
	"PH": {"Cavite", "Laguna", "Cebu"},
	"IN": {"Tiruppur", "Bengaluru", "Noida"},
	"NP": {"Kathmandu", "Biratnagar"},
}

var categories = []choice[grievance.Category]{
	{"wages_benefits", 22}, {"working_hours", 15}, {"occupational_safety_health", 14},
	{"recruitment_migrant_workers", 14}, {"harassment_violence", 12}, {"discrimination", 5},
	{"freedom_of_association", 5}, {"forced_labour", 3}, {"retaliation", 2}, {"land_livelihoods", 2},
	{"environment_health", 2}, {"child_labour", 1.5}, {"privacy_data_ai", 1}, {"other", 0.5},
	{"indigenous_peoples", 0.5}, {"human_rights_defenders", 0.5},
}

// companions are categories that tend to come with the first one.
var companions = map[grievance.Category][]grievance.Category{
	"wages_benefits":              {"working_hours", "retaliation"},
	"working_hours":               {"wages_benefits", "occupational_safety_health"},
	"occupational_safety_health":  {"working_hours", "environment_health"},
	"recruitment_migrant_workers": {"forced_labour", "wages_benefits", "discrimination"},
	"harassment_violence":         {"discrimination", "retaliation"},
	"forced_labour":               {"recruitment_migrant_workers", "wages_benefits"},
	"freedom_of_association":      {"retaliation"},
	"child_labour":                {"working_hours"},
	"land_livelihoods":            {"indigenous_peoples", "environment_health"},
}

func topicOf(c grievance.Category) topic {
	switch c {
	case "wages_benefits":
		return topicWages
	case "working_hours", "child_labour":
		return topicHours
	case "occupational_safety_health", "environment_health":
		return topicSafety
	case "recruitment_migrant_workers", "forced_labour":
		return topicRecruitment
	case "harassment_violence", "discrimination":
		return topicHarassment
	}
	return topicGeneral
}

var channels = []choice[grievance.Channel]{
	{"web", 55}, {"email", 14}, {"member_desk", 10}, {"phone", 8}, {"api", 5}, {"in_person", 5}, {"letter", 3},
}

var reporterTypes = []choice[grievance.ReporterType]{
	{"affected_person", 55}, {"ngo", 18}, {"union", 12}, {"representative", 10}, {"other", 5},
}

var relations = []choice[grievance.Relation]{
	{"supplier", 45}, {"supplier_deeper", 20}, {"own_operations", 12}, {"group_company", 10},
	{"business_partner", 8}, {"unknown", 5},
}

// nonMembers are invented workplaces named by reporters.
var nonMembers = []string{
	"Mekong Star Garment Co., Ltd.", "Lotus Seafood Processing", "Tanjung Palm Estates",
	"Irrawaddy Knitwear Co.", "Angkor Footwear Co., Ltd.", "Himalaya Manpower Agency",
	"Delta Denim Ltd.", "Pearl River Electronics Works", "Chao Phraya Frozen Foods",
	"Sunrise Overseas Recruitment", "Golden Bay Fishing Co.", "Green Valley Tea Estate",
}

var notAcceptedReasons = []choice[string]{
	{"not_human_rights", 25}, {"no_link_to_member", 25}, {"insufficient_information", 25},
	{"outside_mandate", 8}, {"duplicate", 8}, {"other_proceedings", 7}, {"abusive", 2},
}

var remedyTypes = []choice[grievance.RemedyType]{
	{"financial_compensation", 30}, {"non_repetition", 20}, {"apology", 15}, {"policy_change", 12},
	{"restitution", 8}, {"reinstatement", 6}, {"rehabilitation", 4}, {"non_financial_compensation", 4},
	{"sanctions", 1},
}

const day = 24 * time.Hour

// Synthetic makes n realistic fictional cases received over the four years before now, oldest
// first, their histories cut at now: older cases are mostly closed or not accepted, recent ones
// still early in the process. memberIDs are the member companies cases may name (none: only
// non-members). The same rng seed and now give the same cases.
func Synthetic(rng *rand.Rand, n int, now time.Time, tl grievance.Timeline, memberIDs []int64) []store.HistoricCase {
	out := make([]store.HistoricCase, 0, n)
	SyntheticBatches(rng, n, n, now, tl, memberIDs, func(b []store.HistoricCase) error {
		out = append(out, b...)
		return nil
	})
	return out
}

// SyntheticBatches is Synthetic in batches of at most size cases, handed to emit in order so that a
// million cases never sit in memory at once. It stops at emit's first error.
func SyntheticBatches(rng *rand.Rand, n, size int, now time.Time, tl grievance.Timeline, memberIDs []int64, emit func([]store.HistoricCase) error) error {
	if size < 1 {
		size = 1
	}
	g := &generator{rng: rng, now: now.Add(-time.Minute), tl: tl, members: memberIDs}
	span := float64(4 * 365 * day)
	start := now.Add(-4 * 365 * day)
	for lo := 0; lo < n; lo += size {
		batch := make([]store.HistoricCase, 0, min(size, n-lo))
		for i := lo; i < min(lo+size, n); i++ {
			// Reports grow over the years (density rising linearly to three times the first
			// year's); stratifying by i keeps received dates in order for the reference numbers.
			x := (float64(i) + rng.Float64()) / float64(n)
			f := (math.Sqrt(1+8*x) - 1) / 2
			received := start.Add(time.Duration(f * span)).Truncate(time.Second)
			if received.After(g.now) {
				received = g.now
			}
			batch = append(batch, g.historicCase(received))
		}
		if err := emit(batch); err != nil {
			return err
		}
	}
	return nil
}

type generator struct {
	rng     *rand.Rand
	now     time.Time // histories stop here
	tl      grievance.Timeline
	members []int64
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// days draws a log-normal duration with the given median, never under a few minutes.
func (g *generator) days(median, spread float64) time.Duration {
	d := median * math.Exp(spread*g.rng.NormFloat64())
	return max(time.Duration(d*float64(day)), 7*time.Minute+time.Duration(g.rng.IntN(3600))*time.Second).Truncate(time.Second)
}

func (g *generator) historicCase(received time.Time) store.HistoricCase {
	rng := g.rng
	country := pick(rng, countries)
	lang := "en"
	if langs, ok := countryLanguages[country]; ok {
		lang = pick(rng, langs)
	}
	tx := languageTexts[lang]
	first := pick(rng, categories)
	cats := []grievance.Category{first}
	if more := companions[first]; len(more) > 0 && g.chance(0.35) {
		cats = append(cats, more[rng.IntN(len(more))])
	}
	r := grievance.Report{
		ReceivedAt:   received,
		Channel:      pick(rng, channels),
		Language:     lang,
		ReporterType: pick(rng, reporterTypes),
		Anonymous:    g.chance(0.7),
		Country:      country,
		Categories:   cats,
		Relation:     pick(rng, relations),
		Urgency:      pick(rng, []choice[grievance.Urgency]{{"normal", 85}, {"urgent", 12}, {"immediate_danger", 3}}),
	}
	if r.Channel == "member_desk" {
		r.ReporterType = "affected_person"
	}
	if r.Anonymous {
		r.PreferredContact = "platform"
	} else {
		r.IdentityName = tx.names[rng.IntN(len(tx.names))]
		r.IdentityContact = fmt.Sprintf("reporter%06d@example.org", rng.IntN(1000000))
		r.ConsentShareIdentity = g.chance(0.4)
		r.PreferredContact = pick(rng, []choice[grievance.ContactChannel]{{"email", 40}, {"messaging_app", 30}, {"phone", 15}, {"platform", 10}, {"through_representative", 5}})
	}
	switch x := rng.Float64(); {
	case x < 0.4:
		r.PeopleAffected = 1
	case x < 0.8:
		r.PeopleAffected = 2 + rng.IntN(20)
	default:
		r.PeopleAffected = 20 + rng.IntN(500)
	}
	r.FearsRetaliation = g.chance(0.45)
	r.VulnerableGroups = g.vulnerableGroups(first, country, lang)
	if s := sites[country]; len(s) > 0 && g.chance(0.6) {
		r.Site = fmt.Sprintf("Factory %d, %s", 1+rng.IntN(5), s[rng.IntN(len(s))])
	}
	r.WhenHappened = received.AddDate(0, -rng.IntN(18), 0).Format("2006-01")
	r.Description = g.narrative(tx, topicOf(first))
	if g.chance(0.6) {
		r.RemedySought = tx.remedy
	}
	if g.chance(0.15) {
		r.RaisedElsewhere = true
		r.RaisedElsewhereWhere = "labour inspectorate"
	}
	r.Companies = g.companies(r.Relation)
	r.Normalize()
	c := store.HistoricCase{Report: r}
	g.history(&c, tx)
	return c
}

func (g *generator) vulnerableGroups(first grievance.Category, country, lang string) []grievance.VulnerableGroup {
	var out []grievance.VulnerableGroup
	home := countryLanguages[country]
	if first == "recruitment_migrant_workers" || first == "forced_labour" || (len(home) > 0 && home[0].v != lang && lang != "en") {
		out = append(out, "migrant")
	}
	if g.chance(0.3) || first == "harassment_violence" && g.chance(0.6) {
		out = append(out, "women")
	}
	if first == "child_labour" {
		out = append(out, "child")
	}
	if first == "indigenous_peoples" || first == "land_livelihoods" && g.chance(0.4) {
		out = append(out, "indigenous")
	}
	if g.chance(0.03) {
		out = append(out, "ethnic_minority")
	}
	return out
}

func (g *generator) narrative(tx *texts, t topic) string {
	return strings.NewReplacer(
		"{m}", strconv.Itoa(2+g.rng.IntN(10)),
		"{n}", strconv.Itoa(3+g.rng.IntN(40)),
		"{h}", strconv.Itoa(11+g.rng.IntN(5)),
		"{f}", strconv.Itoa(20+g.rng.IntN(130)),
	).Replace(tx.narratives[t])
}

func (g *generator) companies(relation grievance.Relation) []grievance.CompanyRef {
	k := pick(g.rng, []choice[int]{{1, 80}, {2, 15}, {3, 5}})
	out := make([]grievance.CompanyRef, 0, k)
	for len(out) < k {
		c := grievance.CompanyRef{Relation: relation}
		if len(out) > 0 {
			c.Relation = pick(g.rng, relations)
		}
		if len(g.members) > 0 && g.chance(0.85) {
			c.MemberID = g.members[g.rng.IntN(len(g.members))]
		} else {
			c.Name = nonMembers[g.rng.IntN(len(nonMembers))]
		}
		if !slices.ContainsFunc(out, func(o grievance.CompanyRef) bool { return o.MemberID == c.MemberID && o.Name == c.Name }) {
			out = append(out, c)
		}
	}
	return out
}

// caseLog collects a history and cuts it at the generator's now: a case received last week has
// had no time to close.
type caseLog struct {
	c    *store.HistoricCase
	now  time.Time
	open bool // false once an event fell after now
}

func (l *caseLog) add(e store.HistoricEvent) bool {
	if !l.open || e.At.After(l.now) {
		l.open = false
		return false
	}
	l.c.Events = append(l.c.Events, e)
	return true
}

func (l *caseLog) message(m store.HistoricMessage) {
	if !m.At.After(l.now) {
		l.c.Messages = append(l.c.Messages, m)
	}
}

const (
	handler  = grievance.RoleHandler
	system   = grievance.RoleSystem
	reporter = grievance.RoleReporter
	member   = grievance.RoleMember
	expert   = grievance.RoleExpert
)

// history walks a case through the process with plausible durations: acknowledged within days
// (mostly automatically), screened in weeks, companies answering in about a month (a fifth late),
// dialogue and investigation over months.
func (g *generator) history(c *store.HistoricCase, tx *texts) {
	l := &caseLog{c: c, now: g.now, open: true}
	defer func() {
		slices.SortStableFunc(c.Messages, func(a, b store.HistoricMessage) int { return a.At.Compare(b.At) })
	}()
	t := c.Report.ReceivedAt
	if g.chance(0.6) {
		t = t.Add(g.days(0.02, 1))
		if !l.add(store.HistoricEvent{To: grievance.CaseAcknowledged, At: t, Role: system}) {
			return
		}
	} else {
		t = t.Add(g.days(2, 0.8))
		if !l.add(store.HistoricEvent{To: grievance.CaseAcknowledged, At: t, Role: handler}) {
			return
		}
	}
	if g.chance(0.02) {
		l.add(store.HistoricEvent{To: grievance.CaseWithdrawn, At: t.Add(g.days(5, 0.8)), Role: reporter})
		return
	}
	t = t.Add(g.days(2, 0.7))
	if !l.add(store.HistoricEvent{To: grievance.CaseScreening, At: t, Role: handler}) {
		return
	}
	timedOut := false
	if g.chance(0.22) {
		t = t.Add(g.days(5, 0.6))
		if !l.add(store.HistoricEvent{To: grievance.CaseAwaitingInformation, At: t, Role: handler, Reason: tx.question}) {
			return
		}
		l.message(store.HistoricMessage{Thread: store.ThreadReporter, AuthorRole: handler, Body: tx.question, At: t})
		if g.chance(0.75) {
			t = t.Add(g.days(6, 0.7))
			if t.After(g.tl.DueAt(l.c.Events[len(l.c.Events)-1].At, g.tl.AnswerDays)) {
				t = g.tl.DueAt(l.c.Events[len(l.c.Events)-1].At, g.tl.AnswerDays).Add(-time.Hour)
			}
			l.message(store.HistoricMessage{Thread: store.ThreadReporter, AuthorRole: reporter, Body: tx.answer, At: t})
			if !l.add(store.HistoricEvent{To: grievance.CaseScreening, At: t, Role: reporter}) {
				return
			}
		} else {
			timedOut = true
			t = g.tl.DueAt(t, g.tl.AnswerDays).Add(time.Duration(g.rng.IntN(3600)) * time.Second)
			if !l.add(store.HistoricEvent{To: grievance.CaseScreening, At: t, Role: system}) {
				return
			}
		}
	}
	t = t.Add(g.days(12, 0.6)) // a sixth or so past the screening deadline
	switch x := g.rng.Float64(); {
	case x < 0.03:
		l.add(store.HistoricEvent{To: grievance.CaseWithdrawn, At: t, Role: reporter})
		return
	case x < 0.36 || timedOut && x < 0.6:
		code := pick(g.rng, notAcceptedReasons)
		if timedOut || c.Report.Anonymous && g.chance(0.2) {
			code = "insufficient_information"
		}
		l.add(store.HistoricEvent{To: grievance.CaseNotAccepted, At: t, Role: handler, Code: code})
		return
	}
	if !l.add(store.HistoricEvent{To: grievance.CaseAccepted, At: t, Role: handler}) {
		return
	}
	g.accepted(l, t, tx)
}

// accepted follows the referrals of an accepted case to the case's close (or withdrawal).
func (g *generator) accepted(l *caseLog, accepted time.Time, tx *texts) {
	c := l.c
	for i := range c.Report.Companies {
		c.Referrals = append(c.Referrals, store.HistoricReferral{CompanyIndex: i})
	}
	start := accepted
	if g.chance(0.04) {
		suspend := accepted.Add(g.days(5, 0.5))
		resume := suspend.Add(g.days(90, 0.5))
		l.add(store.HistoricEvent{To: grievance.CaseSuspended, At: suspend, Role: handler, Reason: "parallel court proceedings"})
		if !l.add(store.HistoricEvent{To: grievance.CaseAccepted, At: resume, Role: handler, Reason: "court proceedings concluded"}) {
			return
		}
		start = resume
	}
	end := g.now // referral moves stop here, or at a withdrawal
	var withdrawal time.Time
	if g.chance(0.02) {
		withdrawal = start.Add(g.days(60, 0.6))
		if withdrawal.Before(end) {
			end = withdrawal
		}
	}
	var last time.Time
	var outcomes []grievance.Outcome
	allDone := true
	for i := range c.Referrals {
		done, outcome, at := g.referral(&c.Referrals[i], start, end)
		allDone = allDone && done
		outcomes = append(outcomes, outcome)
		if at.After(last) {
			last = at
		}
	}
	if g.chance(0.3) {
		l.message(store.HistoricMessage{Thread: store.ThreadReporter, AuthorRole: handler, Body: tx.update, At: start.Add(g.days(1, 0.5))})
	}
	if !withdrawal.IsZero() {
		l.add(store.HistoricEvent{To: grievance.CaseWithdrawn, At: withdrawal, Role: reporter})
		return
	}
	if !allDone {
		return
	}
	role := handler
	if g.chance(0.2) {
		role = system
	}
	l.add(store.HistoricEvent{To: grievance.CaseClosed, At: last.Add(g.days(7, 0.6)), Role: role, Code: string(caseOutcome(outcomes))})
}

func caseOutcome(referrals []grievance.Outcome) grievance.Outcome {
	all := func(o grievance.Outcome) bool {
		for _, r := range referrals {
			if r != o {
				return false
			}
		}
		return true
	}
	switch {
	case all("resolved"):
		return "resolved"
	case slices.Contains(referrals, "resolved") || slices.Contains(referrals, "partially_resolved"):
		return "partially_resolved"
	}
	return referrals[0]
}

// referral plays one company's part from forwarding until it concludes or end comes.
func (g *generator) referral(ref *store.HistoricReferral, t, end time.Time) (done bool, outcome grievance.Outcome, at time.Time) {
	add := func(to grievance.ReferralStage, after time.Duration, role grievance.Role, o grievance.Outcome, reason string) bool {
		t = t.Add(after)
		if t.After(end) {
			return false
		}
		ref.Events = append(ref.Events, store.HistoricReferralEvent{To: to, At: t, Role: role, Outcome: o, Reason: reason})
		if to == grievance.ReferralRemedyAgreed && len(ref.RemedyTypes) == 0 {
			ref.RemedyTypes = g.remedies()
		}
		return true
	}
	who := func(p float64, a, b grievance.Role) grievance.Role {
		if g.chance(p) {
			return a
		}
		return b
	}
	conclude := func(after time.Duration, role grievance.Role, os []choice[grievance.Outcome]) (bool, grievance.Outcome, time.Time) {
		o := pick(g.rng, os)
		if !add(grievance.ReferralConcluded, after, role, o, "") {
			return false, "", t
		}
		return true, o, t
	}
	// The company's first answer: due in CompanyResponseDays, a fifth of them late.
	if !add(grievance.ReferralResponded, g.days(0.6*float64(g.tl.CompanyResponseDays), 0.55), who(0.7, member, handler), "", "") {
		return false, "", t
	}
	stage := grievance.ReferralResponded
	reopened := false
	for {
		switch stage {
		case grievance.ReferralResponded:
			switch x := g.rng.Float64(); {
			case x < 0.25:
				return conclude(g.days(20, 0.6), handler, []choice[grievance.Outcome]{{"not_substantiated", 50}, {"resolved", 30}, {"referred_elsewhere", 10}, {"not_resolved", 10}})
			case x < 0.45:
				stage = grievance.ReferralInvestigation
				if !add(stage, g.days(14, 0.5), handler, "", "") {
					return false, "", t
				}
			default:
				stage = grievance.ReferralDialogue
				if !add(stage, g.days(10, 0.5), handler, "", "") {
					return false, "", t
				}
			}
		case grievance.ReferralDialogue:
			switch x := g.rng.Float64(); {
			case x < 0.55:
				stage = grievance.ReferralRemedyAgreed
				if !add(stage, g.days(45, 0.6), who(0.5, member, handler), "", "") {
					return false, "", t
				}
			case x < 0.7:
				stage = grievance.ReferralInvestigation
				if !add(stage, g.days(30, 0.6), handler, "", "") {
					return false, "", t
				}
			default:
				return conclude(g.days(45, 0.6), handler, []choice[grievance.Outcome]{{"resolved", 35}, {"partially_resolved", 25}, {"not_resolved", 15}, {"lost_contact", 15}, {"withdrawn", 5}, {"referred_elsewhere", 5}})
			}
		case grievance.ReferralInvestigation:
			switch x := g.rng.Float64(); {
			case x < 0.3:
				stage = grievance.ReferralDialogue
				if !add(stage, g.days(80, 0.5), who(0.6, expert, handler), "", "") {
					return false, "", t
				}
			case x < 0.6:
				stage = grievance.ReferralRemedyAgreed
				if !add(stage, g.days(80, 0.5), handler, "", "") {
					return false, "", t
				}
			default:
				return conclude(g.days(80, 0.5), who(0.7, expert, handler), []choice[grievance.Outcome]{{"not_substantiated", 40}, {"resolved", 25}, {"partially_resolved", 20}, {"not_resolved", 15}})
			}
		case grievance.ReferralRemedyAgreed:
			stage = grievance.ReferralMonitoring
			if !add(stage, g.days(12, 0.5), who(0.6, member, handler), "", "") {
				return false, "", t
			}
		case grievance.ReferralMonitoring:
			if !reopened && g.chance(0.12) {
				reopened = true
				stage = grievance.ReferralDialogue
				if !add(stage, g.days(90, 0.5), handler, "", "remedy not implemented as agreed") {
					return false, "", t
				}
				continue
			}
			return conclude(g.days(120, 0.5), handler, []choice[grievance.Outcome]{{"resolved", 65}, {"partially_resolved", 30}, {"not_resolved", 5}})
		}
	}
}

func (g *generator) remedies() []grievance.RemedyType {
	k := pick(g.rng, []choice[int]{{1, 50}, {2, 35}, {3, 15}})
	var out []grievance.RemedyType
	for len(out) < k {
		if t := pick(g.rng, remedyTypes); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
