package validate_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oots-tools/oots/internal/conformance"
	"github.com/oots-tools/oots/pkg/validate"
)

// corpusFiles reads every sample and mutant of the shared corpus.
func corpusFiles(b *testing.B) [][]byte {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found")
	}
	var docs [][]byte
	for _, set := range []string{"samples", "mutants"} {
		err := filepath.WalkDir(filepath.Join(spec, set), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".xml" {
				return err
			}
			data, err := os.ReadFile(p)
			docs = append(docs, data)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return docs
}

func benchmarkCorpus(b *testing.B, rs *validate.RuleSet) {
	docs := corpusFiles(b)
	v := validate.New(rs, validate.Options{})
	ctx := context.Background()
	for _, d := range docs { // warm up: compile every kind's rules once
		v.Validate(ctx, "warm-up", d)
	}
	workers := runtime.GOMAXPROCS(0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1) - 1; i < int64(len(docs)); i = next.Add(1) - 1 {
					v.Validate(ctx, "doc", docs[i])
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(len(docs)), "msgs/op")
}

// BenchmarkCorpusEmbedded validates every sample and mutant (XSD, Schematron,
// code lists) with the embedded rules, on all cores.
func BenchmarkCorpusEmbedded(b *testing.B) {
	rs, err := validate.Embedded(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	benchmarkCorpus(b, rs)
}

// BenchmarkCorpusOfficial does the same with the official artefacts.
func BenchmarkCorpusOfficial(b *testing.B) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found")
	}
	rs, err := validate.LoadOfficial(context.Background(), spec)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkCorpus(b, rs)
}

// BenchmarkStartupEmbedded is what a single `oots validate FILE` pays before
// reading its file: compiling the structure model and one kind's rules.
func BenchmarkStartupEmbedded(b *testing.B) {
	spec, ok := conformance.SpecDir()
	if !ok {
		b.Skip("shared corpus not found")
	}
	data, err := os.ReadFile(filepath.Join(spec, "samples/evidence-request/edm10-2.1-Step-1-Evidence-Request-Birth-full-example.xml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rs, err := validate.NewEmbedded(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		validate.New(rs, validate.Options{}).Validate(context.Background(), "r.xml", data)
	}
}
