package as4

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/google/uuid"
)

// Payload is one business document of a user message: the EDM message
// itself or an attachment, as bytes after decompression.
type Payload struct {
	ContentID string // without angle brackets or "cid:"
	MediaType string
	Compress  bool // sent gzip-compressed (CompressionType application/gzip)
	Data      []byte
	// Properties are extra part properties (PayloadName, ...).
	Properties []Property
}

// Limits bound what an incoming message may cost.
type Limits struct {
	MaxBytes int64 // whole multipart body, and each decompressed payload
	MaxParts int
}

// DefaultLimits suit OOTS exchanges: evidences are documents, not archives.
var DefaultLimits = Limits{MaxBytes: 64 << 20, MaxParts: 32}

// Message is a received (or built) AS4 message: its header and payloads.
type Message struct {
	Header   *Header
	Envelope []byte
	Payloads []Payload

	// parsed is the tree of a decoded envelope; wire holds the payload
	// parts by Content-ID as they arrived (compressed), which is what an
	// attachment Reference digests; signed is set once the signature verified.
	parsed *parsedEnvelope
	wire   map[string][]byte
	signed *verifiedSignature
}

// release hands the parsed tree back to helium's pools once the header
// is read and the signature verified: a node parses thousands of envelopes
// per second, and the tree's slabs are most of what each parse allocates.
// The Header and payloads are copies and stay valid.
func (m *Message) release() {
	if m.parsed != nil {
		m.parsed.doc.Free()
		m.parsed = nil
	}
}

// Signer is the certificate that signed a received message, once
// Security.Verify (or a Server with Security) accepted it; nil when the
// message was not signed or not verified.
func (m *Message) Signer() *x509.Certificate {
	if m == nil || m.signed == nil {
		return nil
	}
	return m.signed.signer
}

// Payload returns the payload with the given cid: URI or content id.
func (m *Message) Payload(ref string) (Payload, bool) {
	id := strings.TrimPrefix(ref, "cid:")
	for _, p := range m.Payloads {
		if p.ContentID == id {
			return p, true
		}
	}
	return Payload{}, false
}

// Encode writes the user message with its payloads as one multipart/related
// entity: the SOAP envelope first (the "start" part), then one part per
// payload with the Content-ID its eb:PartInfo refers to. The header's
// PayloadInfo is made from the payloads (m itself is not changed, so one
// message may be sent from several goroutines); it returns the Content-Type
// to send. The message is not signed: Security.Encode signs.
func Encode(w io.Writer, m *UserMessage, payloads []Payload) (string, error) {
	return (*Security)(nil).Encode(w, m, payloads)
}

// WithPayloads returns a copy of m whose PayloadInfo lists the payloads.
func WithPayloads(m *UserMessage, payloads []Payload) (*UserMessage, error) {
	c := *m
	c.Parts = nil
	for _, p := range payloads {
		if p.ContentID == "" {
			return nil, errors.New("as4: payload without Content-ID")
		}
		props := append([]Property{{Name: PropMimeType, Value: p.MediaType}}, p.Properties...)
		if p.Compress {
			props = append(props, Property{Name: PropCompressionType, Value: CompressionGzip})
		}
		c.Parts = append(c.Parts, PartInfo{Href: "cid:" + p.ContentID, Properties: props})
	}
	return &c, nil
}

// EncodeSignal writes signal messages (receipts, errors) as a
// multipart/related entity with the envelope as its only part.
func EncodeSignal(w io.Writer, signals ...SignalMessage) (string, error) {
	return encodeParts(w, EnvelopeXML(nil, signals...), nil)
}

// wirePart is a payload as it goes on the wire: compressed when asked.
type wirePart struct {
	id, contentType string
	data            []byte
}

// wireParts prepares the MIME parts of the payloads. They are made once per
// message: the signature digests these very bytes.
func wireParts(payloads []Payload) ([]wirePart, error) {
	parts := make([]wirePart, 0, len(payloads))
	for _, p := range payloads {
		wp := wirePart{id: p.ContentID, contentType: p.MediaType, data: p.Data}
		if p.Compress {
			var err error
			if wp.data, err = gzipBytes(p.Data); err != nil {
				return nil, err
			}
			wp.contentType = CompressionGzip
		}
		parts = append(parts, wp)
	}
	return parts, nil
}

