package provider

import (
	"embed"
	"path"
)

// exampleFiles is the built-in example dataset and its documents.
//
//go:embed example/dataset.yaml example/*.xml
var exampleFiles embed.FS

// loadExample loads the built-in dataset; its files are read from the
// binary, relative to the dataset as for a dataset on disk.
func loadExample() (*Dataset, error) {
	data, err := exampleFiles.ReadFile("example/dataset.yaml")
	if err != nil {
		return nil, err
	}
	return parseDataset(ExampleDataset, data, func(name string) ([]byte, error) {
		return exampleFiles.ReadFile(path.Join("example", name))
	})
}
