package jades_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/oots-tools/oots/pkg/jades"
	"github.com/oots-tools/oots/pkg/jades/jadestest"
)

// TestNegativeCorpus checks that every signature of the negative corpus is
// refused for its own reason, with a message that names it.
func TestNegativeCorpus(t *testing.T) {
	body, err := os.ReadFile("../../examples/messages/evidence-response.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range jadestest.Corpus(t, body) {
		t.Run(c.Name, func(t *testing.T) {
			opts := jades.VerifyOptions{Roots: c.Roots}
			var err error
			if c.IsCSResponse() {
				_, err = jades.VerifyCSResponse(c.Header, c.Body, opts)
			} else {
				_, err = jades.Verify(c.Token, c.Payload, opts)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, c.Err) || !strings.Contains(err.Error(), c.Text) {
				t.Fatalf("error %q; want %v saying %q", err, c.Err, c.Text)
			}
		})
	}
}
