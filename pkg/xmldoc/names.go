package xmldoc

import "hash/maphash"

// nameCache maps the qualified names a parser meets to their interned
// prefix and local part. It belongs to one pooled parser at a time, so it
// needs no atomics, and it settles a name with one hash and one compare,
// where interning both parts costs two of each in the shared table.
//
// It is an open-addressed table of indices into entries, probed linearly
// for at most maxNameProbe slots; once it holds maxNames names it starts
// over, which bounds its size and every probe whatever names a document
// brings. A name it cannot place is simply interned again next time.
type nameCache struct {
	slots   [nameSlots]uint16 // 1 + index in entries; 0 marks a free slot
	entries []nameEntry
}

type nameEntry struct {
	hash          uint64
	prefix, local string
}

const (
	nameSlots    = 1024
	maxNames     = nameSlots / 2 // keeps probe runs short
	maxNameProbe = 8
)

// split returns the interned prefix and local name of the qualified name
// raw, whose colon is at colon (negative without one).
func (c *nameCache) split(raw []byte, colon int) (prefix, local string) {
	if len(raw) > maxInternLen {
		return splitName(raw, colon)
	}
	h := maphash.Bytes(internSeed, raw)
	free := -1
	for i := range maxNameProbe {
		slot := (h + uint64(i)) % nameSlots
		n := c.slots[slot]
		if n == 0 {
			free = int(slot)
			break
		}
		if e := &c.entries[n-1]; e.hash == h && e.is(raw) {
			return e.prefix, e.local
		}
	}
	prefix, local = splitName(raw, colon)
	c.add(free, nameEntry{hash: h, prefix: prefix, local: local})
	return prefix, local
}

// is tells whether e is the qualified name raw, comparing in place rather
// than keeping a copy of raw.
func (e *nameEntry) is(raw []byte) bool {
	if e.prefix == "" {
		return string(raw) == e.local
	}
	n := len(e.prefix)
	return len(raw) == n+1+len(e.local) && raw[n] == ':' &&
		string(raw[:n]) == e.prefix && string(raw[n+1:]) == e.local
}

// add stores e in the free slot found while probing (none: negative).
func (c *nameCache) add(free int, e nameEntry) {
	if free < 0 {
		return // a full probe run: rare, and only costs an intern
	}
	if len(c.entries) == maxNames {
		c.slots = [nameSlots]uint16{}
		c.entries = c.entries[:0]
		free = int(e.hash % nameSlots)
	}
	if c.entries == nil {
		c.entries = make([]nameEntry, 0, maxNames)
	}
	c.entries = append(c.entries, e)
	c.slots[free] = uint16(len(c.entries))
}

// splitName interns the parts of the qualified name raw.
func splitName(raw []byte, colon int) (prefix, local string) {
	if colon < 0 {
		return "", intern(raw)
	}
	return intern(raw[:colon]), intern(raw[colon+1:])
}
