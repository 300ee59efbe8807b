package regrep

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// The Go standard library resolves no NAPTR records, so this file holds a
// small DNS client (RFC 1035 message format, RFC 3403 NAPTR RDATA): one
// question, recursion desired, over UDP with a TCP retry when the answer is
// truncated.

// NAPTR is one NAPTR resource record (RFC 3403).
type NAPTR struct {
	Order       uint16
	Preference  uint16
	Flags       string
	Services    string
	Regexp      string
	Replacement string
}

// ErrNoRecord means the name exists without NAPTR records, or does not exist.
var ErrNoRecord = errors.New("no NAPTR record")

const (
	typeNAPTR    = 35
	classIN      = 1
	maxUDPAnswer = 4096
	maxNameLen   = 255
	maxPointers  = 64
)

// DNSClient looks up NAPTR records.
type DNSClient struct {
	// Servers are the name servers as host:port; empty means the
	// nameserver lines of /etc/resolv.conf.
	Servers []string
	// Timeout bounds each exchange; 0 means 5 seconds.
	Timeout time.Duration
}

// LookupNAPTR asks the servers in turn for the NAPTR records of name.
func (c *DNSClient) LookupNAPTR(ctx context.Context, name string) ([]NAPTR, error) {
	servers := c.Servers
	if len(servers) == 0 {
		servers = systemServers("/etc/resolv.conf")
	}
	if len(servers) == 0 {
		return nil, errors.New("no DNS server: none in /etc/resolv.conf (give --dns-server HOST:PORT)")
	}
	var errs []error
	for _, s := range servers {
		recs, err := c.exchange(ctx, s, name)
		if err == nil || errors.Is(err, ErrNoRecord) {
			return recs, err
		}
		errs = append(errs, fmt.Errorf("%s: %w", s, err))
	}
	return nil, errors.Join(errs...)
}

func (c *DNSClient) exchange(ctx context.Context, server, name string) ([]NAPTR, error) {
	id, err := randomID()
	if err != nil {
		return nil, err
	}
	query, err := encodeQuery(id, name, typeNAPTR)
	if err != nil {
		return nil, err
	}
	answer, err := c.roundTrip(ctx, "udp", server, query)
	if err != nil {
		return nil, err
	}
	msg, err := parseMessage(answer, id)
	if err != nil {
		return nil, err
	}
	if msg.truncated {
		if answer, err = c.roundTrip(ctx, "tcp", server, query); err != nil {
			return nil, fmt.Errorf("truncated UDP answer, then over TCP: %w", err)
		}
		if msg, err = parseMessage(answer, id); err != nil {
			return nil, err
		}
	}
	return msg.result()
}

func (c *DNSClient) roundTrip(ctx context.Context, network, server string, query []byte) ([]byte, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer func() { _ = conn.Close() }()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if network == "tcp" {
		return tcpRoundTrip(conn, query)
	}
	if _, err := conn.Write(query); err != nil {
		return nil, err
	}
	buf := make([]byte, maxUDPAnswer)
	n, err := conn.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// tcpRoundTrip frames the message with its two-byte length (RFC 1035 4.2.2).
func tcpRoundTrip(conn net.Conn, query []byte) ([]byte, error) {
	framed := binary.BigEndian.AppendUint16(nil, uint16(len(query)))
	if _, err := conn.Write(append(framed, query...)); err != nil {
		return nil, err
	}
	var size [2]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return nil, err
	}
	answer := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(conn, answer); err != nil {
		return nil, err
	}
	return answer, nil
}

func randomID() (uint16, error) {
	var b [2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b[:]), nil
}

// systemServers reads the nameserver lines of a resolv.conf file.
func systemServers(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "nameserver" {
			host := f[1]
			if i := strings.IndexByte(host, '%'); i >= 0 { // zone of a link-local address
				host = host[:i]
			}
			out = append(out, net.JoinHostPort(host, "53"))
		}
	}
	return out
}

// encodeQuery builds a query message for one question of class IN.
func encodeQuery(id uint16, name string, qtype uint16) ([]byte, error) {
	msg := binary.BigEndian.AppendUint16(nil, id)
	msg = append(msg, 0x01, 0x00) // flags: RD
	msg = append(msg, 0, 1, 0, 0, 0, 0, 0, 0)
	qname, err := encodeName(name)
	if err != nil {
		return nil, err
	}
	msg = append(msg, qname...)
	msg = binary.BigEndian.AppendUint16(msg, qtype)
	return binary.BigEndian.AppendUint16(msg, classIN), nil
}

func encodeName(name string) ([]byte, error) {
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return []byte{0}, nil
	}
	var out []byte
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 {
			return nil, fmt.Errorf("DNS name %q: empty label or label longer than 63 bytes", name)
		}
		out = append(out, byte(len(label)))
		out = append(out, label...)
	}
	out = append(out, 0)
	if len(out) > maxNameLen {
		return nil, fmt.Errorf("DNS name %q is longer than %d bytes", name, maxNameLen)
	}
	return out, nil
}

