package regrep

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDNS is an authoritative-looking DNS server on loopback, UDP and TCP on
// the same port, answering NAPTR questions from a table.
type fakeDNS struct {
	addr    string
	records map[string][]NAPTR
	// truncateUDP answers over UDP with the TC bit and no records, so that
	// the client must ask again over TCP.
	truncateUDP bool
	// compressReplacement writes the replacement as a pointer to the question name.
	compressReplacement bool
	rcode               atomic.Uint32
	tcpQueries          atomic.Int32
}

// startFakeDNS serves records; set sets up the server before it starts.
func startFakeDNS(t *testing.T, records map[string][]NAPTR, set ...func(*fakeDNS)) *fakeDNS {
	t.Helper()
	f := &fakeDNS{records: records}
	for _, s := range set {
		s(f)
	}
	var udp net.PacketConn
	var tcp net.Listener
	for range 20 { // the TCP port must be the UDP one; retry if it is taken
		var err error
		if udp, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if tcp, err = net.Listen("tcp", udp.LocalAddr().String()); err == nil {
			break
		}
		_ = udp.Close()
		tcp = nil
	}
	if tcp == nil {
		t.Fatal("no loopback port free for both UDP and TCP")
	}
	f.addr = udp.LocalAddr().String()
	t.Cleanup(func() { _ = udp.Close(); _ = tcp.Close() })
	go f.serveUDP(udp)
	go f.serveTCP(tcp)
	return f
}

func (f *fakeDNS) serveUDP(c net.PacketConn) {
	buf := make([]byte, 512)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		_, _ = c.WriteTo(f.answer(buf[:n], f.truncateUDP), from)
	}
}

func (f *fakeDNS) serveTCP(l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		f.tcpQueries.Add(1)
		var size [2]byte
		if _, err := io.ReadFull(conn, size[:]); err == nil {
			q := make([]byte, binary.BigEndian.Uint16(size[:]))
			if _, err := io.ReadFull(conn, q); err == nil {
				a := f.answer(q, false)
				_, _ = conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(a))), a...))
			}
		}
		_ = conn.Close()
	}
}

// answer builds the reply to query q: the question copied, then one NAPTR
// record per table entry, each owner name a pointer to the question.
func (f *fakeDNS) answer(q []byte, truncate bool) []byte {
	name, end, err := readName(q, 12)
	if err != nil {
		return nil
	}
	recs := f.records[strings.ToLower(name)]
	rcode := f.rcode.Load()
	flags := uint16(0x8180) | uint16(rcode)
	if truncate {
		flags |= 0x0200
		recs = nil
	}
	if f.records[strings.ToLower(name)] == nil && rcode == 0 {
		flags |= 3 // NXDOMAIN
	}
	out := append([]byte(nil), q[:2]...)
	out = binary.BigEndian.AppendUint16(out, flags)
	out = append(out, 0, 1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(recs)))
	out = append(out, 0, 0, 0, 0)
	out = append(out, q[12:end+4]...)
	for _, r := range recs {
		out = append(out, 0xc0, 12) // owner: pointer to the question name
		out = binary.BigEndian.AppendUint16(out, typeNAPTR)
		out = binary.BigEndian.AppendUint16(out, classIN)
		out = append(out, 0, 0, 0x0e, 0x10)
		rdata := binary.BigEndian.AppendUint16(nil, r.Order)
		rdata = binary.BigEndian.AppendUint16(rdata, r.Preference)
		for _, s := range []string{r.Flags, r.Services, r.Regexp} {
			rdata = append(append(rdata, byte(len(s))), s...)
		}
		if f.compressReplacement {
			rdata = append(rdata, 0xc0, 12)
		} else {
			repl, _ := encodeName(r.Replacement)
			rdata = append(rdata, repl...)
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(rdata)))
		out = append(out, rdata...)
	}
	return out
}

const frDSD = "fr.dsd.v1.cs.acc.oots.tech.ec.europa.eu"

