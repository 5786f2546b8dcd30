package grievance

import "time"

// Attention is why a case sits in the desk's "needs attention" view, in the order the view
// lists them: new messages first, then what is overdue, then what is due soon, then reports of
// urgency or of fear of retaliation. A case that fits several is listed once, for the first.
type Attention int

const (
	AttentionNone       Attention = iota
	AttentionNewMessage           // someone else wrote since the viewer last opened the case
	AttentionOverdue
	AttentionDueSoon // due within AttentionSoonDays
	AttentionRisk    // urgent, someone in danger, or the reporter fears retaliation
)

// AttentionSoonDays is how near a deadline puts a case in the view.
const AttentionSoonDays = 7

// AttentionOf says why an open case needs attention, if it does. The store's query for the view
// (store.Inbox with Attention) is this rule in SQL; TestAttentionOrder holds the two together.
func AttentionOf(newMessage bool, due, now time.Time, urgency Urgency, fearsRetaliation bool) Attention {
	switch {
	case newMessage:
		return AttentionNewMessage
	case Overdue(due, now):
		return AttentionOverdue
	case !due.IsZero() && !due.After(now.AddDate(0, 0, AttentionSoonDays)):
		return AttentionDueSoon
	case urgency != "" && urgency != "normal", fearsRetaliation:
		return AttentionRisk
	}
	return AttentionNone
}

// Key names the reason for the catalogs ("attention.new_message", …).
func (a Attention) Key() string {
	switch a {
	case AttentionNewMessage:
		return "new_message"
	case AttentionOverdue:
		return "overdue"
	case AttentionDueSoon:
		return "due_soon"
	case AttentionRisk:
		return "risk"
	}
	return ""
}
