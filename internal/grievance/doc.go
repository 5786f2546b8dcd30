// Package grievance holds the rules of the mechanism: case and referral stages, who may move a
// case or referral from one stage to another, what a move must carry (a reason, an outcome, …),
// the code lists, intake validation and the deadlines of the timeline policy.
//
// It is pure Go with no I/O so that the web pages, the API, the imports and the store all ask the
// same rules, and so that every rule can be tested in a table.
package grievance
