// Package conformance reads the reference verdicts of the shared OOTS corpus
// (oots-spec/expected) for the acceptance tests.
package conformance

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Row is the reference verdict for one document and one Schematron file.
type Row struct {
	File       string // path relative to the corpus folder: samples/... or mutants/...
	Kind       string
	XSD        string // valid | invalid
	Schematron string // e.g. EDM-REQ-S.sch
	Status     string // ok | error (not well-formed)
	Findings   []string
}

// SpecDir finds the shared corpus: $OOTS_SPEC, or a shared/oots-spec folder in
// or beside one of the working directory's ancestors.
func SpecDir() (string, bool) {
	if d := os.Getenv("OOTS_SPEC"); d != "" {
		return d, isDir(d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		for _, c := range []string{filepath.Join(dir, "shared", "oots-spec"), filepath.Join(dir, "..", "shared", "oots-spec")} {
			if isDir(c) {
				return filepath.Clean(c), true
			}
		}
		if filepath.Dir(dir) == dir {
			return "", false
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// Load reads expected/samples.tsv and expected/mutants.tsv.
func Load(spec string) ([]Row, error) {
	var rows []Row
	for _, set := range []string{"samples", "mutants"} {
		r, err := loadTSV(filepath.Join(spec, "expected", set+".tsv"), set)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

func loadTSV(path, set string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read-only: nothing is lost
	var rows []Row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			return nil, fmt.Errorf("%s: short row %q", path, sc.Text())
		}
		row := Row{File: set + "/" + cols[0], Kind: cols[1], XSD: cols[2], Schematron: cols[3], Status: cols[4]}
		if len(cols) > 5 && cols[5] != "" {
			row.Findings = strings.Split(cols[5], ",")
			sort.Strings(row.Findings)
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

// Key renders a finding as the reference does: ID:role, with (no-id) for an
// assert without id.
func Key(id, role string) string {
	if id == "" {
		id = "(no-id)"
	}
	return id + ":" + role
}

// SetString renders a finding set sorted and de-duplicated, comma-separated.
func SetString(keys []string) string {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TB is the part of testing.TB the loaders need.
type TB interface {
	Helper()
	Skip(args ...any)
	Fatal(args ...any)
}

// LoadOrSkip finds the corpus and reads its verdicts for a test: the test is
// skipped when the corpus is absent and fails when it cannot be read.
func LoadOrSkip(t TB) (spec string, rows []Row) {
	t.Helper()
	spec, ok := SpecDir()
	if !ok {
		t.Skip("shared oots-spec corpus not found (set OOTS_SPEC)")
	}
	rows, err := Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	return spec, rows
}
