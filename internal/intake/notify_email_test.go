package intake_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestNotifyEmail: a reporter leaves an address with the report (a bad one keeps the form),
// the receipt page says what it will receive, and the case page removes it and adds one.
func TestNotifyEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newSite(t, s)
		ctx := context.Background()
		resp, page := w.postForm("/report", "vi", append(validFields(), [2]string{"notify_email", "not an address"}), nil)
		if resp.StatusCode != 400 || !strings.Contains(page, `value="not an address"`) || !strings.Contains(page, "Công ty giữ hộ chiếu") {
			t.Fatalf("a bad address: %d, form kept? %v", resp.StatusCode, strings.Contains(page, "Công ty giữ hộ chiếu"))
		}
		resp, page = w.postForm("/report", "vi", append(validFields(), [2]string{"notify_email", "worker@example.net"}), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("filing: %d", resp.StatusCode)
		}
		receipt := receiptFrom(t, page)
		if !strings.Contains(page, "chỉ viết thư đến địa chỉ") {
			t.Error("the receipt page does not say what the address receives")
		}
		id, _ := s.CaseIDByReceipt(ctx, receipt)
		if addr, err := s.ReporterAddress(ctx, id); err != nil || addr != "worker@example.net" {
			t.Fatalf("stored address %q %v", addr, err)
		}
		var raw []byte
		if err := s.DB().QueryRowContext(ctx, storetest.Rebind(s, `SELECT address_sealed FROM reporter_addresses WHERE case_id = ?`), id).Scan(&raw); err != nil || strings.Contains(string(raw), "example.net") {
			t.Fatalf("the address is not sealed: %v", err)
		}
		w.postURLEncoded("/follow-up", url.Values{"receipt": {receipt}})
		_, page = w.get("/follow-up/case", "vi")
		if strings.Contains(page, "worker@example.net") || !strings.Contains(page, `value="remove"`) {
			t.Fatal("the case page shows the address, or offers no removal")
		}
		if resp, _ = w.postURLEncoded("/follow-up/address", url.Values{"action": {"remove"}}); resp.StatusCode != 303 {
			t.Fatalf("remove: %d", resp.StatusCode)
		}
		if has, _ := s.HasReporterAddress(ctx, id); has {
			t.Fatal("the address is still there")
		}
		if resp, _ = w.postURLEncoded("/follow-up/address", url.Values{"action": {"save"}, "notify_email": {"x@"}}); resp.StatusCode != 400 {
			t.Fatalf("a bad address: %d", resp.StatusCode)
		}
		if resp, _ = w.postURLEncoded("/follow-up/address", url.Values{"action": {"save"}, "notify_email": {"new@example.org"}}); resp.StatusCode != 303 {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if addr, _ := s.ReporterAddress(ctx, id); addr != "new@example.org" {
			t.Fatalf("address %q", addr)
		}
	})
}