func TestDiscoverOverUDP(t *testing.T) {
	f := startFakeDNS(t, map[string][]NAPTR{frDSD: {
		{Order: 200, Preference: 1, Flags: "U", Regexp: "!^.*$!https://late.example/!"},
		{Order: 100, Preference: 20, Flags: "U", Services: "x", Regexp: "!^.*$!https://query.cs.acc.oots.tech.ec.europa.eu/dsd!"},
		{Order: 100, Preference: 30, Flags: "U", Regexp: "!^.*$!https://worse.example/!"},
		{Order: 1, Preference: 1, Flags: "S", Regexp: "", Replacement: "_x._tcp.example"},
	}})
	c := &DNSClient{Servers: []string{f.addr}}
	got, err := Discover(context.Background(), "FR", ServiceDSD, 1, "acc", c)
	if err != nil || got != "https://query.cs.acc.oots.tech.ec.europa.eu/dsd" {
		t.Fatalf("got %q, %v", got, err)
	}
	if f.tcpQueries.Load() != 0 {
		t.Error("TCP used without truncation")
	}
}

func TestLookupFallsBackToTCPOnTruncation(t *testing.T) {
	f := startFakeDNS(t, map[string][]NAPTR{frDSD: {{Order: 1, Flags: "u", Regexp: "!^.*$!https://x.example/dsd!"}}},
		func(f *fakeDNS) { f.truncateUDP, f.compressReplacement = true, true })
	recs, err := (&DNSClient{Servers: []string{f.addr}}).LookupNAPTR(context.Background(), frDSD)
	if err != nil || len(recs) != 1 || recs[0].Regexp != "!^.*$!https://x.example/dsd!" {
		t.Fatalf("got %+v, %v", recs, err)
	}
	if recs[0].Replacement != frDSD {
		t.Errorf("compressed replacement read as %q", recs[0].Replacement)
	}
	if f.tcpQueries.Load() != 1 {
		t.Errorf("%d TCP queries, want 1", f.tcpQueries.Load())
	}
}

func TestLookupNoRecord(t *testing.T) {
	f := startFakeDNS(t, map[string][]NAPTR{})
	_, err := Discover(context.Background(), "de", ServiceEB, 1, "acc", &DNSClient{Servers: []string{f.addr}})
	if !errors.Is(err, ErrNoRecord) || !strings.Contains(err.Error(), "de.eb.v1.cs.acc.oots.tech.ec.europa.eu") {
		t.Fatalf("got %v", err)
	}
	f.rcode.Store(2)
	_, err = (&DNSClient{Servers: []string{f.addr}}).LookupNAPTR(context.Background(), frDSD)
	if err == nil || !strings.Contains(err.Error(), "SERVFAIL") {
		t.Fatalf("got %v", err)
	}
}

func TestLookupTriesNextServer(t *testing.T) {
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.LocalAddr().String()
	_ = dead.Close() // nothing answers there: connection refused or timeout
	f := startFakeDNS(t, map[string][]NAPTR{frDSD: {{Flags: "U", Regexp: "!.*!https://ok.example/!"}}})
	c := &DNSClient{Servers: []string{deadAddr, f.addr}, Timeout: 200 * time.Millisecond}
	if recs, err := c.LookupNAPTR(context.Background(), frDSD); err != nil || len(recs) != 1 {
		t.Fatalf("got %v, %v", recs, err)
	}
}

func TestDiscoveryName(t *testing.T) {
	got, err := DiscoveryName("FR", ServiceEB, 2, "PROD")
	if err != nil || got != "fr.eb.v2.cs.prod.oots.tech.ec.europa.eu" {
		t.Errorf("got %q, %v", got, err)
	}
	bad := []struct {
		cc, svc, env string
		major        int
	}{{"FRA", "eb", "acc", 1}, {"F1", "eb", "acc", 1}, {"fr", "sr", "acc", 1}, {"fr", "eb", "acc", 0}, {"fr", "eb", "a.b", 1}, {"fr", "eb", "", 1}}
	for _, b := range bad {
		if _, err := DiscoveryName(b.cc, b.svc, b.major, b.env); err == nil {
			t.Errorf("%+v accepted", b)
		}
	}
}

