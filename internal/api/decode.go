package api

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/remedy-grievance/remedy/internal/web"
)

// MaxBodyBytes bounds a report's body: its text and attachments, base64-encoded.
const MaxBodyBytes = 40 << 20

// MaxMessageBytes bounds a message's body: its text at the longest, every character escaped.
const MaxMessageBytes = 1 << 20

// decodeJSON reads a bounded JSON body into v strictly: the Content-Type must be
// application/json (else 415); member names must match exactly (no case variants), may not
// repeat and must be known (else 400 naming the field), and nothing may follow the value. It
// answers the request itself and returns false when the body is unusable.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, lang, invalidCode string, limit int64) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, lang, "unsupported_media_type", nil)
		return false
	}
	data, err := readBody(w, r, limit)
	if err == nil {
		err = unmarshalStrict(data, v)
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	var semantic *json.SemanticError
	var syntactic *jsontext.SyntacticError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, lang, "too_large", nil)
	case errors.Is(err, web.ErrSlowUpload) || web.UploadCut(r):
		writeError(w, http.StatusRequestTimeout, lang, "too_slow", nil)
	case errors.As(err, &syntactic) && errors.Is(syntactic.Err, jsontext.ErrDuplicateName):
		writeError(w, http.StatusBadRequest, lang, invalidCode, map[string]string{fieldName(syntactic.JSONPointer): "duplicate_field"})
	case errors.As(err, &semantic) && errors.Is(semantic.Err, json.ErrUnknownName):
		writeError(w, http.StatusBadRequest, lang, invalidCode, map[string]string{fieldName(semantic.JSONPointer): "unknown_field"})
	case errors.As(err, &semantic) && semantic.JSONPointer != "" && semantic.GoType != nil:
		writeError(w, http.StatusBadRequest, lang, invalidCode, map[string]string{fieldName(semantic.JSONPointer): "invalid_type"})
	default:
		writeError(w, http.StatusBadRequest, lang, "invalid_json", nil)
	}
	return false
}

// readBody reads the whole body, at most limit bytes, into one buffer of the declared size.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, limit)
	r.Body = body
	var buf bytes.Buffer
	if r.ContentLength > 0 && r.ContentLength <= limit {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}

// unmarshalStrict decodes one JSON value into v. Names are matched case-sensitively, duplicates
// and unknown names are refused (encoding/json takes the last of duplicates and matches names in
// any case, so {"Description":…,"description":…} would pass it).
func unmarshalStrict(data []byte, v any) error {
	return json.Unmarshal(data, v, json.RejectUnknownMembers(true), jsontext.AllowDuplicateNames(false), json.MatchCaseInsensitiveNames(false))
}

// fieldName turns a JSON pointer ("/companies/0/name") into the field naming of our errors
// ("companies[0].name").
func fieldName(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}
