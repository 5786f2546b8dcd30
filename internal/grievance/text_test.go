package grievance_test

import (
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

func TestNamesLoseBidiControls(t *testing.T) {
	controls := "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
	r := grievance.Report{
		IdentityName: "Nguy\u202eễn",
		Companies:    []grievance.CompanyRef{{Name: "Hikari\u2067 Foods"}},
		Attachments:  []grievance.Attachment{{Name: "invoice\u202Efdp.exe"}},
	}
	r.Normalize()
	for _, s := range []string{r.IdentityName, r.Companies[0].Name, r.Attachments[0].Name} {
		if strings.ContainsAny(s, controls) {
			t.Errorf("%q keeps a bidi control", s)
		}
	}
	if r.Attachments[0].Name != "invoicefdp.exe" {
		t.Errorf("file name %q", r.Attachments[0].Name)
	}
	if got := grievance.PlainName("عربي " + controls + "name"); got != "عربي name" {
		t.Errorf("PlainName = %q (right-to-left text itself must stay)", got)
	}
}
