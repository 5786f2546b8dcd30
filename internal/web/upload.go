package web

import (
	"net/http"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/media"
)

// acceptedFileTypes are the types a sniff of the bytes may give. Anything else (executables,
// archives, office macros) is refused rather than stored for a handler to open.
var acceptedFileTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true, "text/plain; charset=utf-16le": true, "text/plain; charset=utf-16be": true,
	"audio/mpeg": true, "audio/wave": true, "application/ogg": true, "audio/aiff": true,
	"video/mp4": true, "video/webm": true, "audio/mp4": true,
}

// PrepareAttachment decides a file's type from its bytes, refuses types we do not take, and makes
// the copy without metadata that is the only one ever shared beyond the secretariat. It returns a
// problem code ("unsupported_file_type") when the file cannot be taken.
func PrepareAttachment(name string, data []byte) (grievance.Attachment, string) {
	a := grievance.Attachment{Name: name, Data: data, ContentType: http.DetectContentType(data)}
	if len(data) == 0 {
		return a, ""
	}
	if !acceptedFileTypes[a.ContentType] {
		return a, "unsupported_file_type"
	}
	if strings.HasPrefix(a.ContentType, "image/") {
		// An image that cannot be cleaned keeps no shareable copy: it stays with the secretariat.
		if clean, stripped, err := media.Shareable(a.ContentType, data); err == nil && stripped {
			a.Shareable = clean
		}
	}
	return a, ""
}
