package history

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/remedy-grievance/remedy/internal/grievance"
	"github.com/remedy-grievance/remedy/internal/store"
)

// Options tune an import.
type Options struct {
	DryRun   bool                  // check everything, write nothing
	Chunk    int                   // cases per store.ImportCases call (default 500)
	Progress func(done, total int) // called as cases are written
	Actor    store.Actor           // who imports, for the audit log
}

// Row is one row of the file in the report: its line, its key and what became of it. It never
// holds the row's content.
type Row struct {
	Line      int      // line of the file where the row starts (the header is line 1)
	Key       string   // the row key (a SHA-256 key is shortened to 12 digits)
	Reference string   // the case it became (imported) or already is (skipped)
	Why       []string // rejected: why; adjusted: each adjustment
}

// Report says what an import did with each row.
type Report struct {
	Mapping, Source string
	DryRun          bool
	Read            int   // data rows in the file
	Imported        []Row // in a dry run: would be imported
	Skipped         []Row // imported before
	Adjusted        []Row // imported (or would be) with adjustments; also counted in Imported
	Rejected        []Row

	header   []string
	rejected map[int][]string // line → cells, for WriteRejects
}

const defaultChunk = 500

// Import reads a CSV file through mapping m and stores each row not imported before as a case
// with its history. A row that cannot be imported is rejected with its reason and the others are
// imported; the error is for what stops the whole import (a mapping that does not fit the file,
// the database). Cases are written in chunks, each in its own transaction, so an import
// interrupted midway keeps what it wrote and a second run skips it.
func Import(ctx context.Context, s *store.Store, m *Mapping, in io.Reader, opt Options) (*Report, error) {
	rep := &Report{Mapping: m.Name, Source: m.Source, DryRun: opt.DryRun, rejected: map[int][]string{}}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return rep, fmt.Errorf("reading the header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	rep.header = slices.Clone(header)
	t, err := m.bind(header, s.Timeline().Zone)
	if err != nil {
		return rep, err
	}
	done, err := s.ImportedKeys(ctx, m.Source)
	if err != nil {
		return rep, err
	}

	var cases []store.HistoricCase
	var rows []Row // the row of each case
	var notes [][]string
	seen := map[string]int{}
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rep.Read++
			rep.reject(Row{Line: pe.StartLine}, cells, "not valid CSV: "+pe.Err.Error())
			continue
		}
		if err != nil {
			return rep, err
		}
		rep.Read++
		line, _ := cr.FieldPos(0)
		row := Row{Line: line}
		if len(cells) != len(header) {
			rep.reject(row, cells, fmt.Sprintf("has %d cells where the header has %d", len(cells), len(header)))
			continue
		}
		key := t.key(cells)
		row.Key = key
		if t.hashKey {
			row.Key = key[:12]
		}
		if prior, ok := done[key]; ok {
			row.Reference = prior.Reference
			rep.Skipped = append(rep.Skipped, row)
			continue
		}
		if other, ok := seen[key]; ok {
			what := "the same content as"
			if !t.hashKey {
				what = "the same key as"
			}
			rep.reject(row, cells, fmt.Sprintf("has %s line %d", what, other))
			continue
		}
		seen[key] = line
		hc, adjusted, err := t.convert(cells)
		if err != nil {
			rep.reject(row, cells, plain(err)...)
			continue
		}
		hc.Source, hc.SourceKey = m.Source, key
		cases = append(cases, hc)
		rows = append(rows, row)
		notes = append(notes, adjusted)
		rep.rejected[line] = cells // kept until the store has checked the case
	}

	problems, err := s.CheckHistories(ctx, cases)
	if err != nil {
		return rep, err
	}
	refused := map[int]bool{}
	for _, p := range problems {
		refused[p.Index] = true
		rep.reject(rows[p.Index], nil, plain(p.Err)...)
	}
	keep := cases[:0]
	var keptRows []Row
	for i := range cases {
		if refused[i] {
			continue
		}
		delete(rep.rejected, rows[i].Line)
		keep = append(keep, cases[i])
		keptRows = append(keptRows, rows[i])
		if len(notes[i]) > 0 {
			rep.Adjusted = append(rep.Adjusted, Row{Line: rows[i].Line, Key: rows[i].Key, Why: notes[i]})
		}
	}
	slices.SortFunc(rep.Rejected, func(a, b Row) int { return a.Line - b.Line })
	if opt.DryRun {
		rep.Imported = keptRows
		return rep, nil
	}

	chunk := opt.Chunk
	if chunk <= 0 {
		chunk = defaultChunk
	}
	for start := 0; start < len(keep); start += chunk {
		end := min(start+chunk, len(keep))
		filed, err := s.ImportCases(ctx, keep[start:end], opt.Actor, false)
		for i, f := range filed {
			row := keptRows[start+i]
			row.Reference = f.Reference
			rep.Imported = append(rep.Imported, row)
		}
		if err != nil {
			return rep, fmt.Errorf("stopped at line %d, %d of %d rows written: %w", keptRows[start+len(filed)].Line, start+len(filed), len(keep), err)
		}
		if opt.Progress != nil {
			opt.Progress(end, len(keep))
		}
	}
	return rep, nil
}

func (r *Report) reject(row Row, cells []string, why ...string) {
	row.Why = why
	r.Rejected = append(r.Rejected, row)
	if cells != nil {
		r.rejected[row.Line] = cells
	}
}

// RejectsColumn is the column WriteRejects adds; a mapping never reads it, so a corrected file
// imports as it is.
const RejectsColumn = "Import rejected because"

// WriteRejects writes the rejected rows as they were read, with the reason in a last column, so
// they can be corrected and imported again.
func (r *Report) WriteRejects(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(r.header), RejectsColumn)); err != nil {
		return err
	}
	for _, row := range r.Rejected {
		cells := slices.Clone(r.rejected[row.Line])
		for len(cells) < len(r.header) {
			cells = append(cells, "")
		}
		if err := cw.Write(append(cells, strings.Join(row.Why, "; "))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// plain says why a case was refused in plain words, one problem each.
func plain(err error) []string {
	var ie *store.ImportError
	if errors.As(err, &ie) {
		err = ie.Err
	}
	var fe grievance.FieldErrors
	if errors.As(err, &fe) {
		var out []string
		for _, f := range mapKeys(fe) {
			out = append(out, fmt.Sprintf("%s: %s", f, strings.ReplaceAll(fe[f], "_", " ")))
		}
		return out
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range joined.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}
