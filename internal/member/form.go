package member

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// upload is one file read from a form.
type upload struct {
	Name string
	Data []byte
}

// Form limits: a message may carry as many files, as large, as a report may.
var (
	maxFiles     = grievance.DefaultLimits.Attachments
	maxFileBytes = grievance.DefaultLimits.AttachmentBytes
)

const (
	maxFieldBytes = 1 << 20
	maxFormBytes  = 120 << 20
)

// readForm reads a multipart form part by part, like the reporters' pages do: every text field
// read before a problem with the files is kept (the file input comes last in the form), so
// nobody loses what they wrote because a file was too big. problem is "" or a problem code for
// the files ("too_large", "too_many").
func readForm(w http.ResponseWriter, r *http.Request) (values url.Values, files []upload, problem string) {
	values = url.Values{}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		// Not multipart (a client that ignored enctype): read it plainly.
		if perr := r.ParseForm(); perr == nil {
			return r.PostForm, nil, ""
		}
		return values, nil, "too_large"
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return values, files, problem
		}
		if err != nil {
			return values, files, "too_large"
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil || len(b) > maxFieldBytes {
				return values, files, "too_large"
			}
			values.Add(part.FormName(), string(b))
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, int64(maxFileBytes)+1))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig), err != nil:
			return values, files, "too_large"
		case len(b) == 0:
			// an empty file input
		case len(b) > maxFileBytes:
			problem = "too_large"
		case len(files) >= maxFiles:
			problem = "too_many"
		default:
			files = append(files, upload{Name: cleanFileName(part.FileName()), Data: b})
		}
	}
}

// cleanFileName keeps only the base name a browser sent (some send a full path).
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}
