package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// A proof-of-work challenge is "v1.<lane>.<bits>.<expires unix>.<nonce>.<mac>", signed by the
// server with a key derived from the KEK (so every instance accepts every instance's
// challenges). A proof is "<challenge>:<counter>" whose SHA-256 starts with <bits> zero bits.
// The follow-up and report pages solve it in the browser (static/proof.js); API clients send it
// in the ProofHeader.
const (
	ProofHeader     = "Remedy-Proof"
	ChallengeHeader = "Remedy-Challenge"
	challengeLife   = 10 * time.Minute
)

func (g *Guard) newChallenge(lane Lane) string {
	var nonce [12]byte
	rand.Read(nonce[:])
	exp := g.store.Now().Add(challengeLife).Unix()
	body := "v1." + lane.Name + "." + strconv.Itoa(lane.ProofBits) + "." + strconv.FormatInt(exp, 10) + "." + hex.EncodeToString(nonce[:])
	return body + "." + hex.EncodeToString(g.store.Keys().ChallengeMAC(body)[:16])
}

// verifyProof checks that proof solves a live challenge of lane that this platform issued, and
// returns the challenge.
func (g *Guard) verifyProof(lane Lane, proof string) (string, bool) {
	challenge, counter, ok := strings.Cut(strings.TrimSpace(proof), ":")
	if !ok || len(counter) == 0 || len(counter) > 20 || len(challenge) > 200 {
		return "", false
	}
	parts := strings.Split(challenge, ".")
	if len(parts) != 6 || parts[0] != "v1" || parts[1] != lane.Name || parts[2] != strconv.Itoa(lane.ProofBits) {
		return "", false
	}
	body := strings.Join(parts[:5], ".")
	mac, err := hex.DecodeString(parts[5])
	if err != nil || !hmac.Equal(mac, g.store.Keys().ChallengeMAC(body)[:16]) {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || g.store.Now().Unix() > exp {
		return "", false
	}
	return challenge, LeadingZeroBits(sha256.Sum256([]byte(challenge+":"+counter))) >= lane.ProofBits
}

// LeadingZeroBits counts the zero bits a hash starts with.
func LeadingZeroBits(sum [32]byte) int {
	n := 0
	for _, b := range sum {
		if b != 0 {
			return n + bits.LeadingZeros8(b)
		}
		n += 8
	}
	return n
}

// SolveProof finds a proof for challenge, as an API client would (and the tests do).
func SolveProof(challenge string) string {
	parts := strings.Split(challenge, ".")
	want := 0
	if len(parts) == 6 {
		want, _ = strconv.Atoi(parts[2])
	}
	for i := 0; ; i++ {
		c := strconv.Itoa(i)
		if LeadingZeroBits(sha256.Sum256([]byte(challenge+":"+c))) >= want {
			return challenge + ":" + c
		}
	}
}
