package node

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/oots-tools/oots/pkg/as4"
)

// journal opens the node's AS4 journal in DataDir (nil without DataDir:
// duplicates are then only recognised while the process lives).
func (n *node) journal() (as4.Journal, func(), error) {
	if n.cfg.DataDir == "" {
		return nil, func() {}, nil
	}
	if err := os.MkdirAll(n.cfg.DataDir, 0o750); err != nil {
		return nil, nil, err
	}
	durability := as4.SurvivesProcess
	if n.cfg.JournalSync {
		durability = as4.SurvivesMachine
	}
	j, err := as4.FileJournal(filepath.Join(n.cfg.DataDir, n.cfg.Name+".as4-journal"), durability)
	if err != nil {
		return nil, nil, fmt.Errorf("node %s: %w", n.cfg.Name, err)
	}
	closer := func() {}
	if c, ok := j.(interface{ Close() error }); ok {
		closer = func() { _ = c.Close() }
	}
	return j, closer, nil
}
