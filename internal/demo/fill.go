package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/seal"
	"github.com/remedy-grievance/remedy/internal/store"
)

// ErrNotEmpty keeps the demo away from real data: Fill only fills a database with no cases,
// users or members.
var ErrNotEmpty = errors.New("demo: the database already holds data; the demo fills only an empty one")

// Login is a demo account, with the password shown once.
type Login struct {
	Email    string
	Name     string
	Role     grievance.Role
	Member   string // the member company of a member contact
	Password string
}

// CaseReceipt lets someone follow a demo case as its reporter.
type CaseReceipt struct {
	Reference string
	Receipt   string
	Language  string
	Stage     grievance.CaseStage
}

// Logins is how to log in to a demo installation.
type Logins struct {
	Users []Login
	Cases []CaseReceipt
}

// demoMembers are invented member companies with their group companies, brands and suppliers.
var demoMembers = []store.Member{
	{NameEN: "Sakura Apparel Holdings", NameJA: "さくらアパレルホールディングス", Sector: "apparel", Aliases: []store.MemberAlias{
		{Kind: "group_company", Name: "Sakura Garment Vietnam Co., Ltd."}, {Kind: "brand", Name: "Hanami Basics"},
		{Kind: "supplier", Name: "Mekong Star Garment Co., Ltd."}}},
	{NameEN: "Fujimi Foods Corporation", NameJA: "富士見フーズ株式会社", Sector: "food", Aliases: []store.MemberAlias{
		{Kind: "group_company", Name: "Fujimi Thai Seafood Co., Ltd."}, {Kind: "brand", Name: "Umi no Megumi"},
		{Kind: "supplier", Name: "Chao Phraya Frozen Foods"}}},
	{NameEN: "Kasumi Electronics", NameJA: "霞エレクトロニクス株式会社", Sector: "electronics", Aliases: []store.MemberAlias{
		{Kind: "group_company", Name: "Kasumi Electronics Malaysia Sdn. Bhd."}, {Kind: "brand", Name: "Kasumi"},
		{Kind: "supplier", Name: "Penang Precision Parts Sdn. Bhd."}}},
	{NameEN: "Tsubasa Motors", NameJA: "つばさ自動車株式会社", Sector: "automotive", Aliases: []store.MemberAlias{
		{Kind: "group_company", Name: "PT Tsubasa Motors Indonesia"}, {Kind: "brand", Name: "Tsubasa"},
		{Kind: "supplier", Name: "Tanjung Rubber Estates"}}},
	{NameEN: "Midori Trading", NameJA: "みどり商事株式会社", Sector: "trading", Aliases: []store.MemberAlias{
		{Kind: "group_company", Name: "Midori Palm Plantations"}, {Kind: "brand", Name: "Midori Select"},
		{Kind: "supplier", Name: "Irrawaddy Knitwear Co."}}},
	{NameEN: "Hoshizora Retail", NameJA: "星空リテール株式会社", Sector: "retail", Aliases: []store.MemberAlias{
		{Kind: "brand", Name: "Hoshi Market"}, {Kind: "supplier", Name: "Angkor Footwear Co., Ltd."}}},
}

