package server_test

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// TestOpenAPIListsEveryAPIRoute keeps docs/openapi.yaml true: every API route the server has is
// documented, and nothing documented is missing from the server.
func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	f, err := os.Open("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pathLine := regexp.MustCompile(`^  (/\S*):\s*$`)
	methodLine := regexp.MustCompile(`^    (get|post|put|patch|delete):`)
	var documented []string
	path := ""
	inPaths := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "paths:":
			inPaths = true
		case inPaths && len(line) > 0 && line[0] != ' ':
			inPaths = false
		case inPaths && pathLine.MatchString(line):
			path = pathLine.FindStringSubmatch(line)[1]
		case inPaths && methodLine.MatchString(line):
			documented = append(documented, strings.ToUpper(methodLine.FindStringSubmatch(line)[1])+" "+path)
		}
	}
	routes := server.Routes(storetest.Open(t, store.SQLite, storetest.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	var served []string
	for _, p := range routes.Patterns {
		if strings.Contains(p, " /api/") || strings.HasSuffix(p, " /healthz") || strings.HasSuffix(p, " /readyz") || strings.HasSuffix(p, " /livez") {
			served = append(served, p)
		}
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("docs/openapi.yaml documents\n%s\n\nbut the server serves\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
}
