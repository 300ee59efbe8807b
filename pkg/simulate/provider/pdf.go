package provider

import (
	"bytes"
	"fmt"
	"strings"
)

const mediaPDF = "application/pdf"

// placeholderPDF is a one-page PDF 1.4 document (A4, Helvetica) saying what
// the evidence is and whom it is about: a dataset entry without a file still
// has a real document to attach, so requesters exercise their PDF handling.
func placeholderPDF(evidenceType, name, identifier string) []byte {
	lines := []string{
		"Simulated evidence (oots simulate)",
		"",
		"Evidence type: " + evidenceType,
		"Subject: " + name,
		"Identifier: " + identifier,
		"",
		"This document is invented test data and has no legal value.",
	}
	return writePDF(lines)
}

// writePDF lays out text lines on one page; the cross-reference table holds
// the byte offset of every object, which readers need to open the file.
func writePDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 10 Tf 56 780 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) '\n", pdfString(l))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfString escapes a PDF literal string. Latin-1 letters (María, Müller)
// are written as octal escapes, which WinAnsiEncoding shows as they are;
// other characters become '?' because the font encoding has one byte.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
