package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// Upload is one file read from a form.
type Upload struct {
	Name string
	Data []byte
}

// A form may carry as many files, as large, as a report may.
var (
	MaxFiles     = grievance.DefaultLimits.Attachments
	MaxFileBytes = grievance.DefaultLimits.AttachmentBytes
)

const maxFieldBytes = 1 << 20

// maxFormBytes holds every file at its largest, with room for the text fields.
var maxFormBytes = int64(MaxFiles*MaxFileBytes) + 8<<20

// ReadForm reads a multipart form part by part. Unlike ParseMultipartForm it keeps every text
// field read before a problem with the files (the file input comes last in our forms), so nobody
// loses what they wrote because a photo was too big or the connection too slow. problem is "" or
// a field problem code for the files ("too_large", "too_many", or "too_slow" when the upload was
// cut for falling below the minimum rate: GuardBody). A form that is not multipart (a client that
// ignored enctype) is read plainly.
func ReadForm(w http.ResponseWriter, r *http.Request) (values url.Values, files []Upload, problem string) {
	values = url.Values{}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	broken := func(err error) string {
		if errors.Is(err, ErrSlowUpload) || UploadCut(r) {
			return "too_slow"
		}
		return "too_large"
	}
	mr, err := r.MultipartReader()
	if err != nil {
		if perr := r.ParseForm(); perr == nil {
			return r.PostForm, nil, ""
		} else {
			return values, nil, broken(perr)
		}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return values, files, problem
		}
		if err != nil {
			return values, files, broken(err)
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return values, files, broken(err)
			}
			if len(b) > maxFieldBytes {
				return values, files, "too_large"
			}
			values.Add(part.FormName(), string(b))
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, int64(MaxFileBytes)+1))
		switch {
		case err != nil: // the whole form is over maxFormBytes, or the connection broke or was cut
			return values, files, broken(err)
		case len(b) == 0:
			// an empty file input
		case len(b) > MaxFileBytes:
			problem = "too_large"
		case len(files) >= MaxFiles:
			problem = "too_many"
		default:
			files = append(files, Upload{Name: cleanFileName(part.FileName()), Data: b})
		}
	}
}

// cleanFileName keeps only the base name a browser sent (some send a full path).
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return CleanName(name)
}

// CleanName is a name or file name as it may be shown: without bidi controls (grievance.PlainName).
func CleanName(name string) string { return grievance.PlainName(name) }
