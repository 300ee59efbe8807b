package as4

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Buffers reused from message to message. A node handles thousands of
// messages per second, and growing a fresh buffer for each envelope, each
// encoded message and each receipt read was most of what AS4 allocated.
// Each kind has its own pool, so that small envelope buffers are not grown
// to the size of whole messages.
//
// A buffer goes back only where every use of its bytes is provably over;
// each putBuffer or putRaw call says why.
var (
	// scratchPool holds eb:Messaging, soap:Body and ds:SignedInfo while
	// they are digested and signed, with the writer that writes them.
	scratchPool = sync.Pool{New: func() any { return new(envelopeScratch) }}
	// envelopePool holds envelopes that are copied on: into a multipart
	// body, or to an HTTP answer.
	envelopePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	// bodyPool holds encoded messages being sent.
	bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	// rawPool holds the bodies of answers read by a Client.
	rawPool = sync.Pool{New: func() any { return new([]byte) }}
)

// maxPooledBuffer bounds the buffers kept for reuse: one big message must
// not keep megabytes alive in every pool slot.
const maxPooledBuffer = 1 << 20

func getBuffer(p *sync.Pool) *bytes.Buffer {
	return p.Get().(*bytes.Buffer)
}

// putBuffer hands b back to p, emptied; the caller no longer uses b nor
// any slice of its bytes.
func putBuffer(p *sync.Pool, b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	p.Put(b)
}

// envelopeScratch is where an envelope's signed parts are written. The
// canonWriter is pooled with the buffer: its stacks point into its own
// arrays, which makes the compiler move every canonWriter to the heap.
type envelopeScratch struct {
	buf bytes.Buffer
	w   canonWriter
}

func getScratch() *envelopeScratch {
	return scratchPool.Get().(*envelopeScratch)
}

// putScratch hands sc back once the envelope was copied out of it.
func putScratch(sc *envelopeScratch) {
	if sc.buf.Cap() > maxPooledBuffer {
		return
	}
	sc.buf.Reset()
	sc.w.reset(nil, 0)
	scratchPool.Put(sc)
}

// getRaw is an empty slice to read a body into.
func getRaw() *[]byte {
	return rawPool.Get().(*[]byte)
}

// putRaw hands back the slice data was read into (it may have grown); the
// caller no longer uses data nor anything made over it.
func putRaw(p *[]byte, data []byte) {
	if data == nil { // the read failed: the slice is still *p
		data = *p
	}
	if cap(data) > maxPooledBuffer {
		return
	}
	*p = data[:0]
	rawPool.Put(p)
}

// sendBody is an encoded message in a pooled buffer, read by net/http once
// per attempt, and again through GetBody when it resends on a fresh
// connection or follows a redirect.
//
// A RoundTripper may go on reading a request body after RoundTrip
// returned, until it closes it (see http.RoundTripper). So the buffer goes
// back to the pool only when Send is done with it and every reader handed
// out was closed, whichever comes last; a reader never closed leaves the
// buffer to the garbage collector.
type sendBody struct {
	buf *bytes.Buffer
	// refs counts Send's own hold (one, until release) and the open readers.
	refs atomic.Int32
}

func newSendBody(sizeHint int) *sendBody {
	b := &sendBody{buf: getBuffer(&bodyPool)}
	b.buf.Grow(sizeHint)
	b.refs.Store(1)
	return b
}

// errBodyReleased is what a reader asked for after Send returned gets.
var errBodyReleased = errors.New("as4: the message body was released")

// open is a new reader of the body, for http.Request's Body and GetBody.
func (b *sendBody) open() (io.ReadCloser, error) {
	for {
		n := b.refs.Load()
		if n == 0 {
			return nil, errBodyReleased
		}
		if b.refs.CompareAndSwap(n, n+1) {
			break
		}
	}
	r := &bodyReader{owner: b}
	r.r.Reset(b.buf.Bytes())
	return r, nil
}

// release drops Send's hold.
func (b *sendBody) release() { b.drop() }

func (b *sendBody) drop() {
	if b.refs.Add(-1) == 0 {
		putBuffer(&bodyPool, b.buf)
	}
}

// bodyReader reads a sendBody. Read and Close exclude each other, and a
// closed reader reads nothing more: net/http may close a request body from
// another goroutine than the one writing it, and once Close returned the
// buffer may already hold another message.
type bodyReader struct {
	mu    sync.Mutex
	r     bytes.Reader
	owner *sendBody // nil once closed
}

// errBodyClosed is what a closed reader reads.
var errBodyClosed = errors.New("as4: read of a closed message body")

func (r *bodyReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owner == nil {
		return 0, errBodyClosed
	}
	return r.r.Read(p)
}

// Close drops the reader's hold on the body; closing again does nothing.
func (r *bodyReader) Close() error {
	r.mu.Lock()
	owner := r.owner
	r.owner = nil
	r.mu.Unlock()
	if owner != nil {
		owner.drop()
	}
	return nil
}
