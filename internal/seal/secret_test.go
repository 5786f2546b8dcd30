package seal

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealSecretRoundTripAndBinding(t *testing.T) {
	k, other := newTestKeyring(t), newTestKeyring(t)
	secret := []byte("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	sealed, err := k.SealSecret("totp/user/1", secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, secret) || bytes.Contains(sealed, []byte("JBSWY3DP")) {
		t.Fatal("the secret shows in its sealed form")
	}
	got, err := k.OpenSecret("totp/user/1", sealed)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open = %q, %v", got, err)
	}
	again, _ := k.SealSecret("totp/user/1", secret)
	if bytes.Equal(again, sealed) {
		t.Fatal("two seals of one secret are identical (nonce not random)")
	}
	if _, err := k.OpenSecret("totp/user/2", sealed); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("opened for another purpose: %v", err)
	}
	if _, err := other.OpenSecret("totp/user/1", sealed); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("opened with another keyring: %v", err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := k.OpenSecret("totp/user/1", bad); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d altered, still opened: %v", i, err)
		}
	}
	for _, short := range [][]byte{nil, {}, {secretVersion}, sealed[:headerSize+tagSize-1]} {
		if _, err := k.OpenSecret("totp/user/1", short); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("short input %d bytes: %v", len(short), err)
		}
	}
	empty, err := k.SealSecret("p", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.OpenSecret("p", empty); err != nil || len(got) != 0 {
		t.Fatalf("empty secret: %q, %v", got, err)
	}
}