// encodeParts writes the multipart/related entity byte for byte as
// mime/multipart's Writer does (a random 60-hex-digit boundary, each part's
// header fields sorted by name), without its per-part header map, sorting
// and formatting.
func encodeParts(w io.Writer, envelope []byte, parts []wirePart) (string, error) {
	var random [30]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	var boundary [2 * len(random)]byte
	hex.Encode(boundary[:], random[:])
	rootID := "root." + uuid.NewString() + "@oots"
	var head []byte
	if err := writePart(w, &head, boundary[:], rootID, `application/soap+xml; charset=UTF-8`, envelope); err != nil {
		return "", err
	}
	for _, p := range parts {
		if err := writePart(w, &head, boundary[:], p.id, p.contentType, p.data); err != nil {
			return "", err
		}
	}
	head = append(append(append(head[:0], "\r\n--"...), boundary[:]...), "--\r\n"...)
	if _, err := w.Write(head); err != nil {
		return "", err
	}
	// As mime.FormatMediaType writes it: the parameters sorted, the
	// boundary a token, the others quoted (they hold tspecials but neither
	// a quote nor a backslash).
	return `multipart/related; boundary=` + string(boundary[:]) + `; start="<` + rootID + `>"; type="application/soap+xml"`, nil
}

// writePart writes one part, binary; head is scratch space for its header.
// The first part (head still nil) opens the entity.
func writePart(w io.Writer, head *[]byte, boundary []byte, id, contentType string, data []byte) error {
	h := *head
	if h == nil {
		h = make([]byte, 0, 256)
		h = append(h, "--"...)
	} else {
		h = append(h[:0], "\r\n--"...)
	}
	h = append(h, boundary...)
	h = append(h, "\r\nContent-Id: <"...)
	h = append(h, id...)
	h = append(h, ">\r\nContent-Transfer-Encoding: binary\r\nContent-Type: "...)
	h = append(h, contentType...)
	h = append(h, "\r\n\r\n"...)
	*head = h
	if _, err := w.Write(h); err != nil {
		return err
	}
	if len(data) == 0 {
		return nil
	}
	_, err := w.Write(data)
	return err
}

func gzipBytes(data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Decode reads a multipart/related AS4 message (or a bare SOAP envelope),
// parses its header and matches every eb:PartInfo to its MIME part: a part
// the header does not list, or a listed part that is missing, is an
// EBMS:0007 MimeInconsistency; compressed payloads are inflated within the
// limits (EBMS:0303 when they cannot be).
func Decode(ctx context.Context, contentType string, body io.Reader, lim Limits) (*Message, error) {
	return decode(ctx, contentType, body, lengthOf(body), lim)
}

// lengthOf is the length of an in-memory body, or -1.
func lengthOf(body io.Reader) int64 {
	if l, ok := body.(interface{ Len() int }); ok {
		return int64(l.Len())
	}
	return -1
}

// decode is Decode with the body's announced length (Content-Length; -1
// when unknown), so the body is read into one buffer of the right size.
func decode(ctx context.Context, contentType string, body io.Reader, length int64, lim Limits) (*Message, error) {
	raw, err := readLimited(body, lim.MaxBytes, length, nil)
	if err != nil {
		return nil, err
	}
	return decodeRaw(ctx, contentType, raw, lim)
}

// decodeRaw is decode of a body already read. The message (its envelope,
// payloads and parsed tree) points into raw.
func decodeRaw(ctx context.Context, contentType string, raw []byte, lim Limits) (*Message, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, ErrMimeInconsistency.With("", fmt.Sprintf("Content-Type %q: %v", contentType, err))
	}
	var envelope []byte
	parts := map[string][]byte{}
	switch mediaType {
	case "application/soap+xml":
		envelope = raw
	case "multipart/related":
		envelope, parts, err = splitParts(raw, params, lim)
		if err != nil {
			return nil, err
		}
	default:
		return nil, ErrMimeInconsistency.With("", "Content-Type "+mediaType+" is neither multipart/related nor application/soap+xml")
	}
	h, parsed, err := parseEnvelope(ctx, envelope)
	if err != nil {
		return nil, err
	}
	msg := &Message{Header: h, Envelope: envelope, parsed: parsed, wire: parts}
	if h.User != nil {
		if msg.Payloads, err = matchParts(h.User, parts, lim); err != nil {
			return nil, err
		}
	} else if len(parts) > 0 {
		return nil, ErrMimeInconsistency.With("", "a signal message carries payload parts")
	}
	return msg, nil
}

// maxPrealloc bounds the buffer a length announced by the peer makes us
// allocate before the bytes arrive; a longer body grows it as it comes.
const maxPrealloc = 1 << 20

// unknownLengthBuffer is where reading a body of unknown length starts.
const unknownLengthBuffer = 8 << 10

// readLimited reads all of r, refusing more than max bytes, into a buffer
// sized for length bytes (when known; -1 otherwise): one allocation instead of
// io.ReadAll's dozen doublings and copies. The buffer is buf when its
// capacity is enough (a reused one), else a new one.
func readLimited(r io.Reader, max, length int64, buf []byte) ([]byte, error) {
	if max <= 0 {
		max = DefaultLimits.MaxBytes
	}
	// One byte more than announced lets the read see the end of the body
	// without growing the buffer. Without a length (a chunked answer), the
	// buffer starts at the size of a small signed envelope.
	size := min(max, length, maxPrealloc) + 1
	if length < 0 {
		size = min(max+1, unknownLengthBuffer)
	}
	if size < 512 {
		size = 512
	}
	data := buf[:0]
	if int64(cap(data)) < size {
		data = make([]byte, 0, size)
	}
	lr := io.LimitReader(r, max+1)
	for {
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // let append grow it
		}
	}
	if int64(len(data)) > max {
		return nil, ErrOther.With("", fmt.Sprintf("message larger than the limit of %d bytes", max))
	}
	return data, nil
}

