package validate

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/crosscheck"
	"github.com/oots-tools/oots/pkg/jsonvalidate"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
	"github.com/schollz/progressbar/v3"
)

// batch validates many documents with one compiled rule set.
type batch struct {
	opts      *Options
	validator *validate.Validator
	json      *jsonvalidate.Schema
	request   *helium.Document
	limits    xmldoc.Limits
}

func newBatch(ctx context.Context, opts *Options) (*batch, error) {
	rs, err := validate.Load(ctx, opts.Rules)
	if err != nil {
		return nil, err
	}
	kind, _ := validate.ParseKind(opts.Kind)
	b := &batch{opts: opts, limits: xmldoc.DefaultLimits}
	b.validator = validate.New(rs, validate.Options{Kind: kind, FailFast: opts.FailFast, Strict: opts.Strict, Limits: b.limits})
	if b.json, err = jsonSchema(opts); err != nil {
		return nil, err
	}
	if opts.Request != "" {
		if b.request, err = loadRequest(ctx, opts.Request, b.limits); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func loadRequest(ctx context.Context, path string, lim xmldoc.Limits) (*helium.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--request: %w", err)
	}
	doc, err := xmldoc.Parse(ctx, data, lim)
	if err != nil {
		return nil, fmt.Errorf("--request %s: %w", path, err)
	}
	if validate.Detect(doc) != validate.EvidenceRequest {
		return nil, fmt.Errorf("--request %s: not an evidence request (query:QueryRequest)", path)
	}
	return doc, nil
}

// run validates the inputs with opts.Jobs workers; results keep input order.
func (b *batch) run(ctx context.Context, inputs []input) []report.FileResult {
	results := make([]report.FileResult, len(inputs))
	bar := b.progress(len(inputs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(b.opts.Jobs, len(inputs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = b.one(ctx, inputs[i])
				if bar != nil {
					_ = bar.Add(1)
				}
			}
		}()
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
	}
	return results
}

// progress shows a bar on a terminal when the batch is large enough to wait for.
func (b *batch) progress(n int) *progressbar.ProgressBar {
	streams := b.opts.Factory.IOStreams
	if !b.opts.Progress || !streams.IsStderrTTY() || n < 50 {
		return nil
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(streams.ErrOut),
		progressbar.OptionSetDescription("validating"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
}

func (b *batch) one(ctx context.Context, in input) report.FileResult {
	data, err := b.read(in)
	if err != nil {
		return report.FileResult{Path: in.path, Kind: string(validate.Unknown), Findings: []report.Finding{}, Error: err.Error()}
	}
	if b.isJSON(in, data) {
		return b.validateJSON(in, data)
	}
	res, doc := b.validator.ValidateDocument(ctx, in.path, data)
	if b.request != nil && doc != nil && (doc.Kind == validate.EvidenceResponse || doc.Kind == validate.EvidenceError) {
		res.Findings = append(res.Findings, crosscheck.Check(b.request, doc.Doc)...)
		res.Valid = res.Valid && !report.Fails(res.Findings, b.opts.Strict)
	}
	return res
}

// read loads a document, refusing files beyond the size limit before reading them.
func (b *batch) read(in input) ([]byte, error) {
	var r io.Reader
	if in.stdin() {
		r = b.opts.Factory.IOStreams.In
	} else {
		f, err := os.Open(in.path)
		if err != nil {
			return nil, err
		}
		defer func() { _ = f.Close() }() // read-only: nothing is lost
		if st, err := f.Stat(); err == nil && st.Size() > b.limits.MaxBytes {
			return nil, fmt.Errorf("%s is %d bytes, more than the limit of %d", in.path, st.Size(), b.limits.MaxBytes)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, b.limits.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > b.limits.MaxBytes {
		return nil, fmt.Errorf("%s is more than the limit of %d bytes", in.path, b.limits.MaxBytes)
	}
	return data, nil
}

func (b *batch) isJSON(in input, data []byte) bool {
	return strings.EqualFold(filepath.Ext(in.path), ".json") || jsonvalidate.IsJSON(data)
}

func (b *batch) validateJSON(in input, data []byte) report.FileResult {
	res := report.FileResult{Path: in.path, Kind: "json", Findings: []report.Finding{}}
	if b.json == nil {
		res.Error = "a JSON document: give its JSON Schema with --schema"
		return res
	}
	res.Findings = append(res.Findings, b.json.Validate(in.path, data)...)
	res.Valid = !report.Fails(res.Findings, b.opts.Strict)
	return res
}
