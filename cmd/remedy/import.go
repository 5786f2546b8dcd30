package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/remedy-grievance/remedy/internal/history"
)

const importUsage = `Usage: remedy import [--data DIR | --database-url URL] --mapping NAME|FILE.json [--dry-run] [--rejects FILE.csv] FILE.csv

Imports past cases from a CSV file through a column mapping (docs/import.md). Rows imported
before are skipped, so the import can be run again. Exit status: 0 when every row was imported
or skipped, 1 when a row was rejected (the others are still imported) or the import failed.

Built-in mappings: %s

`

func importCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	mappingName := fs.String("mapping", "", "a built-in mapping's name or a mapping JSON file")
	dryRun := fs.Bool("dry-run", false, "check every row and report, write nothing")
	rejectsPath := fs.String("rejects", "", "write the rejected rows, with a reason column, to this CSV file")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), importUsage, strings.Join(history.BuiltinMappings(), ", "))
		fs.PrintDefaults()
	}
	// Flags may come after the file too.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 || *mappingName == "" {
		fs.Usage()
		return errors.New("import needs --mapping and one CSV file")
	}
	m, err := history.LoadMapping(*mappingName)
	if err != nil {
		return err
	}
	in, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer in.Close()
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()

	start := time.Now()
	bar := progressBar(os.Stderr)
	rep, importErr := history.Import(ctx, s, m, in, history.Options{DryRun: *dryRun, Chunk: 500, Progress: bar, Actor: cliActor})
	took := time.Since(start)
	printImportReport(os.Stdout, files[0], rep, took)
	if *rejectsPath != "" && len(rep.Rejected) > 0 {
		if err := writeRejects(*rejectsPath, rep); err != nil {
			return err
		}
		fmt.Printf("The rejected rows, with the reason in a last column, are in %s.\n", *rejectsPath)
	}
	if importErr != nil {
		return importErr
	}
	if len(rep.Rejected) > 0 {
		return exitCode(1)
	}
	return nil
}

// progressBar draws the share of cases written on w.
func progressBar(w io.Writer) func(done, total int) {
	const width = 30
	return func(done, total int) {
		filled := width * done / max(total, 1)
		fmt.Fprintf(w, "\rimporting [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

// printImportReport says what became of each row: line numbers, keys and reasons only, never a
// row's content.
func printImportReport(w io.Writer, file string, rep *history.Report, took time.Duration) {
	verb := "imported"
	if rep.DryRun {
		verb = "would import"
		fmt.Fprintln(w, "Dry run: nothing was written.")
	}
	fmt.Fprintf(w, "Import of %s with mapping %s (source %q)\n", file, rep.Mapping, rep.Source)
	fmt.Fprintf(w, "  rows read:    %d\n", rep.Read)
	fmt.Fprintf(w, "  %-13s %d\n", verb+":", len(rep.Imported))
	fmt.Fprintf(w, "  skipped:      %d (imported before)\n", len(rep.Skipped))
	fmt.Fprintf(w, "  adjusted:     %d (%s, see below)\n", len(rep.Adjusted), verb)
	fmt.Fprintf(w, "  rejected:     %d\n", len(rep.Rejected))
	fmt.Fprintf(w, "  took:         %s\n", took.Round(time.Millisecond))
	list := func(title string, rows []history.Row, say func(history.Row) string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, r := range rows {
			if r.Key == "" { // not read far enough to have one
				fmt.Fprintf(w, "  line %d: %s\n", r.Line, say(r))
				continue
			}
			fmt.Fprintf(w, "  line %d (key %s): %s\n", r.Line, r.Key, say(r))
		}
	}
	list("Adjusted", rep.Adjusted, func(r history.Row) string { return strings.Join(r.Why, "; ") })
	list("Skipped", rep.Skipped, func(r history.Row) string { return "imported before as " + r.Reference })
	list("Rejected", rep.Rejected, func(r history.Row) string { return strings.Join(r.Why, "; ") })
	if n := len(rep.Rejected); n > 0 {
		fmt.Fprintf(w, "\n%d row(s) rejected; the other rows were %s. Correct the rejected rows (see --rejects) and run the import again: rows already imported are skipped.\n",
			n, map[bool]string{true: "checked", false: "imported"}[rep.DryRun])
	}
}

func writeRejects(path string, rep *history.Report) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := rep.WriteRejects(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
