package edm

import (
	"crypto/rand"
	"fmt"
)

// NewUUID returns a random (version 4) UUID in lower case, the form the EDM
// rules match ([a-f0-9]{8}-...).
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never returns an error (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// orUUID keeps a given id or makes a fresh one.
func orUUID(id string) string {
	if id == "" {
		return NewUUID()
	}
	return id
}

// orURNUUID is orUUID for ids written as urn:uuid:... (message and registry
// object ids).
func orURNUUID(id string) string {
	if id == "" {
		return "urn:uuid:" + NewUUID()
	}
	return id
}
