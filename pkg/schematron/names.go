package schematron

import (
	"slices"
	"sync"
	"sync/atomic"
)

// names interns the expanded names that native contexts and tests use, so
// the document index can store a number per node and steps compare numbers.
// The table is shared by every compiled schema of the process: an index
// built for one schema then serves any other (see Batch). Names are only
// added, at compile time; runs read an immutable snapshot without locking.
var names nameTable

type nameTable struct {
	mu      sync.Mutex
	byLocal map[string][]nameEntry
	count   int32
	anchors []bool // see markAnchor
	probe   atomic.Pointer[probeTable]
}

type nameEntry struct {
	uri string
	id  int32
}

// probeTable is an open-addressing hash table of the names interned when it
// was built. Every element and attribute of every document is looked up in
// it, and most are names no expression uses: a probe on a cheap hash of the
// local name, usually ending at its first, empty slot, is cheaper than
// hashing the whole name for a map.
type probeTable struct {
	slots []probeSlot
	count int32 // names in the table: ids are below it
	// anchor marks the names some schema reaches nodes by (the last step
	// of a native rule context, the first of //name): only those get a
	// per-name node list in the document index.
	anchor []bool
}

type probeSlot struct {
	local, uri string
	id         int32 // the name's id plus one; 0 marks an empty slot
}

// emptyNames is the table before any name is interned.
var emptyNames = &probeTable{slots: make([]probeSlot, 1)}

// intern returns the id of an expanded name, adding it when new.
func (t *nameTable) intern(uri, local string) int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.byLocal[local] {
		if e.uri == uri {
			return e.id
		}
	}
	if t.byLocal == nil {
		t.byLocal = map[string][]nameEntry{}
	}
	id := t.count
	t.count++
	t.byLocal[local] = append(t.byLocal[local], nameEntry{uri: uri, id: id})
	t.anchors = append(t.anchors, false)
	t.probe.Store(t.seal())
	return id
}

// markAnchor records that a schema reaches the nodes of name id through the
// document index's list of that name.
func (t *nameTable) markAnchor(id int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.anchors[id] {
		t.anchors[id] = true
		t.probe.Store(t.seal())
	}
}

// snapshot is the table of the names interned so far.
func (t *nameTable) snapshot() *probeTable {
	if p := t.probe.Load(); p != nil {
		return p
	}
	return emptyNames
}

// seal builds a probe table of the names interned so far; t.mu is held. The
// table is kept at most a quarter full so that a probe for an unknown name,
// the common case, mostly stops at its first slot.
func (t *nameTable) seal() *probeTable {
	size := 16
	for size < 4*int(t.count) {
		size *= 2
	}
	p := &probeTable{slots: make([]probeSlot, size), count: t.count, anchor: slices.Clone(t.anchors)}
	mask := uint32(size - 1)
	for local, entries := range t.byLocal {
		for _, e := range entries {
			i := nameHash(local) & mask
			for p.slots[i].id != 0 {
				i = (i + 1) & mask
			}
			p.slots[i] = probeSlot{local: local, uri: e.uri, id: e.id + 1}
		}
	}
	return p
}

// lookup gives the id of an expanded name, or -1 when no expression uses it.
func (p *probeTable) lookup(uri, local string) int32 {
	mask := uint32(len(p.slots) - 1)
	for i := nameHash(local) & mask; ; i = (i + 1) & mask {
		e := &p.slots[i]
		if e.id == 0 {
			return -1
		}
		if e.local == local && e.uri == uri {
			return e.id - 1
		}
	}
}

// nameHash mixes the length and three bytes of a local name: enough to tell
// apart the few dozen names of a rule set, at the cost of a few
// multiplications.
func nameHash(s string) uint32 {
	n := len(s)
	if n == 0 {
		return 0
	}
	h := uint32(n)*0x9e3779b1 ^ uint32(s[0])*0x85ebca77 ^ uint32(s[n-1])*0xc2b2ae3d ^ uint32(s[n/2])*0x27d4eb2f
	return h ^ h>>15
}