// splitParts returns the start part (the envelope) and the other parts by
// Content-ID.
func splitParts(raw []byte, params map[string]string, lim Limits) ([]byte, map[string][]byte, error) {
	boundary := params["boundary"]
	if boundary == "" {
		return nil, nil, ErrMimeInconsistency.With("", "multipart/related without a boundary")
	}
	sink := partSink{start: strings.Trim(params["start"], "<>"), lim: lim}
	ok, err := splitPlain(raw, boundary, &sink)
	if !ok {
		sink = partSink{start: sink.start, lim: lim}
		err = splitMultipart(raw, boundary, &sink)
	}
	if err != nil {
		return nil, nil, err
	}
	if sink.envelope == nil {
		return nil, nil, ErrMimeInconsistency.With("", "no SOAP envelope part (start "+sink.start+")")
	}
	if sink.parts == nil {
		sink.parts = map[string][]byte{}
	}
	return sink.envelope, sink.parts, nil
}

// partSink takes the MIME parts in order: the start part is the
// envelope, the others are kept by Content-ID.
type partSink struct {
	start    string
	lim      Limits
	n        int
	envelope []byte
	parts    map[string][]byte
}

// count refuses one part more than the limit, before its body is read.
func (s *partSink) count() error {
	if s.lim.MaxParts > 0 && s.n >= s.lim.MaxParts {
		return ErrMimeInconsistency.With("", fmt.Sprintf("more than %d MIME parts", s.lim.MaxParts))
	}
	s.n++
	return nil
}

func (s *partSink) add(contentID string, data []byte) error {
	id := strings.Trim(contentID, "<> ")
	if s.envelope == nil && (id == s.start || s.start == "") {
		s.envelope = data
		return nil
	}
	if _, dup := s.parts[id]; dup || id == "" {
		return ErrMimeInconsistency.With("", fmt.Sprintf("MIME part with a missing or repeated Content-ID %q", id))
	}
	if s.parts == nil {
		s.parts = make(map[string][]byte, 2)
	}
	s.parts[id] = data
	return nil
}

// splitMultipart reads the parts with mime/multipart, which takes every
// form the standard allows; splitPlain is the fast path.
func splitMultipart(raw []byte, boundary string, sink *partSink) error {
	mr := multipart.NewReader(bytes.NewReader(raw), boundary)
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return ErrMimeInconsistency.With("", err.Error())
		}
		if err := sink.count(); err != nil {
			return err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return ErrMimeInconsistency.With("", err.Error())
		}
		if err := sink.add(p.Header.Get("Content-Id"), data); err != nil {
			return err
		}
	}
}

func matchParts(m *UserMessage, parts map[string][]byte, lim Limits) ([]Payload, error) {
	var out []Payload
	listed := make(map[string]bool, len(m.Parts))
	for _, info := range m.Parts {
		id, ok := strings.CutPrefix(info.Href, "cid:")
		if !ok {
			return nil, ErrMimeInconsistency.With(m.MessageID, fmt.Sprintf("eb:PartInfo href %q is not a cid: reference", info.Href))
		}
		data, ok := parts[id]
		if !ok || listed[id] {
			return nil, ErrMimeInconsistency.With(m.MessageID, "no MIME part for "+info.Href)
		}
		listed[id] = true
		p := Payload{ContentID: id, MediaType: info.Property(PropMimeType), Data: data}
		for _, prop := range info.Properties {
			if prop.Name != PropMimeType && prop.Name != PropCompressionType {
				p.Properties = append(p.Properties, prop)
			}
		}
		if info.Property(PropCompressionType) == CompressionGzip {
			var err error
			if p.Data, err = gunzip(data, lim.MaxBytes); err != nil {
				return nil, ErrDecompression.With(m.MessageID, info.Href+": "+err.Error())
			}
			p.Compress = true
		}
		out = append(out, p)
	}
	for id := range parts {
		if !listed[id] {
			return nil, ErrMimeInconsistency.With(m.MessageID, "MIME part <"+id+"> is not listed in eb:PayloadInfo")
		}
	}
	return out, nil
}

func gunzip(data []byte, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close() //nolint:errcheck // reading only
	out, err := readLimited(zr, max, -1, nil)
	if err != nil {
		return nil, fmt.Errorf("inflated payload: %w", err)
	}
	return out, nil
}
