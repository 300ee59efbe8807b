package report

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "junit", "svrl"}
	got := Formats()
	if !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if Formats()[0] != "text" {
		t.Error("Formats() shares its slice with callers")
	}
}

// TestWriteDispatch checks that Write produces exactly what the format's own writer does.
func TestWriteDispatch(t *testing.T) {
	r := sample()
	direct := map[string]func(*bytes.Buffer) error{
		"text":  func(b *bytes.Buffer) error { return WriteText(b, r, TextOptions{}) },
		"json":  func(b *bytes.Buffer) error { return WriteJSON(b, r) },
		"junit": func(b *bytes.Buffer) error { return WriteJUnit(b, r) },
		"svrl":  func(b *bytes.Buffer) error { return WriteSVRL(b, r) },
	}
	for _, f := range Formats() {
		got := render(t, func(b *bytes.Buffer) error { return Write(b, f, r, TextOptions{}) })
		if want := render(t, direct[f]); got != want {
			t.Errorf("Write(%q) differs from its writer:\n%s\nwant:\n%s", f, got, want)
		}
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, "html", sample(), TextOptions{})
	if err == nil {
		t.Fatal("Write(html) succeeded")
	}
	for _, f := range append(Formats(), "html") {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not name %q", err, f)
		}
	}
	if b.Len() != 0 {
		t.Errorf("Write(html) wrote %q", b.String())
	}
}

func TestWritersReportWriteErrors(t *testing.T) {
	for _, f := range Formats() {
		if err := Write(failingWriter{}, f, sample(), TextOptions{}); !errors.Is(err, errBroken) {
			t.Errorf("%s: error = %v, want %v", f, err, errBroken)
		}
	}
}

func TestWritersAcceptNilAndEmptyReports(t *testing.T) {
	for _, f := range Formats() {
		for name, r := range map[string]*Report{"nil": nil, "empty": {}} {
			if out := render(t, func(b *bytes.Buffer) error { return Write(b, f, r, TextOptions{}) }); out == "" {
				t.Errorf("%s, %s report: no output", f, name)
			}
		}
	}
}

// TestSummaryRecounted: a report whose Summary was never filled must still be totalled
// correctly, with the elapsed time kept from what the caller did set.
func TestSummaryRecounted(t *testing.T) {
	r := sample()
	r.Summary = Summary{Millis: 77}
	s := summaryOf(r)
	want := Summary{Files: 3, Valid: 1, Invalid: 2, Errors: 2, Warnings: 1, Infos: 1, Findings: 4, Millis: 77}
	if s != want {
		t.Errorf("summaryOf = %+v, want %+v", s, want)
	}
}

func TestFails(t *testing.T) {
	info := []Finding{{Severity: SeverityInfo}}
	errs := []Finding{{Severity: SeverityWarning}, {Severity: SeverityError}}
	if Fails(nil, true) || Fails(info, false) || !Fails(info, true) || !Fails(errs, false) {
		t.Fatal("Fails: an error fails; other findings fail only a strict run; nothing never fails")
	}
}
