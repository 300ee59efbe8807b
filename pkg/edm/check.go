package edm

import (
	"context"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
)

// InvalidError is a built message the embedded rules reject. Findings holds
// the error findings; the message is never returned to the caller.
type InvalidError struct {
	Name     string
	Findings []report.Finding
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	plural := "s"
	if len(e.Findings) == 1 {
		plural = ""
	}
	fmt.Fprintf(&b, "the built %s is not valid (%d error%s):", e.Name, len(e.Findings), plural)
	for _, f := range e.Findings {
		rule := f.Rule
		if rule == "" {
			rule = f.Layer
		}
		fmt.Fprintf(&b, "\n  %s  %s", rule, f.Message)
	}
	return b.String()
}

// Check validates a message with the embedded rules and returns an
// *InvalidError listing its error findings, if any. Warnings and info
// findings do not fail a message, as in `oots validate`.
func Check(ctx context.Context, name string, data []byte) error {
	rs, err := validate.Embedded(ctx)
	if err != nil {
		return fmt.Errorf("loading the embedded rules: %w", err)
	}
	res := validate.New(rs, validate.Options{}).Validate(ctx, name, data)
	var errs []report.Finding
	for _, f := range res.Findings {
		if f.Severity == report.SeverityError {
			errs = append(errs, f)
		}
	}
	if len(errs) > 0 {
		return &InvalidError{Name: name, Findings: errs}
	}
	return nil
}

// build serialises and checks a message: the one path every Build takes, so
// no builder can hand out a message the rules reject.
func build(ctx context.Context, name string, xml func() ([]byte, error)) ([]byte, error) {
	data, err := xml()
	if err != nil {
		return nil, err
	}
	if err := Check(ctx, name, data); err != nil {
		return nil, err
	}
	return data, nil
}