func TestSelectURLSkipsUnusableRecords(t *testing.T) {
	recs := []NAPTR{
		{Order: 1, Flags: "U", Regexp: "!^.*$!mailto:x@example!"},
		{Order: 2, Flags: "U", Regexp: "broken"},
		{Order: 3, Flags: "U", Regexp: "!^([a-z]+)\\..*$!https://\\1.example/eb!"},
	}
	got, err := SelectURL("fi.eb.v1.cs.acc.oots.tech.ec.europa.eu", recs)
	if err != nil || got != "https://fi.example/eb" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := SelectURL("x", []NAPTR{{Flags: "S", Regexp: "!.*!https://x/!"}}); !errors.Is(err, ErrNoRecord) {
		t.Errorf("a non-terminal record only: %v", err)
	}
}

func TestApplyRegexp(t *testing.T) {
	cases := []struct{ expr, in, want string }{
		{"!^.*$!https://query.cs.oots.tech.ec.europa.eu/!", "fr.eb.v1.cs.prod.oots.tech.ec.europa.eu", "https://query.cs.oots.tech.ec.europa.eu/"},
		{"#^(..)\\.(eb|dsd)\\..*$#https://cs.example/\\2/\\1#", "fi.dsd.v1.cs", "https://cs.example/dsd/fi"},
		{"/^.*$/https:\\/\\/escaped.example\\/x/", "a", "https://escaped.example/x"},
		{"!^FR!https://ci.example/$x!i", "fr.eb", "https://ci.example/$x"},
	}
	for _, c := range cases {
		got, err := ApplyRegexp(c.expr, c.in)
		if err != nil || got != c.want {
			t.Errorf("ApplyRegexp(%q, %q) = %q, %v; want %q", c.expr, c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "!!", "!a!b", "!a!b!c!", "!(!x!", "1a1b1", "!^x$!y!"} {
		if _, err := ApplyRegexp(bad, "fr.eb"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSystemServers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "resolv.conf")
	conf := "# comment\nsearch example\nnameserver 192.0.2.1\nnameserver fe80::1%eth0\nnameserver 2001:db8::53\n"
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(systemServers(p), " ")
	if got != "192.0.2.1:53 [fe80::1]:53 [2001:db8::53]:53" {
		t.Errorf("got %q", got)
	}
}

func TestParseMessageRefusesHostileNames(t *testing.T) {
	header := []byte{0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}
	loop := append(append([]byte(nil), header...), 0xc0, 12) // a name pointing at itself
	if _, err := parseMessage(loop, 7); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("pointer loop: %v", err)
	}
	long := append([]byte(nil), header...)
	for range 5 {
		long = append(long, 63)
		long = append(long, strings.Repeat("a", 63)...)
	}
	long = append(long, 0, 0, 35, 0, 1)
	if _, err := parseMessage(long, 7); err == nil {
		t.Error("a 320-byte name accepted")
	}
	if _, err := parseMessage(header, 8); err == nil {
		t.Error("an answer to another id accepted")
	}
}

func FuzzParseMessage(f *testing.F) {
	q, _ := encodeQuery(1, frDSD, typeNAPTR)
	srv := &fakeDNS{records: map[string][]NAPTR{frDSD: {{Order: 1, Flags: "U", Services: "s", Regexp: "!.*!https://x/!", Replacement: "."}}}}
	f.Add(srv.answer(q, false))
	srv.compressReplacement = true
	f.Add(srv.answer(q, false))
	f.Add([]byte{0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseMessage(b, binaryID(b))
		if err == nil {
			_, _ = m.result()
		}
	})
}

func binaryID(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func FuzzApplyRegexp(f *testing.F) {
	f.Add("!^.*$!https://query.cs.oots.tech.ec.europa.eu/!", "fr.eb.v1.cs.prod.oots.tech.ec.europa.eu")
	f.Add("#^(..)\\.(eb|dsd)\\..*$#https://cs.example/\\2/\\1#", "fi.dsd")
	f.Fuzz(func(t *testing.T, expr, in string) {
		_, _ = ApplyRegexp(expr, in)
	})
}
