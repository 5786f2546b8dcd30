package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// MessageForm is a multipart form with files, read by ReadAttachments.
type MessageForm struct {
	Values      url.Values
	Attachments []grievance.Attachment // typed by their bytes, not yet cleaned
	Problem     string                 // "" or the files' problem code ("too_large", "too_many", "too_slow", "unsupported_file_type")
	Lost        bool                   // files were chosen: the page shown again must ask for them again
}

// ReadAttachments reads a form with files the way every upload is read (ReadForm: the limits on
// count and size, the minimum rate of GuardBody) and types each file (PrepareAttachment), so the
// report, the reporter's reply, the desk's and the company's messages take the same files. The
// returned request is r, or, when a slow upload was cut (which ends r's context), r with a
// detached context so that the answer can still be written; call done when finished.
func ReadAttachments(w http.ResponseWriter, r *http.Request) (*http.Request, MessageForm, func()) {
	values, files, problem := ReadForm(w, r)
	done := func() {}
	if problem == "too_slow" {
		var ctx context.Context
		ctx, done = Detached(r)
		r = r.WithContext(ctx)
	}
	f := MessageForm{Values: values, Problem: problem, Lost: len(files) > 0 || problem != ""}
	for _, u := range files {
		a, p := PrepareAttachment(u.Name, u.Data)
		if p != "" {
			f.Problem = p
		}
		f.Attachments = append(f.Attachments, a)
	}
	return r, f, done
}
