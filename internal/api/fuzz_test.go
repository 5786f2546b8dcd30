package api

import (
	"testing"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// FuzzReportJSON: any body either is refused by the strict decoder or gives a report that the
// rules can normalise and judge, without panicking.
func FuzzReportJSON(f *testing.F) {
	f.Add([]byte(`{"language":"vi","description":"d","country":"JP","companies":[{"name":"Hikari Foods","relation":"supplier"}],"categories":["forced_labour"],"people_affected":12}`))
	f.Add([]byte(`{"description":"a","description":"b"}`))
	f.Add([]byte(`{"Description":"a","anonymous":false,"identity_name":"N\u202e","attachments":[{"name":"x.jpg","data":"/9j/"}]}`))
	f.Add([]byte(`[1,2,{"a":null}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var j reportJSON
		if err := unmarshalStrict(body, &j); err != nil {
			return
		}
		r := j.report()
		r.Normalize()
		r.Validate(grievance.DefaultLimits)
		if r.Anonymous && (r.IdentityName != "" || r.IdentityContact != "") {
			t.Fatal("an anonymous report keeps an identity")
		}
	})
}
