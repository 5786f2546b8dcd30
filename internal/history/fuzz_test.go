package history

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/remedy-grievance/remedy/internal/grievance"
)

// FuzzImportCSV: any file is read as Import reads it (CSV, the header bound to the mapping, each
// row keyed and converted to a historic case) without panicking, and every converted case passes
// the store's check without panicking. The database side of Import is left out, so that the fuzzer
// runs thousands of files a second.
func FuzzImportCSV(f *testing.F) {
	for _, path := range []string{"testdata/simple.csv"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("\ufeffa,b\n\"unterminated,1\n"))
	var mappings []*Mapping
	for _, name := range []string{"accountability-console", "testdata/simple-mapping.json"} {
		m, err := LoadMapping(name)
		if err != nil {
			f.Fatal(err)
		}
		mappings = append(mappings, m)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range mappings {
			cr := csv.NewReader(bytes.NewReader(data))
			cr.FieldsPerRecord = -1
			header, err := cr.Read()
			if err != nil {
				continue
			}
			header[0] = strings.TrimPrefix(header[0], "\ufeff")
			tb, err := m.bind(header, time.UTC)
			if err != nil {
				continue
			}
			for {
				cells, err := cr.Read()
				if err == io.EOF {
					break
				}
				if err != nil || len(cells) != len(header) {
					continue
				}
				tb.key(cells)
				hc, _, err := tb.convert(cells)
				if err != nil {
					continue
				}
				if hc.Report.ReceivedAt.IsZero() {
					t.Fatal("a converted row has no date of receipt")
				}
				hc.Report.Normalize()
				hc.Report.ValidateHistoric(grievance.DefaultLimits) // the store's check: it may refuse, never panic
			}
		}
	})
}
