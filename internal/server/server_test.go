package server

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestAddressScrubberRemovesClientAddresses(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	addressScrubber{}.Write([]byte("http: TLS handshake error from 203.0.113.5:51234: EOF\n"))
	addressScrubber{}.Write([]byte("http: TLS handshake error from [2001:db8::1]:443: EOF\n"))
	out := buf.String()
	for _, leak := range []string{"203.0.113.5", "2001:db8::1", "51234"} {
		if strings.Contains(out, leak) {
			t.Errorf("log line kept %q: %s", leak, out)
		}
	}
	if strings.Count(out, "[address]") != 2 {
		t.Errorf("addresses not marked as removed: %s", out)
	}
}
