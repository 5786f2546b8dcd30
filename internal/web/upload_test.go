package web

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/media"
	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// Typing a file costs nothing: the costly copy is made only once the input passed validation,
// by ShareableCopies, so a report that fails validation never has its images decoded.
func TestPrepareAttachmentDoesNotClean(t *testing.T) {
	a, problem := PrepareAttachment("photo.jpg", mediatest.JPEGWithGPS(16, 8))
	if problem != "" || a.ContentType != "image/jpeg" || a.Shareable != nil {
		t.Fatalf("PrepareAttachment = %q, %q, copy %d bytes", problem, a.ContentType, len(a.Shareable))
	}
	files := []grievance.Attachment{a, {Name: "doc.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4"), Shareable: []byte("stale")}}
	ShareableCopies(files)
	if files[0].Shareable == nil || media.HasLocation(files[0].Shareable) {
		t.Error("the photo got no clean copy")
	}
	if files[1].Shareable != nil {
		t.Error("a PDF (never cleaned) keeps a copy")
	}
}

func TestPrepareAttachmentRefusesOtherTypes(t *testing.T) {
	for name, data := range map[string][]byte{
		"report.docx": []byte("PK\x03\x04\x14\x00\x06\x00[Content_Types].xml"),
		"run.exe":     []byte("MZ\x90\x00"),
	} {
		if _, problem := PrepareAttachment(name, data); problem != "unsupported_file_type" {
			t.Errorf("%s: problem %q", name, problem)
		}
	}
}
