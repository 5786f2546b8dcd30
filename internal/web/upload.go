package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/media"
)

// acceptedFileTypes are the types a sniff of the bytes may give. Anything else (executables,
// archives, office documents and their macros) is refused rather than stored for a handler to
// open. Which of them can be cleaned of metadata for sharing is media.Cleans.
var acceptedFileTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain; charset=utf-8": true, "text/plain; charset=utf-16le": true, "text/plain; charset=utf-16be": true,
	"audio/mpeg": true, "audio/wave": true, "application/ogg": true, "audio/aiff": true,
	"video/mp4": true, "video/webm": true, "audio/mp4": true,
}

// PrepareAttachment decides a file's type from its bytes and refuses types we do not take. It
// returns a problem code ("unsupported_file_type") when the file cannot be taken. It does no
// costly work: the copy without metadata is made by ShareableCopies, once the report or message
// has passed validation.
func PrepareAttachment(name string, data []byte) (grievance.Attachment, string) {
	a := grievance.Attachment{Name: name, Data: data, ContentType: http.DetectContentType(data)}
	if len(data) == 0 {
		return a, ""
	}
	if !acceptedFileTypes[a.ContentType] {
		return a, "unsupported_file_type"
	}
	return a, ""
}

// ShareableCopies makes, for each file, the copy without metadata that is the only one ever
// shared beyond the secretariat. A file that cannot be cleaned (its type, its size, or too many
// images being cleaned at once) keeps no copy: it stays with the secretariat, and the handler
// sees that on the desk. Call it only for input that passed validation, just before storing it.
func ShareableCopies(files []grievance.Attachment) {
	for i := range files {
		a := &files[i]
		a.Shareable = nil
		if len(a.Data) == 0 {
			continue
		}
		clean, err := media.Shareable(a.ContentType, a.Data)
		if errors.Is(err, media.ErrBusy) {
			slog.Warn("a file was stored without a shareable copy: too many images being cleaned", "type", a.ContentType)
		}
		if err == nil {
			a.Shareable = clean
		}
	}
}
