package as4

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/oots-tools/oots/pkg/pki"
)

func openJournal(t *testing.T, path string) Journal {
	t.Helper()
	j, err := FileJournal(path, SurvivesMachine)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.(io.Closer).Close() })
	return j
}

// post sends the same bytes as a retrying sender would and returns the answer.
func post(t *testing.T, url, ct string, body []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, ct, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() //nolint:errcheck // read fully
	answer, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d %v: %s", resp.StatusCode, err, answer)
	}
	return answer
}

func TestJournalSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "delivered.journal")
	serverSec := security(t, pki.P256)
	ct, body := signed(t, security(t, pki.Ed25519), payloads())

	before, deliveredBefore := signedServer(t, serverSec, openJournal(t, path))
	first := post(t, before.URL, ct, body)
	again := post(t, before.URL, ct, body)
	before.Close()

	after, deliveredAfter := signedServer(t, serverSec, openJournal(t, path))
	restarted := post(t, after.URL, ct, body)
	if *deliveredBefore != 1 || *deliveredAfter != 0 {
		t.Errorf("delivered %d times before the restart and %d after; want 1 and 0", *deliveredBefore, *deliveredAfter)
	}
	if !bytes.Equal(first, again) || !bytes.Equal(first, restarted) {
		t.Errorf("the duplicate got another answer than the recorded receipt:\n%s\n---\n%s", first, restarted)
	}
	msg, err := Decode(context.Background(), "application/soap+xml", bytes.NewReader(restarted), DefaultLimits)
	if err != nil || serverSec.Verify(msg) != nil || msg.Header.Signals[0].Receipt == nil {
		t.Errorf("the recorded receipt is not a signed receipt: %v", err)
	}
	// A new message after the restart is delivered.
	ct2, body2 := signed(t, serverSec, payloads())
	post(t, after.URL, ct2, body2)
	if *deliveredAfter != 1 {
		t.Errorf("a new message after the restart was delivered %d times", *deliveredAfter)
	}
}

// TestJournalSurvivesProcess: without fsync, a record is in the file when
// Record returns — another process (here: a second journal on the file,
// the first never closed, as when a node is killed) finds it.
func TestJournalSurvivesProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	killed, err := FileJournal(path, SurvivesProcess)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = killed.(io.Closer).Close() })
	if err := killed.Record("m1@x", []byte("<receipt/>")); err != nil {
		t.Fatal(err)
	}
	restarted, err := FileJournal(path, SurvivesProcess)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = restarted.(io.Closer).Close() })
	if r, ok := restarted.Seen("m1@x"); !ok || string(r) != "<receipt/>" {
		t.Errorf("after a kill the record reads %q, %v", r, ok)
	}
}

func TestJournalConcurrentRecordsAndTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, err := FileJournal(path, SurvivesMachine)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := j.Record(fmt.Sprintf("id %d\n@x", i), []byte(fmt.Sprintf("<receipt n=\"%d\"/>\n", i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := j.Record("id 3\n@x", []byte("other")); err != nil {
		t.Fatal(err)
	}
	_ = j.(io.Closer).Close()
	// A crash in the middle of a record leaves a line without its end.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("aWQgdG9ybg== PHJlY2Vp")
	_ = f.Close()

	j = openJournal(t, path)
	for i := range 50 {
		got, ok := j.Seen(fmt.Sprintf("id %d\n@x", i))
		if want := fmt.Sprintf("<receipt n=\"%d\"/>\n", i); !ok || string(got) != want {
			t.Errorf("record %d: %q %v", i, got, ok)
		}
	}
	if _, ok := j.Seen("id torn"); ok {
		t.Error("a torn record was loaded")
	}
	if err := j.Record("after", []byte("r")); err != nil {
		t.Fatal(err)
	}
	if got, ok := openJournal(t, path).Seen("after"); !ok || string(got) != "r" {
		t.Errorf("a record after a torn tail: %q %v", got, ok)
	}
}
