package as4

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Journal remembers which messages a Server delivered and the receipt it
// answered, beyond the life of the process: a message sent again after a
// restart gets the recorded receipt and is not delivered a second time.
type Journal interface {
	// Seen returns the receipt recorded for the message id.
	Seen(id string) (receipt []byte, ok bool)
	// Record stores the receipt of a delivered message durably before the
	// receipt is sent.
	Record(id string, receipt []byte) error
}

// Durability is what a FileJournal record survives once Record returns.
type Durability int

const (
	// SurvivesProcess: the record is written to the file (the operating
	// system's cache) and survives the process being killed or crashing,
	// not the machine failing. No fsync: each one costs more than the rest
	// of a receipt.
	SurvivesProcess Durability = iota
	// SurvivesMachine: the record is also fsynced; concurrent records
	// share one fsync.
	SurvivesMachine
)

// fileJournal is an append-only file of records, one per line:
// base64(message id) SP base64(receipt envelope) LF. A line cut short by a
// crash is ignored on load (its message was not acknowledged, so the sender
// sends it again). Only the offsets live in memory; a duplicate reads its
// receipt back from the file.
type fileJournal struct {
	mu      sync.Mutex // guards f's end and offsets
	f       *os.File
	sync    bool // fsync records (SurvivesMachine)
	size    int64
	offsets map[string]span
	// Group commit: writers append under mu, then one fsync covers every
	// record written before it started.
	syncMu  sync.Mutex
	written atomic.Int64 // records appended
	synced  atomic.Int64 // records known durable
}

type span struct{ off, n int64 }

// FileJournal opens (or creates) the journal file at path and loads the
// message ids it holds. It is safe for concurrent use; Record returns once
// the record is as durable as d says.
func FileJournal(path string, d Durability) (Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("as4 journal: %w", err)
	}
	j := &fileJournal{f: f, offsets: map[string]span{}, sync: d == SurvivesMachine}
	if err := j.load(); err != nil {
		_ = f.Close() // the load error is what matters
		return nil, fmt.Errorf("as4 journal %s: %w", path, err)
	}
	return j, nil
}

// load indexes every complete record and cuts off a torn last line, so
// that new records start on a line of their own.
func (j *fileJournal) load() error {
	r := bufio.NewReader(j.f)
	var off int64
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // a last line without LF was cut short: dropped below
		}
		if err != nil {
			return err
		}
		if id, rec, ok := splitRecord(line); ok {
			j.offsets[id] = span{off + rec.off, rec.n}
		}
		off += int64(len(line))
	}
	j.size = off
	if err := j.f.Truncate(off); err != nil {
		return err
	}
	_, err := j.f.Seek(off, io.SeekStart)
	return err
}

// splitRecord decodes the id of one line and locates its receipt (still
// base64) within the line.
func splitRecord(line []byte) (string, span, bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return "", span{}, false
	}
	id, err := base64.StdEncoding.DecodeString(string(line[:sp]))
	if err != nil {
		return "", span{}, false
	}
	body := bytes.TrimSuffix(line[sp+1:], []byte("\n"))
	return string(id), span{int64(sp + 1), int64(len(body))}, true
}

func (j *fileJournal) Seen(id string) ([]byte, bool) {
	j.mu.Lock()
	s, ok := j.offsets[id]
	j.mu.Unlock()
	if !ok {
		return nil, false
	}
	enc := make([]byte, s.n)
	if _, err := j.f.ReadAt(enc, s.off); err != nil {
		return nil, false
	}
	receipt, err := base64.StdEncoding.DecodeString(string(enc))
	if err != nil {
		return nil, false
	}
	return receipt, true
}

func (j *fileJournal) Record(id string, receipt []byte) error {
	idText := base64.StdEncoding.EncodeToString([]byte(id))
	line := make([]byte, 0, len(idText)+base64.StdEncoding.EncodedLen(len(receipt))+2)
	line = append(line, idText...)
	line = append(line, ' ')
	line = base64.StdEncoding.AppendEncode(line, receipt)
	line = append(line, '\n')

	j.mu.Lock()
	if _, dup := j.offsets[id]; dup {
		j.mu.Unlock()
		return nil
	}
	if _, err := j.f.Write(line); err != nil {
		j.mu.Unlock()
		return fmt.Errorf("as4 journal: %w", err)
	}
	j.offsets[id] = span{j.size + int64(len(idText)) + 1, int64(len(line) - len(idText) - 2)}
	j.size += int64(len(line))
	seq := j.written.Add(1)
	j.mu.Unlock()
	if !j.sync {
		return nil
	}
	return j.syncUpTo(seq)
}

// syncUpTo makes record seq durable; one fsync serves every record written
// before it began.
func (j *fileJournal) syncUpTo(seq int64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced.Load() >= seq {
		return nil
	}
	upTo := j.written.Load()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("as4 journal: %w", err)
	}
	j.synced.Store(upTo)
	return nil
}

// Close closes the journal file.
func (j *fileJournal) Close() error { return j.f.Close() }