func createMembers(ctx context.Context, s *store.Store, actor store.Actor) ([]int64, error) {
	var ids []int64
	for _, m := range demoMembers {
		m.JoinedAt = time.Now().AddDate(-3, 0, 0)
		id, err := s.CreateMember(ctx, m, actor)
		if err != nil {
			return nil, fmt.Errorf("demo member %s: %w", m.NameEN, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Fill turns an empty database into a demo: fictional members, a user for every staff role (random
// passwords, returned once), about forty cases in many languages at every case and referral stage
// (the older ones imported with their histories, the current ones moved through the normal store
// methods so the audit chain records every step), some with messages to the reporter.
func Fill(ctx context.Context, s *store.Store) (Logins, error) {
	var n int
	err := s.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM members)`).Scan(&n)
	if err != nil {
		return Logins{}, err
	}
	if n > 0 {
		return Logins{}, ErrNotEmpty
	}
	d := &filler{s: s}
	if err := d.users(ctx); err != nil {
		return Logins{}, err
	}
	old := Synthetic(mrand.New(mrand.NewPCG(2022, 10)), 24, time.Now().Add(-30*day), s.Timeline(), d.memberIDs)
	if _, err := s.ImportCases(ctx, old, SystemActor, false); err != nil {
		return Logins{}, fmt.Errorf("demo history: %w", err)
	}
	if err := d.liveCases(ctx); err != nil {
		return Logins{}, err
	}
	return d.logins, nil
}

type filler struct {
	s         *store.Store
	logins    Logins
	admin     store.Actor
	handler   store.Actor
	expert    store.Actor
	memberIDs []int64
	contacts  []store.Actor // by member, as memberIDs
}

func (d *filler) users(ctx context.Context) error {
	type account struct {
		user   store.User
		member int // index into demoMembers, or -1
	}
	accounts := []account{
		{store.User{Email: "admin@demo.example", DisplayName: "Aoi Admin (demo)", Role: grievance.RoleAdmin}, -1},
		{store.User{Email: "handler1@demo.example", DisplayName: "Haruto Handler (demo)", Role: grievance.RoleHandler}, -1},
		{store.User{Email: "handler2@demo.example", DisplayName: "Linh Handler (demo)", Role: grievance.RoleHandler}, -1},
		{store.User{Email: "expert@demo.example", DisplayName: "Emi Expert (demo)", Role: grievance.RoleExpert}, -1},
		{store.User{Email: "panel@demo.example", DisplayName: "Pat Panel (demo)", Role: grievance.RolePanel}, -1},
	}
	for i, m := range demoMembers {
		accounts = append(accounts, account{store.User{Email: fmt.Sprintf("contact%d@member.demo.example", i+1),
			DisplayName: m.NameEN + " contact (demo)", Role: grievance.RoleMember}, i})
	}
	// argon2id at 64 MiB is the slow part: hash on every core.
	passwords := make([]string, len(accounts))
	hashes := make([]string, len(accounts))
	errs := make([]error, len(accounts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range accounts {
		passwords[i] = rand.Text() // 26 characters, 130 bits
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			hashes[i], errs[i] = seal.HashPassword(passwords[i], seal.DefaultPasswordParams)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	actor := SystemActor
	for i, a := range accounts {
		if a.member >= 0 {
			if d.memberIDs == nil {
				var err error
				if d.memberIDs, err = createMembers(ctx, d.s, d.admin); err != nil {
					return err
				}
			}
			a.user.MemberID = d.memberIDs[a.member]
		}
		id, err := d.s.CreateUser(ctx, a.user, hashes[i], actor)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", a.user.Email, err)
		}
		a.user.ID = id
		login := Login{Email: a.user.Email, Name: a.user.DisplayName, Role: a.user.Role, Password: passwords[i]}
		switch {
		case a.member >= 0:
			login.Member = demoMembers[a.member].NameEN
			d.contacts = append(d.contacts, a.user.Actor())
		case a.user.Role == grievance.RoleAdmin:
			d.admin, actor = a.user.Actor(), a.user.Actor() // the admin creates everyone else
		case a.user.Role == grievance.RoleHandler && d.handler.UserID == 0:
			d.handler = a.user.Actor()
		case a.user.Role == grievance.RoleExpert:
			d.expert = a.user.Actor()
		}
		d.logins.Users = append(d.logins.Users, login)
	}
	return nil
}

// liveCase is a current demo case and where the demo leaves it. Companies index demoMembers; -1
// names a non-member workplace.
type liveCase struct {
	lang, country string
	category      grievance.Category
	daysAgo       int
	channel       grievance.Channel
	named         bool
	companies     []int
	stage         grievance.CaseStage
	answered      bool                      // awaiting information, then the reporter answered
	referrals     []grievance.ReferralStage // where each referral ends, for accepted cases
	update        bool                      // the secretariat sent the reporter news
	show          bool                      // list the receipt in Logins
}

var liveCases = []liveCase{
	{lang: "tl", country: "PH", category: "wages_benefits", daysAgo: 21, channel: "web", companies: []int{1}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralResponded}},
	{lang: "km", country: "KH", category: "occupational_safety_health", daysAgo: 20, channel: "web", companies: []int{0}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralForwarded}},
	{lang: "zh-Hans", country: "CN", category: "working_hours", daysAgo: 19, channel: "email", named: true, companies: []int{2}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralDialogue}, update: true, show: true},
	{lang: "en", country: "IN", category: "other", daysAgo: 18, channel: "web", companies: []int{-1}, stage: grievance.CaseNotAccepted},
	{lang: "ms", country: "MY", category: "recruitment_migrant_workers", daysAgo: 17, channel: "web", companies: []int{2}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralInvestigation}},
	{lang: "ar", country: "SA", category: "recruitment_migrant_workers", daysAgo: 17, channel: "phone", named: true, companies: []int{4}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralRemedyAgreed}},
	{lang: "ja", country: "JP", category: "harassment_violence", daysAgo: 16, channel: "web", companies: []int{0, 3}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralMonitoring, grievance.ReferralConcluded}, update: true, show: true},
	{lang: "ne", country: "MY", category: "working_hours", daysAgo: 15, channel: "web", companies: []int{2}, stage: grievance.CaseScreening, answered: true, show: true},
	{lang: "vi", country: "VN", category: "wages_benefits", daysAgo: 14, channel: "member_desk", companies: []int{0}, stage: grievance.CaseSuspended, referrals: []grievance.ReferralStage{grievance.ReferralForwarded}},
	{lang: "id", country: "ID", category: "occupational_safety_health", daysAgo: 13, channel: "web", companies: []int{3}, stage: grievance.CaseClosed, referrals: []grievance.ReferralStage{grievance.ReferralConcluded}, show: true},
	{lang: "id", country: "ID", category: "wages_benefits", daysAgo: 12, channel: "api", companies: []int{3}, stage: grievance.CaseScreening},
	{lang: "en", country: "VN", category: "freedom_of_association", daysAgo: 11, channel: "email", named: true, companies: []int{5, -1}, stage: grievance.CaseAccepted, referrals: []grievance.ReferralStage{grievance.ReferralForwarded, grievance.ReferralForwarded}},
	{lang: "my", country: "TH", category: "recruitment_migrant_workers", daysAgo: 10, channel: "web", companies: []int{1}, stage: grievance.CaseAwaitingInformation, show: true},
	{lang: "vi", country: "JP", category: "wages_benefits", daysAgo: 9, channel: "web", companies: []int{0}, stage: grievance.CaseReceived},
	{lang: "bn", country: "BD", category: "harassment_violence", daysAgo: 8, channel: "web", companies: []int{5}, stage: grievance.CaseWithdrawn},
	{lang: "th", country: "TH", category: "working_hours", daysAgo: 6, channel: "web", companies: []int{1}, stage: grievance.CaseAcknowledged},
	{lang: "ja", country: "JP", category: "recruitment_migrant_workers", daysAgo: 1, channel: "web", companies: []int{2}, stage: grievance.CaseReceived, show: true},
}

// liveCases files the current demo cases, oldest first, and moves each to its stage.
func (d *filler) liveCases(ctx context.Context) error {
	rng := mrand.New(mrand.NewPCG(7, 31))
	g := &generator{rng: rng, now: time.Now(), tl: d.s.Timeline(), members: d.memberIDs}
	for i, lc := range liveCases {
		if err := d.liveCase(ctx, g, lc); err != nil {
			return fmt.Errorf("demo case %d (%s): %w", i, lc.stage, err)
		}
	}
	return nil
}

func (d *filler) liveCase(ctx context.Context, g *generator, lc liveCase) error {
	s, tx := d.s, languageTexts[lc.lang]
	r := grievance.Report{
		ReceivedAt: time.Now().Add(-time.Duration(lc.daysAgo)*day - time.Duration(g.rng.IntN(36000))*time.Second),
		Channel:    lc.channel, Language: lc.lang, Country: lc.country, ReporterType: "affected_person",
		Anonymous: !lc.named, Categories: []grievance.Category{lc.category}, Relation: "supplier",
		Description: g.narrative(tx, topicOf(lc.category)), RemedySought: tx.remedy, PeopleAffected: 1 + g.rng.IntN(30),
		WhenHappened: time.Now().AddDate(0, -3, 0).Format("2006-01"), PreferredContact: "platform",
	}
	if lc.named {
		r.IdentityName, r.IdentityContact, r.PreferredContact = tx.names[0], "reporter@example.org", "email"
	}
	for _, m := range lc.companies {
		if m < 0 {
			r.Companies = append(r.Companies, grievance.CompanyRef{Name: nonMembers[g.rng.IntN(len(nonMembers))], Relation: "supplier_deeper"})
		} else {
			r.Companies = append(r.Companies, grievance.CompanyRef{MemberID: d.memberIDs[m]})
		}
	}
	r.Normalize()
	if fe := r.Validate(grievance.DefaultLimits); fe != nil {
		return fe
	}
	filer := store.Actor{Role: string(grievance.RoleReporter)}
	if lc.channel != grievance.ChannelWeb && lc.channel != grievance.ChannelAPI {
		filer = d.handler
	}
	f, err := s.CreateCase(ctx, r, filer)
	if err != nil {
		return err
	}
	if lc.show {
		d.logins.Cases = append(d.logins.Cases, CaseReceipt{Reference: f.Reference, Receipt: seal.FormatReceipt(f.Receipt), Language: r.Language, Stage: lc.stage})
	}
	reporter := store.Actor{Role: string(grievance.RoleReporter)}
	move := func(to grievance.CaseStage, c store.CaseStageChange) error {
		c.CaseID, c.To = f.CaseID, to
		if c.Actor.Role == "" {
			c.Actor = d.handler
		}
		return s.ChangeCaseStage(ctx, c)
	}
	say := func(who store.Actor, body string) error {
		_, err := s.CreateMessage(ctx, store.NewMessage{CaseID: f.CaseID, Thread: store.ThreadReporter, Author: who, Body: body})
		return err
	}
	steps := []func() error{}
	if lc.stage == grievance.CaseReceived {
		return nil
	}
	steps = append(steps, func() error { return move(grievance.CaseAcknowledged, store.CaseStageChange{Actor: SystemActor}) })
	switch lc.stage {
	case grievance.CaseAcknowledged:
	case grievance.CaseWithdrawn:
		steps = append(steps, func() error { return move(grievance.CaseWithdrawn, store.CaseStageChange{Actor: reporter}) })
	default:
		steps = append(steps, func() error { return move(grievance.CaseScreening, store.CaseStageChange{}) })
	}
	switch lc.stage {
	case grievance.CaseAwaitingInformation:
		steps = append(steps, func() error { return move(lc.stage, store.CaseStageChange{Question: tx.question}) })
	case grievance.CaseScreening:
		if lc.answered {
			steps = append(steps,
				func() error {
					return move(grievance.CaseAwaitingInformation, store.CaseStageChange{Question: tx.question})
				},
				func() error { return say(reporter, tx.answer) }) // the answer puts the case back in screening
		}
	case grievance.CaseNotAccepted:
		steps = append(steps, func() error {
			return move(lc.stage, store.CaseStageChange{NotAcceptedReason: "no_link_to_member",
				ReferralText: "The company you named is not a member. The OECD National Contact Point of the country may be able to help."})
		})
	case grievance.CaseAccepted, grievance.CaseSuspended, grievance.CaseClosed:
		steps = append(steps, func() error { return d.accept(ctx, f.CaseID, lc) })
		if lc.update {
			steps = append(steps, func() error { return say(d.handler, tx.update) })
		}
		switch lc.stage {
		case grievance.CaseSuspended:
			steps = append(steps, func() error { return move(lc.stage, store.CaseStageChange{Reason: "parallel court proceedings"}) })
		case grievance.CaseClosed:
			steps = append(steps, func() error { return move(lc.stage, store.CaseStageChange{Outcome: "resolved"}) })
		}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// referralPaths lead a referral from forwarded to each stage.
var referralPaths = map[grievance.ReferralStage][]grievance.ReferralStage{
	grievance.ReferralForwarded:     nil,
	grievance.ReferralResponded:     {grievance.ReferralResponded},
	grievance.ReferralDialogue:      {grievance.ReferralResponded, grievance.ReferralDialogue},
	grievance.ReferralInvestigation: {grievance.ReferralResponded, grievance.ReferralInvestigation},
	grievance.ReferralRemedyAgreed:  {grievance.ReferralResponded, grievance.ReferralDialogue, grievance.ReferralRemedyAgreed},
	grievance.ReferralMonitoring:    {grievance.ReferralResponded, grievance.ReferralDialogue, grievance.ReferralRemedyAgreed, grievance.ReferralMonitoring},
	grievance.ReferralConcluded:     {grievance.ReferralResponded, grievance.ReferralInvestigation, grievance.ReferralConcluded},
}

// accept refers the case to every company it names and moves each referral along its path, with
// the member's contact acting where the rules let them.
func (d *filler) accept(ctx context.Context, caseID int64, lc liveCase) error {
	s := d.s
	companies, err := s.CaseCompanies(ctx, caseID)
	if err != nil {
		return err
	}
	var refs []store.NewReferral
	for _, c := range companies {
		refs = append(refs, store.NewReferral{CompanyID: c.ID})
	}
	if err := s.ChangeCaseStage(ctx, store.CaseStageChange{CaseID: caseID, To: grievance.CaseAccepted, Actor: d.handler, Referrals: refs}); err != nil {
		return err
	}
	referrals, err := s.Referrals(ctx, caseID)
	if err != nil {
		return err
	}
	// The demo's expert investigates: assigned by the handler, and (for the cases they already
	// concluded) past the conflict-of-interest declaration. Open investigations wait for it.
	for i := range referrals {
		path := referralPaths[lc.referrals[i]]
		if !slices.Contains(path, grievance.ReferralInvestigation) {
			continue
		}
		if err := s.AssignExpert(ctx, caseID, d.expert.UserID, d.handler); err != nil {
			return err
		}
		if slices.Contains(path, grievance.ReferralConcluded) {
			if err := s.DeclareNoConflict(ctx, caseID, d.expert.UserID); err != nil {
				return err
			}
		}
		break
	}
	for i, ref := range referrals {
		contact := d.handler
		if k := slices.Index(d.memberIDs, ref.MemberID); k >= 0 {
			contact = d.contacts[k]
		}
		for _, to := range referralPaths[lc.referrals[i]] {
			c := store.ReferralStageChange{ReferralID: ref.ID, To: to, Actor: d.handler}
			switch to {
			case grievance.ReferralResponded, grievance.ReferralMonitoring:
				c.Actor = contact
			case grievance.ReferralRemedyAgreed:
				c.Actor, c.RemedyTypes = contact, []grievance.RemedyType{"financial_compensation", "non_repetition"}
			case grievance.ReferralConcluded:
				c.Actor, c.Outcome = d.expert, "resolved"
			}
			if err := s.ChangeReferralStage(ctx, c); err != nil {
				return fmt.Errorf("referral %d → %s: %w", ref.ID, to, err)
			}
		}
	}
	return nil
}
