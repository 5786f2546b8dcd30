// Package audit defines the hash chain of the audit log: each entry's hash covers its own fields
// and the previous entry's hash, so altering, removing or reordering any stored entry breaks every
// link after it. The store appends entries in the same transaction as the change they record.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// Entry is one audited event. Detail is JSON of non-secret facts (codes, ids, stage names):
// never report text, identities, receipts or addresses.
type Entry struct {
	Seq      int64
	At       time.Time
	Actor    string // "user:12", "reporter", "system", "token:3"
	Action   string // "case.create", "case.stage", "message.create", "identity.show", …
	CaseID   int64  // 0 when the event concerns no case
	Detail   string
	PrevHash []byte
	Hash     []byte
}

// Genesis is the hash before the first entry.
var Genesis = make([]byte, sha256.Size)

// Sum is the hash of e chained to prev. Fields are length-prefixed so that no two different
// entries can encode to the same bytes.
func Sum(prev []byte, e Entry) []byte {
	h := sha256.New()
	h.Write([]byte("remedy-audit-v1"))
	writeField := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	var num [8]byte
	writeField(prev)
	binary.BigEndian.PutUint64(num[:], uint64(e.Seq))
	writeField(num[:])
	writeField([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	writeField([]byte(e.Actor))
	writeField([]byte(e.Action))
	binary.BigEndian.PutUint64(num[:], uint64(e.CaseID))
	writeField(num[:])
	writeField([]byte(e.Detail))
	return h.Sum(nil)
}

// Break describes the first entry where the chain does not hold.
type Break struct {
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", b.Seq, b.Reason)
}

// Verifier checks entries fed to it in sequence order.
type Verifier struct {
	prev    []byte
	nextSeq int64
	Count   int64
}

// NewVerifier starts at the genesis hash and sequence 1.
func NewVerifier() *Verifier { return &Verifier{prev: Genesis, nextSeq: 1} }

// Check verifies the next entry; it returns a *Break at the first problem.
func (v *Verifier) Check(e Entry) error {
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d (an entry is missing or out of order)", v.nextSeq)}
	case !bytes.Equal(e.PrevHash, v.prev):
		return &Break{Seq: e.Seq, Reason: "its previous-hash does not match the entry before it"}
	case !bytes.Equal(e.Hash, Sum(v.prev, e)):
		return &Break{Seq: e.Seq, Reason: "its content does not match its hash (the entry was altered)"}
	}
	v.prev, v.nextSeq = e.Hash, e.Seq+1
	v.Count++
	return nil
}

// Head is the hash and sequence of the last verified entry.
func (v *Verifier) Head() (int64, []byte) { return v.nextSeq - 1, v.prev }
