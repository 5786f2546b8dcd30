package main

import (
	"encoding/csv"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const importFixture = "../../internal/history/testdata/console-fixture.csv"

func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// The built command's dry run checks the fixture and writes nothing; the real run imports every
// good row, lists the rejected ones by line and exits 1; a second run skips what is in.
func TestImportCommand(t *testing.T) {
	data := t.TempDir()
	rejects := filepath.Join(t.TempDir(), "rejects.csv")

	out, err := runRemedy(t, "import", "--data", data, "--mapping", "accountability-console", "--dry-run", importFixture)
	if exitStatus(err) != 1 {
		t.Fatalf("dry run with rejected rows: %v\n%s", err, out)
	}
	for _, want := range []string{"Dry run: nothing was written.", "rows read:    17", "would import: 15", "rejected:     2",
		`line 17 (key `, `"Filing Date" is not a date`, "line 18 (key ", "line 9 (key "} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	// The flags may follow the file too.
	out, err = runRemedy(t, "import", "--data", data, importFixture, "--mapping", "accountability-console", "--rejects", rejects)
	if exitStatus(err) != 1 {
		t.Fatalf("import with rejected rows: %v\n%s", err, out)
	}
	for _, want := range []string{"imported:     15", "skipped:      0", "adjusted:     6", "rejected:     2", "2 row(s) rejected; the other rows were imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// Nothing of a row but its line, key and reason is printed.
	for _, content := range []string{"Stonegate", "Foxglove", "Space debris", "13/45/12", "Villagers", "Kyrgyz"} {
		if strings.Contains(out, content) {
			t.Errorf("the output shows row content %q:\n%s", content, out)
		}
	}
	f, err := os.Open(rejects)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 || rows[1][0] != "Foxglove Textile Park" || !strings.Contains(rows[2][len(rows[2])-1], `"Issues"`) {
		t.Fatalf("rejects file: %v %q", err, rows)
	}
	if info, _ := os.Stat(rejects); info.Mode().Perm() != 0o600 {
		t.Errorf("the rejects file holds row content and is readable by others: %v", info.Mode())
	}

	out, err = runRemedy(t, "import", "--data", data, "--mapping", "accountability-console", importFixture)
	if exitStatus(err) != 1 || !strings.Contains(out, "imported:     0") || !strings.Contains(out, "skipped:      15") ||
		!strings.Contains(out, "imported before as R-2013-") {
		t.Fatalf("second import: %v\n%s", err, out)
	}

	// Only good rows: exit 0.
	good := filepath.Join(t.TempDir(), "good.csv")
	all, _ := os.ReadFile(importFixture)
	r := csv.NewReader(strings.NewReader(string(all)))
	records, _ := r.ReadAll()
	var keep [][]string
	for _, rec := range records {
		if rec[0] != "Foxglove Textile Park" && rec[0] != "Juniper Solar Array" {
			keep = append(keep, rec)
		}
	}
	gf, _ := os.Create(good)
	csv.NewWriter(gf).WriteAll(keep)
	gf.Close()
	out, err = runRemedy(t, "import", "--data", t.TempDir(), "--mapping", "accountability-console", good)
	if err != nil || !strings.Contains(out, "imported:     15") || !strings.Contains(out, "rejected:     0") {
		t.Fatalf("import of good rows only: %v\n%s", err, out)
	}

	if out, err := runRemedy(t, "audit", "verify", "--data", data); err != nil || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("audit verify after the imports: %v\n%s", err, out)
	}
}

func TestImportCommandNeedsAMapping(t *testing.T) {
	out, err := runRemedy(t, "import", "--data", t.TempDir(), importFixture)
	if exitStatus(err) == 0 || !strings.Contains(out, "--mapping") {
		t.Fatalf("import without --mapping: %v\n%s", err, out)
	}
	out, err = runRemedy(t, "import", "--data", t.TempDir(), "--mapping", "no-such-mapping", importFixture)
	if exitStatus(err) == 0 || !strings.Contains(out, "accountability-console") {
		t.Fatalf("an unknown mapping: %v\n%s", err, out)
	}
}
