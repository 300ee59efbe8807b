// Command oots does the daily technical work of the EU Once-Only Technical System.
package main

import (
	"os"

	"github.com/oots-tools/oots/internal/ootscmd"
)

func main() {
	os.Exit(ootscmd.Main())
}
