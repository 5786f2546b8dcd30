package seal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id cost parameters.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
}

// DefaultPasswordParams follow the RFC 9106 second recommendation scaled to
// 64 MiB.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 2, Threads: 2, KeyLen: 32}

const (
	saltLen = 16
	// Limits for parsing stored hashes, so a corrupted or planted row cannot
	// make a login allocate gigabytes or spin for minutes.
	maxMemory = 4 * 1024 * 1024 // KiB = 4 GiB
	maxTime   = 100
	minKeyLen = 16
	maxKeyLen = 1024
	minSalt   = 8
	maxSalt   = 1024
)

var b64 = base64.RawStdEncoding.Strict()

func (p PasswordParams) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d out of range 1..%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key length %d out of range %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// HashPassword hashes password with argon2id and a random salt, returning
// "$argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>".
func HashPassword(password string, p PasswordParams) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("seal: password params: %w", err)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("seal: generate salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// NoPasswordHash stands in for the stored hash of an account that has no password yet (it was
// made for a set-up link). It is a real argon2id hash, with the default parameters, of a random
// secret that is thrown away at once: signing in to such an account does the same work as a
// wrong password and fails the same way, so neither the answer nor its timing tells that the
// account is still waiting for its set-up.
var NoPasswordHash = sync.OnceValue(func() string {
	h, err := HashPassword(rand.Text()+rand.Text(), DefaultPasswordParams)
	if err != nil {
		panic(err)
	}
	return h
})

// VerifyPassword checks password against an encoded hash from HashPassword,
// using the parameters recorded in it. A wrong password is (false, nil); a
// malformed encoding is an error.
func VerifyPassword(encoded, password string) (ok bool, err error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, fmt.Errorf("seal: password hash: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func parsePHC(encoded string) (p PasswordParams, salt, hash []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, errors.New("not in $argon2id$v=..$m=..,t=..,p=..$salt$hash form")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("unsupported version %q", parts[2])
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, fmt.Errorf("bad parameters %q", parts[3])
	}
	var vals [3]uint64
	for i, name := range [...]string{"m", "t", "p"} {
		v, found := strings.CutPrefix(fields[i], name+"=")
		// ParseUint alone would accept "+1" or "0x10" forms; require plain digits.
		if !found || v == "" || strings.TrimLeft(v, "0123456789") != "" {
			return p, nil, nil, fmt.Errorf("bad parameters %q", parts[3])
		}
		vals[i], err = strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, fmt.Errorf("bad parameters %q", parts[3])
		}
	}
	if vals[2] > 255 {
		return p, nil, nil, fmt.Errorf("bad parameters %q", parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSalt || len(salt) > maxSalt {
		return p, nil, nil, errors.New("bad salt")
	}
	if hash, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, errors.New("bad hash encoding")
	}
	p = PasswordParams{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]), KeyLen: uint32(len(hash))}
	if err := p.validate(); err != nil {
		return p, nil, nil, err
	}
	return p, salt, hash, nil
}
