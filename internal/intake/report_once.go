package intake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/web"
)

// Each report form carries a one-time token (store.FilingToken): a second Send of the same form,
// or the browser's "send again" on reloading the receipt, shows the receipt of the case the
// first one filed instead of filing another. The receipt page is still the answer to the POST
// itself, never a page to redirect to or to find in the history: nothing but the form's own
// data brings it back, and only for store.FilingReceiptTTL.

// newFilingToken is 128 random bits, so no one can guess another reporter's token.
func newFilingToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// filingToken reads the form's token with a digest of everything else sent; ok is false when the
// form carries none that could be ours (a page older than the token), which files as before.
func filingToken(values url.Values, files []web.Upload) (store.FilingToken, bool) {
	token := values.Get("filing")
	if len(token) != 22 {
		return store.FilingToken{}, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return store.FilingToken{}, false
	}
	h := sha256.New()
	keys := make([]string, 0, len(values))
	for k := range values {
		if k != "filing" && k != "proof" { // a proof of work differs between two sends
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	field := func(b []byte) { // length-prefixed, so no two forms give the same stream
		n := len(b)
		h.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		h.Write(b)
	}
	for _, k := range keys {
		field([]byte(k))
		field([]byte(strconv.Itoa(len(values[k]))))
		for _, v := range values[k] {
			field([]byte(v))
		}
	}
	for _, f := range files {
		field([]byte(f.Name))
		field(f.Data)
	}
	t := store.FilingToken{Token: token}
	copy(t.Digest[:], h.Sum(nil))
	return t, true
}
