package build

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/edm"
)

var pdfBytes = []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func writePDF(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "birth.pdf")
	if err := os.WriteFile(path, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var hrefRE = regexp.MustCompile(`xlink:href="cid:([^"]+)"`)

// The MIME package: a valid message whose cid: is the Content-ID of the
// attachment part, which carries the file's bytes.
func TestBuildEvidenceMIME(t *testing.T) {
	pdf := writePDF(t)
	out, stderr, err := runBuild(t, "", "response", "--request", example("messages", "evidence-request.xml"), "--evidence", pdf, "--mime")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	tp := textproto.NewReader(bufio.NewReader(strings.NewReader(out)))
	head, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(head.Get("Content-Type"))
	if err != nil || mt != "multipart/related" {
		t.Fatalf("content type %q: %v", head.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(tp.R, params["boundary"])
	var parts []*multipart.Part
	var bodies [][]byte
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts, bodies = append(parts, p), append(bodies, b)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts, want message and attachment", len(parts))
	}
	if parts[0].Header.Get("Content-ID") != params["start"] {
		t.Errorf("start %s, message part %s", params["start"], parts[0].Header.Get("Content-ID"))
	}
	if err := edm.Check(context.Background(), "response", bodies[0]); err != nil {
		t.Errorf("message: %v", err)
	}
	m := hrefRE.FindSubmatch(bodies[0])
	if m == nil {
		t.Fatal("no cid: reference in the message")
	}
	if got := parts[1].Header.Get("Content-ID"); got != "<"+string(m[1])+">" {
		t.Errorf("Content-ID %s, message refers to cid:%s", got, m[1])
	}
	if parts[1].Header.Get("Content-Type") != "application/pdf" || parts[1].Header.Get("Content-Transfer-Encoding") != "binary" {
		t.Errorf("attachment header %v", parts[1].Header)
	}
	if !bytes.Equal(bodies[1], pdfBytes) {
		t.Errorf("attachment bytes %q", bodies[1])
	}
}

func TestBuildEvidencePackage(t *testing.T) {
	pdf := writePDF(t)
	dir := filepath.Join(t.TempDir(), "pkg")
	out, stderr, err := runBuild(t, "", "response", "--request", example("messages", "evidence-request.xml"), "--evidence", pdf, "--package", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if out != "" {
		t.Errorf("stdout %q", out)
	}
	msg, err := os.ReadFile(filepath.Join(dir, "response.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := edm.Check(context.Background(), "response", msg); err != nil {
		t.Errorf("message: %v", err)
	}
	m := hrefRE.FindSubmatch(msg)
	if m == nil {
		t.Fatal("no cid: reference")
	}
	data, err := os.ReadFile(filepath.Join(dir, string(m[1])+".pdf"))
	if err != nil || !bytes.Equal(data, pdfBytes) {
		t.Errorf("attachment: %v %q", err, data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("package holds %v", entries)
	}
	// A second run refuses the now non-empty folder.
	_, _, err = runBuild(t, "", "response", "--request", example("messages", "evidence-request.xml"), "--evidence", pdf, "--package", dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty folder: %v", err)
	}
}

// Without --package or --mime only the message is written, with a note.
func TestBuildEvidenceMessageOnly(t *testing.T) {
	out, stderr, err := runBuild(t, "", "response", "--request", example("messages", "evidence-request.xml"), "--evidence", writePDF(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `xlink:href="cid:evidence1`) || !strings.Contains(stderr, "attachment(s) were not") {
		t.Errorf("stdout %q\nstderr %q", out, stderr)
	}
}

func TestBuildEvidenceUsageErrors(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(txt, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	req := example("messages", "evidence-request.xml")
	pkg := filepath.Join(dir, "pkg")
	cases := map[string][]string{
		"unsupported evidence file type": {"response", "--request", req, "--evidence", txt, "--package", pkg},
		"--evidence is for response":     {"error", "--request", req, "--evidence", txt},
		"give them with --evidence":      {"response", "--request", req, "--mime"},
		"cannot be used together":        {"response", "--request", req, "--evidence", "a.pdf", "--mime", "--package", pkg},
		"-o cannot be used":              {"response", "--request", req, "--evidence", "a.pdf", "--package", pkg, "-o", "x.xml"},
	}
	for want, args := range cases {
		out, _, err := runBuild(t, "", args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) || out != "" {
			t.Errorf("%v: err = %v, stdout %q; want a usage error with %q", args, err, out, want)
		}
	}
	if _, err := os.Stat(pkg); !os.IsNotExist(err) {
		t.Errorf("%s was created", pkg)
	}
	// An XML evidence whose data model is unknown asks for it.
	xml := filepath.Join(dir, "a.xml")
	if err := os.WriteFile(xml, []byte("<a/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runBuild(t, "", "response", "--request", req, "--evidence", xml, "--mime")
	if err == nil || !strings.Contains(err.Error(), "conformsTo") || out != "" {
		t.Errorf("xml without conformsTo: %v, stdout %q", err, out)
	}
}
