package edm

import (
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"path/filepath"
	"strings"
)

// mediaTypes are the evidence formats an attachment may have, by file
// extension (lower case).
var mediaTypes = map[string]string{
	".pdf":  "application/pdf",
	".xml":  "application/xml",
	".json": "application/json",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
}

// extensions are the file extensions written for each media type.
var extensions = map[string]string{
	"application/pdf":  ".pdf",
	"application/xml":  ".xml",
	"application/json": ".json",
	"image/png":        ".png",
	"image/jpeg":       ".jpg",
}

// MediaTypeOf is the media type of an evidence file from its extension:
// application/pdf, application/xml, application/json, image/png or
// image/jpeg; other extensions are refused.
func MediaTypeOf(name string) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := mediaTypes[ext]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%s: unsupported evidence file type %q: use .pdf, .xml, .json, .png, .jpg or .jpeg", name, ext)
}

// structured reports whether a media type needs sdg:ConformsTo (rules
// R-EDM-RESP-C044a/b look for "xml" or "json" in the format).
func structured(mediaType string) bool {
	return strings.Contains(mediaType, "xml") || strings.Contains(mediaType, "json")
}

// NewContentID returns a fresh Content-ID (without angle brackets) of the
// form rule R-EDM-RESP-C042 accepts: lower-case letters and digits before
// the @, e.g. evidence1a3f09c2e7b14d5e8@oots. n numbers the evidence.
func NewContentID(n int) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (Go 1.24+)
	return fmt.Sprintf("evidence%d%x@oots", n, b)
}

// MIMEMessageID is the Content-ID (without angle brackets) of the message
// part of a MIME package, the start of the multipart/related.
const MIMEMessageID = "message@oots"

// WriteMIME writes message and its attachments as one multipart/related
// MIME entity (RFC 2387), headers included, the way AS4 carries the
// payloads: the start part is the message (Content-ID <message@oots>), each
// attachment a part whose Content-ID is its cid: reference without "cid:".
// All parts are Content-Transfer-Encoding binary.
func WriteMIME(w io.Writer, message []byte, atts []Attachment) error {
	for _, a := range atts {
		if a.ContentID == MIMEMessageID {
			return fmt.Errorf("attachment Content-ID %s is the message's", a.ContentID)
		}
	}
	mw := multipart.NewWriter(w) // random boundary from crypto/rand
	head := fmt.Sprintf("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=%q; type=\"application/xml\"; start=\"<%s>\"\r\n\r\n",
		mw.Boundary(), MIMEMessageID)
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	part := func(id, mediaType string, data []byte) error {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", mediaType)
		h.Set("Content-Transfer-Encoding", "binary")
		h["Content-ID"] = []string{"<" + id + ">"} // the usual spelling, not Content-Id
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		_, err = pw.Write(data)
		return err
	}
	if err := part(MIMEMessageID, "application/xml; charset=UTF-8", message); err != nil {
		return err
	}
	for _, a := range atts {
		if err := part(a.ContentID, a.MediaType, a.Data); err != nil {
			return err
		}
	}
	return mw.Close()
}
