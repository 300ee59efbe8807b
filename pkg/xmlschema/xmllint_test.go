package xmlschema

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Differential tests against the real xmllint (Debian libxml2-utils), the
// reference the expected verdicts were computed with. They are skipped
// where xmllint is not installed.

// mutantStride picks every n-th mutant (sorted by name): a deterministic
// subset of well over 200 documents spread over every message kind.
const mutantStride = 6

func xmllintPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian: apt-get install libxml2-utils); differential test skipped")
	}
	return p
}

// xmllintVerdicts runs xmllint --nonet --noout --schema over the files
// (paths relative to dir) in batches and returns valid/invalid per file.
// xmllint prints "<file> validates" or "<file> fails to validate"; a file
// it cannot parse gets neither line and counts as invalid.
func xmllintVerdicts(t *testing.T, bin, dir, schema string, files []string) map[string]bool {
	t.Helper()
	const batch = 100
	out := map[string]bool{}
	for start := 0; start < len(files); start += batch {
		end := min(start+batch, len(files))
		args := append([]string{"--nonet", "--noout", "--schema", schema}, files[start:end]...)
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
			t.Fatalf("run xmllint: %v", err)
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			if f, ok := strings.CutSuffix(line, " validates"); ok {
				out[f] = true
			}
		}
		for _, f := range files[start:end] {
			if _, ok := out[f]; !ok {
				out[f] = false
			}
		}
	}
	return out
}

// TestXmllintDifferentialEDM: on every sample and a deterministic subset of
// the mutants, the official route and the embedded model give xmllint's
// verdict with the official driver.
func TestXmllintDifferentialEDM(t *testing.T) {
	bin := xmllintPath(t)
	spec := specDir(t)
	var files []string
	for _, c := range readExpected(t, spec, "samples") {
		files = append(files, c.rel)
	}
	mutants := readExpected(t, spec, "mutants")
	sort.Slice(mutants, func(i, j int) bool { return mutants[i].rel < mutants[j].rel })
	picked := 0
	for i, c := range mutants {
		if i%mutantStride == 0 {
			files = append(files, c.rel)
			picked++
		}
	}
	if picked < 200 {
		t.Fatalf("only %d mutants picked; the differential test needs at least 200", picked)
	}
	ref := xmllintVerdicts(t, bin, spec, filepath.Join("xsd", officialDriver), files)
	compareWithXmllint(t, "EDM", spec, files, ref, officialSchema(t, spec), embeddedSchema(t))
}

// TestXmllintDifferentialEbMS: the eb:Messaging headers, the Domibus SOAP
// envelopes and our broken header variants, against xmllint with the
// official ebMS header schema (which also declares the SOAP envelopes).
func TestXmllintDifferentialEbMS(t *testing.T) {
	bin := xmllintPath(t)
	spec := specDir(t)
	files := ebmsHeaders(t, spec)
	envelopes, _ := filepath.Glob(filepath.Join(spec, "samples", "as4", "domibus-ws-plugin", "*.xml"))
	for _, f := range envelopes {
		rel, _ := filepath.Rel(spec, f)
		files = append(files, filepath.ToSlash(rel))
	}
	// The broken variants live in a temporary copy; xmllint reads them from
	// there, by absolute path.
	tmp := t.TempDir()
	for _, v := range ebmsBrokenVariants(t, spec) {
		p := filepath.Join(tmp, v.name+".xml")
		if err := os.WriteFile(p, v.doc, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	ref := xmllintVerdicts(t, bin, spec, filepath.Join("xsd", officialEbMS), files)
	for _, v := range ebmsBrokenVariants(t, spec) {
		if ref[filepath.Join(tmp, v.name+".xml")] {
			t.Errorf("xmllint accepts broken variant %s: the variant does not test anything", v.name)
		}
	}
	compareWithXmllint(t, "ebMS", spec, files, ref, officialEbMSSchema(t, spec), embeddedEbMSSchema(t))
}

func compareWithXmllint(t *testing.T, label, spec string, files []string, ref map[string]bool, official, embedded *Schema) {
	t.Helper()
	var okOff, okEmb, validRef int
	for _, f := range files {
		path := f
		if !filepath.IsAbs(path) {
			path = filepath.Join(spec, f)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := ref[f]
		if want {
			validRef++
		}
		gotOff := len(official.ValidateBytes(context.Background(), data)) == 0
		gotEmb := len(embedded.ValidateBytes(context.Background(), data)) == 0
		if gotOff == want {
			okOff++
		} else {
			t.Errorf("%s official route: %s: valid=%v, xmllint says %v", label, f, gotOff, want)
		}
		if gotEmb == want {
			okEmb++
		} else {
			t.Errorf("%s embedded route: %s: valid=%v, xmllint says %v", label, f, gotEmb, want)
		}
	}
	t.Logf("%s: xmllint valid %d / invalid %d; official route agrees on %d/%d, embedded on %d/%d",
		label, validRef, len(files)-validRef, okOff, len(files), okEmb, len(files))
}
