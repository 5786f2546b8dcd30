package desk

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// upload is one file read from a form.
type upload struct {
	Name string
	Data []byte
}

// Form limits, as on the public form: up to maxFiles files of maxFileBytes each.
const (
	maxFiles      = 10
	maxFileBytes  = 10 << 20
	maxFieldBytes = 1 << 20
	maxFormBytes  = 60 << 20
)

// readForm reads a multipart form part by part, keeping every text field read before a problem
// with the files (the file input comes last), so a handler typing a long phone report never
// loses it to a file that is too big. problem is "" or a field problem code for the files.
// (A copy of the intake package's reader, which is not exported.)
func readForm(w http.ResponseWriter, r *http.Request) (values url.Values, files []upload, problem string) {
	values = url.Values{}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
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
		b, err := io.ReadAll(io.LimitReader(part, maxFileBytes+1))
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
			name := part.FileName()
			if i := strings.LastIndexAny(name, `/\`); i >= 0 {
				name = name[i+1:]
			}
			files = append(files, upload{Name: strings.TrimSpace(name), Data: b})
		}
	}
}
