package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

type companyJSON struct {
	MemberID int64  `json:"member_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Relation string `json:"relation,omitempty"`
}

type attachmentJSON struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"` // advisory; the bytes decide
	Data        []byte `json:"data"`                   // base64
}

// reportJSON is the body of POST /api/v1/reports: the intake fields of DESIGN section 4.
type reportJSON struct {
	Language             string           `json:"language"`
	Description          string           `json:"description"`
	Country              string           `json:"country"`
	Companies            []companyJSON    `json:"companies"`
	ReporterType         string           `json:"reporter_type"`
	Anonymous            *bool            `json:"anonymous"`
	IdentityName         string           `json:"identity_name"`
	IdentityContact      string           `json:"identity_contact"`
	ConsentShareIdentity bool             `json:"consent_share_identity"`
	PreferredContact     string           `json:"preferred_contact"`
	Relation             string           `json:"relation"`
	Site                 string           `json:"site"`
	Categories           []string         `json:"categories"`
	WhenHappened         string           `json:"when_happened"`
	PeopleAffected       int              `json:"people_affected"`
	VulnerableGroups     []string         `json:"vulnerable_groups"`
	Urgency              string           `json:"urgency"`
	FearsRetaliation     bool             `json:"fears_retaliation"`
	RemedySought         string           `json:"remedy_sought"`
	RaisedElsewhere      bool             `json:"raised_elsewhere"`
	RaisedElsewhereWhere string           `json:"raised_elsewhere_where"`
	Attachments          []attachmentJSON `json:"attachments"`
	NotifyEmail          string           `json:"notify_email"`
}

func (j reportJSON) report() grievance.Report {
	r := grievance.Report{
		Channel: grievance.ChannelAPI, Language: j.Language, Description: j.Description, Country: j.Country,
		ReporterType: grievance.ReporterType(j.ReporterType), IdentityName: j.IdentityName, IdentityContact: j.IdentityContact,
		ConsentShareIdentity: j.ConsentShareIdentity, PreferredContact: grievance.ContactChannel(j.PreferredContact),
		Relation: grievance.Relation(j.Relation), Site: j.Site, WhenHappened: j.WhenHappened, PeopleAffected: j.PeopleAffected,
		Urgency: grievance.Urgency(j.Urgency), FearsRetaliation: j.FearsRetaliation, RemedySought: j.RemedySought,
		RaisedElsewhere: j.RaisedElsewhere, RaisedElsewhereWhere: j.RaisedElsewhereWhere, NotifyEmail: j.NotifyEmail,
	}
	// Anonymous unless the reporter says otherwise or gives a name.
	r.Anonymous = j.IdentityName == "" && j.IdentityContact == ""
	if j.Anonymous != nil {
		r.Anonymous = *j.Anonymous
	}
	for _, c := range j.Companies {
		r.Companies = append(r.Companies, grievance.CompanyRef{MemberID: c.MemberID, Name: c.Name, Relation: grievance.Relation(c.Relation)})
	}
	for _, c := range j.Categories {
		r.Categories = append(r.Categories, grievance.Category(c))
	}
	for _, g := range j.VulnerableGroups {
		r.VulnerableGroups = append(r.VulnerableGroups, grievance.VulnerableGroup(g))
	}
	for _, a := range j.Attachments {
		r.Attachments = append(r.Attachments, grievance.Attachment{Name: a.Name, Data: a.Data})
	}
	return r
}

func (h *Handler) createReport(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(r)
	var body reportJSON
	if !decodeJSON(w, r, &body, lang, "invalid_report", MaxBodyBytes) {
		return
	}
	lang = requestLanguage(r, body.Language)
	once, hasKey, ok := idempotencyKey(r, body)
	if !ok {
		writeError(w, http.StatusBadRequest, lang, "idempotency_key_invalid", nil)
		return
	}
	if hasKey && h.filingRepeat(w, r, lang, once) {
		return
	}
	rep := body.report()
	rep.Normalize()
	fields := grievance.FieldErrors{}
	if fe := rep.Validate(h.limits); fe != nil {
		fields = fe
	}
	for i, a := range rep.Attachments {
		var problem string
		if rep.Attachments[i], problem = web.PrepareAttachment(a.Name, a.Data); problem != "" {
			fields[fmt.Sprintf("attachments[%d]", i)] = problem
		}
	}
	if len(fields) > 0 {
		writeError(w, http.StatusBadRequest, lang, "invalid_report", fields)
		return
	}
	size := 0
	for _, a := range rep.Attachments {
		size += len(a.Data)
	}
	d, err := h.guard.TakeFiling(r.Context(), r, size, r.Header.Get(web.ProofHeader))
	if err != nil {
		h.internalError(w, r, lang, err)
		return
	}
	if !d.OK {
		writeThrottled(w, lang, "filing_throttled", d)
		return
	}
	web.ShareableCopies(rep.Attachments)
	actor := store.Actor{Role: string(grievance.RoleReporter)}
	var filed store.Filed
	if hasKey {
		filed, err = h.store.CreateCaseOnce(r.Context(), rep, actor, once)
	} else {
		filed, err = h.store.CreateCase(r.Context(), rep, actor)
	}
	if errors.Is(err, store.ErrFilingTokenUsed) && h.filingRepeat(w, r, lang, once) { // sent twice at once
		return
	}
	var fe grievance.FieldErrors
	if errors.As(err, &fe) {
		writeError(w, http.StatusBadRequest, lang, "invalid_report", fe)
		return
	}
	if err != nil {
		h.internalError(w, r, lang, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"reference": filed.Reference, "receipt": filed.Receipt})
}
