package api

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/remedy-grievance/remedy/internal/store"
)

// A client that retries POST /api/v1/reports after a timeout must not file the report twice,
// and must still get the receipt: it sends an Idempotency-Key (store.FilingToken). The key must
// be unguessable — it is what gives the receipt back — so a short one is refused.
const (
	minIdempotencyKey = 22 // 128 bits in base64; a UUID's 36 characters pass
	maxIdempotencyKey = 255
)

// idempotencyKey reads the request's key with a digest of the report; ok is false for a key
// that is too short, too long or not printable ASCII.
func idempotencyKey(r *http.Request, body reportJSON) (once store.FilingToken, has, ok bool) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return once, false, true
	}
	if len(key) < minIdempotencyKey || len(key) > maxIdempotencyKey {
		return once, false, false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return once, false, false
		}
	}
	canonical, err := json.Marshal(body) // the decoded report, so spacing and key order do not count
	if err != nil {
		return once, false, false
	}
	return store.FilingToken{Token: "api/" + key, Digest: sha256.Sum256(canonical)}, true, true
}

// filingRepeat answers a key that filed a case already, and reports whether it did: the same
// report gets the first answer again; other content, or a repeat after the receipt is no longer
// kept (store.FilingReceiptTTL), gets 409.
func (h *Handler) filingRepeat(w http.ResponseWriter, r *http.Request, lang string, once store.FilingToken) bool {
	got, err := h.store.FilingRepeat(r.Context(), once)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		h.internalError(w, r, lang, err)
		return true
	}
	if !got.SameContent || got.Receipt == "" {
		writeError(w, http.StatusConflict, lang, "idempotency_key_used", nil)
		return true
	}
	w.Header().Set("Idempotent-Replayed", "true")
	writeJSON(w, http.StatusCreated, map[string]string{"reference": got.Reference, "receipt": got.Receipt})
	return true
}
