package grievance

// The code lists of DESIGN section 3. Codes are stored and exchanged as these strings; they are
// extended by adding to a list here (and a translation), never by accepting unknown values.

// Category is a kind of human-rights harm.
type Category string

// Instruments maps each category to the international instruments it rests on.
var Instruments = map[Category][]string{
	"forced_labour":               {"ILO C29", "ILO C105", "ILO P29"},
	"human_trafficking":           {"Palermo Protocol", "ILO P29"},
	"child_labour":                {"ILO C138", "ILO C182"},
	"discrimination":              {"ILO C100", "ILO C111"},
	"harassment_violence":         {"ILO C190"},
	"freedom_of_association":      {"ILO C87", "ILO C98"},
	"occupational_safety_health":  {"ILO C155", "ILO C187"},
	"wages_benefits":              {"ILO C131", "ICESCR art. 7"},
	"working_hours":               {"ILO C1", "ICESCR art. 7"},
	"recruitment_migrant_workers": {"ILO C181", "ILO C97", "ILO C143"},
	"land_livelihoods":            {"ICESCR art. 11", "VGGT"},
	"environment_health":          {"ICESCR art. 12", "UNGA res. 76/300"},
	"privacy_data_ai":             {"ICCPR art. 17"},
	"indigenous_peoples":          {"ILO C169", "UNDRIP"},
	"human_rights_defenders":      {"UN Declaration on Human Rights Defenders"},
	"retaliation":                 {"UNGP 31", "ICCPR art. 19"},
	"other":                       {"International Bill of Human Rights"},
}

// Categories lists the categories in display order.
var Categories = []Category{
	"forced_labour", "human_trafficking", "child_labour", "discrimination", "harassment_violence",
	"freedom_of_association", "occupational_safety_health", "wages_benefits", "working_hours",
	"recruitment_migrant_workers", "land_livelihoods", "environment_health", "privacy_data_ai",
	"indigenous_peoples", "human_rights_defenders", "retaliation", "other",
}

func (c Category) Valid() bool { return contains(Categories, c) }

// Relation is how the company concerned is linked to the member.
type Relation string

var Relations = []Relation{"own_operations", "group_company", "supplier", "supplier_deeper", "business_partner", "customer_use", "unknown"}

func (r Relation) Valid() bool { return contains(Relations, r) }

// NotAcceptedReason is why a report was not accepted after screening.
type NotAcceptedReason string

var NotAcceptedReasons = []NotAcceptedReason{"not_human_rights", "no_link_to_member", "insufficient_information", "duplicate", "other_proceedings", "outside_mandate", "abusive"}

func (r NotAcceptedReason) Valid() bool { return contains(NotAcceptedReasons, r) }

// NotAcceptedUnrecorded marks imported history whose source ended a report at screening without
// saying why. It is not in NotAcceptedReasons: a handler deciding today always gives a reason, so
// the rules take it only on a change marked Historic.
const NotAcceptedUnrecorded NotAcceptedReason = "unrecorded"

// Outcome is how a referral concluded or a case closed.
type Outcome string

const OutcomeWithdrawn Outcome = "withdrawn"

var Outcomes = []Outcome{"resolved", "partially_resolved", "not_resolved", "not_substantiated", OutcomeWithdrawn, "lost_contact", "referred_elsewhere"}

func (o Outcome) Valid() bool { return contains(Outcomes, o) }

// RemedyType is a form of remedy (UNGP commentary 25).
type RemedyType string

var RemedyTypes = []RemedyType{"apology", "restitution", "rehabilitation", "financial_compensation", "non_financial_compensation", "sanctions", "non_repetition", "policy_change", "reinstatement"}

func (t RemedyType) Valid() bool { return contains(RemedyTypes, t) }

// RemedyUnrecorded marks imported history whose source records that a remedy was agreed but not
// what it was. Like NotAcceptedUnrecorded it is not offered to handlers and is taken only on a
// change marked Historic.
const RemedyUnrecorded RemedyType = "unrecorded"

// Channel is how a report reached the secretariat.
type Channel string

const (
	ChannelWeb Channel = "web"
	ChannelAPI Channel = "api"
)

var Channels = []Channel{ChannelWeb, ChannelAPI, "phone", "email", "letter", "in_person", "member_desk"}

// ChannelUnrecorded marks imported history whose source did not say how a report arrived. It is
// not in Channels: a report taken today always has a channel.
const ChannelUnrecorded Channel = "unrecorded"

func (c Channel) Valid() bool { return contains(Channels, c) }

// ReporterType is who files the report.
type ReporterType string

var ReporterTypes = []ReporterType{"affected_person", "representative", "union", "ngo", "other"}

func (t ReporterType) Valid() bool { return contains(ReporterTypes, t) }

// VulnerableGroup marks people at heightened risk among those affected.
type VulnerableGroup string

var VulnerableGroups = []VulnerableGroup{"migrant", "child", "women", "indigenous", "disability", "ethnic_minority", "lgbtiq", "older_persons", "human_rights_defender", "other"}

func (g VulnerableGroup) Valid() bool { return contains(VulnerableGroups, g) }

// ContactChannel is how the reporter prefers to hear from the secretariat.
type ContactChannel string

var ContactChannels = []ContactChannel{"platform", "email", "phone", "messaging_app", "post", "through_representative"}

func (c ContactChannel) Valid() bool { return contains(ContactChannels, c) }

// Urgency is the reporter's sense of danger.
type Urgency string

var Urgencies = []Urgency{"normal", "urgent", "immediate_danger"}

func (u Urgency) Valid() bool { return contains(Urgencies, u) }
