package grievance

// CaseStage is where a case stands (DESIGN section 3).
type CaseStage string

const (
	CaseReceived            CaseStage = "received"
	CaseAcknowledged        CaseStage = "acknowledged"
	CaseScreening           CaseStage = "screening"
	CaseAwaitingInformation CaseStage = "awaiting_information"
	CaseNotAccepted         CaseStage = "not_accepted"
	CaseAccepted            CaseStage = "accepted"
	CaseSuspended           CaseStage = "suspended"
	CaseClosed              CaseStage = "closed"
	CaseWithdrawn           CaseStage = "withdrawn"
)

// CaseStages lists every case stage in process order.
var CaseStages = []CaseStage{
	CaseReceived, CaseAcknowledged, CaseScreening, CaseAwaitingInformation,
	CaseNotAccepted, CaseAccepted, CaseSuspended, CaseClosed, CaseWithdrawn,
}

// Valid reports whether s is a known case stage.
func (s CaseStage) Valid() bool { return contains(CaseStages, s) }

// Final reports whether nothing can follow s.
func (s CaseStage) Final() bool {
	return s == CaseNotAccepted || s == CaseClosed || s == CaseWithdrawn
}

// ReferralStage is where one company's part of a case stands.
type ReferralStage string

const (
	ReferralForwarded     ReferralStage = "forwarded"
	ReferralResponded     ReferralStage = "responded"
	ReferralDialogue      ReferralStage = "dialogue"
	ReferralInvestigation ReferralStage = "investigation"
	ReferralRemedyAgreed  ReferralStage = "remedy_agreed"
	ReferralMonitoring    ReferralStage = "monitoring"
	ReferralConcluded     ReferralStage = "concluded"
)

// ReferralStages lists every referral stage in process order.
var ReferralStages = []ReferralStage{
	ReferralForwarded, ReferralResponded, ReferralDialogue, ReferralInvestigation,
	ReferralRemedyAgreed, ReferralMonitoring, ReferralConcluded,
}

// Valid reports whether s is a known referral stage.
func (s ReferralStage) Valid() bool { return contains(ReferralStages, s) }

// Final reports whether nothing can follow s.
func (s ReferralStage) Final() bool { return s == ReferralConcluded }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