// message is what this client needs of a DNS answer.
type message struct {
	truncated bool
	rcode     int
	naptr     []NAPTR
}

func (m *message) result() ([]NAPTR, error) {
	switch m.rcode {
	case 0:
		if len(m.naptr) == 0 {
			return nil, ErrNoRecord
		}
		return m.naptr, nil
	case 3:
		return nil, fmt.Errorf("the name does not exist (NXDOMAIN): %w", ErrNoRecord)
	}
	return nil, fmt.Errorf("DNS error %s", rcodeName(m.rcode))
}

func rcodeName(rc int) string {
	names := map[int]string{1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED"}
	if n, ok := names[rc]; ok {
		return n
	}
	return fmt.Sprintf("rcode %d", rc)
}

var errShort = errors.New("malformed DNS message: too short")

// parseMessage reads the header, skips the questions and collects the NAPTR
// records of the answer section.
func parseMessage(b []byte, id uint16) (*message, error) {
	if len(b) < 12 {
		return nil, errShort
	}
	if binary.BigEndian.Uint16(b) != id {
		return nil, errors.New("DNS answer with another message id")
	}
	flags := binary.BigEndian.Uint16(b[2:])
	if flags&0x8000 == 0 {
		return nil, errors.New("DNS message is not an answer")
	}
	m := &message{truncated: flags&0x0200 != 0, rcode: int(flags & 0x000f)}
	qd, an := int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:]))
	off := 12
	for range qd {
		_, next, err := readName(b, off)
		if err != nil {
			return nil, err
		}
		off = next + 4
	}
	for range an {
		rr, next, err := readRR(b, off)
		if err != nil {
			if m.truncated { // a truncated UDP answer may end mid-record
				break
			}
			return nil, err
		}
		off = next
		if rr != nil {
			m.naptr = append(m.naptr, *rr)
		}
	}
	return m, nil
}

// readRR reads one resource record at off; it returns nil for records of
// other types (a CNAME before the NAPTR records, for instance).
func readRR(b []byte, off int) (*NAPTR, int, error) {
	_, off, err := readName(b, off)
	if err != nil {
		return nil, 0, err
	}
	if off+10 > len(b) {
		return nil, 0, errShort
	}
	rtype, class := binary.BigEndian.Uint16(b[off:]), binary.BigEndian.Uint16(b[off+2:])
	rdlen := int(binary.BigEndian.Uint16(b[off+8:]))
	start, end := off+10, off+10+rdlen
	if end > len(b) {
		return nil, 0, errShort
	}
	if rtype != typeNAPTR || class != classIN {
		return nil, end, nil
	}
	rr, err := readNAPTR(b, start, end)
	return rr, end, err
}

func readNAPTR(b []byte, off, end int) (*NAPTR, error) {
	if off+4 > end {
		return nil, errShort
	}
	rr := &NAPTR{Order: binary.BigEndian.Uint16(b[off:]), Preference: binary.BigEndian.Uint16(b[off+2:])}
	off += 4
	var err error
	for _, field := range []*string{&rr.Flags, &rr.Services, &rr.Regexp} {
		if *field, off, err = readCharString(b, off, end); err != nil {
			return nil, err
		}
	}
	// RFC 3403 forbids compressing the replacement; reading it with
	// pointer support costs nothing and accepts lenient servers.
	if rr.Replacement, off, err = readName(b, off); err != nil {
		return nil, err
	}
	if off != end {
		return nil, errors.New("malformed NAPTR record: data after the replacement")
	}
	return rr, nil
}

func readCharString(b []byte, off, end int) (string, int, error) {
	if off >= end {
		return "", 0, errShort
	}
	n := int(b[off])
	if off+1+n > end {
		return "", 0, errShort
	}
	return string(b[off+1 : off+1+n]), off + 1 + n, nil
}

// readName reads a possibly compressed domain name at off and returns it
// with the offset after its encoding at off. Pointers are followed a bounded
// number of times so that a loop cannot hang the client.
func readName(b []byte, off int) (string, int, error) {
	var labels []string
	next, jumps, length := -1, 0, 0
	for {
		if off >= len(b) {
			return "", 0, errShort
		}
		c := int(b[off])
		switch {
		case c == 0:
			if next < 0 {
				next = off + 1
			}
			name := strings.Join(labels, ".")
			if name == "" {
				name = "."
			}
			return name, next, nil
		case c&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, errShort
			}
			if jumps++; jumps > maxPointers {
				return "", 0, errors.New("malformed DNS name: compression pointer loop")
			}
			if next < 0 {
				next = off + 2
			}
			off = int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
		case c&0xc0 != 0:
			return "", 0, fmt.Errorf("malformed DNS name: label type 0x%02x", c&0xc0)
		default:
			if off+1+c > len(b) {
				return "", 0, errShort
			}
			if length += c + 1; length > maxNameLen {
				return "", 0, fmt.Errorf("malformed DNS name: longer than %d bytes", maxNameLen)
			}
			labels = append(labels, string(b[off+1:off+1+c]))
			off += 1 + c
		}
	}
}
