package edm

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Decode reads a YAML or JSON description (JSON is YAML) into a Request,
// Response or ErrorResponse. Unknown keys are refused: a misspelt key would
// otherwise silently leave a field empty. Fields already set in v and absent
// from the description are kept, so a description can complete a message
// prepared by the caller (defaults).
func Decode(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the description: %w", err)
	}
	return nil
}
