package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/edm"
)

// packageMessage is the message's file name in a --package folder.
const packageMessage = "response.xml"

// checkEvidenceOptions checks --evidence, --package and --mime before
// anything is read or written; an unsupported file type is a usage error.
func checkEvidenceOptions(opts *Options) error {
	if len(opts.Evidence) > 0 && opts.Kind != KindResponse {
		return cmdutil.FlagErrorf("--evidence is for response only")
	}
	if (opts.Package != "" || opts.MIME) && len(opts.Evidence) == 0 {
		return cmdutil.FlagErrorf("--package and --mime write attachments: give them with --evidence FILE")
	}
	if opts.Package != "" && opts.MIME {
		return cmdutil.FlagErrorf("--package and --mime cannot be used together")
	}
	if opts.Package != "" && opts.Output != "" {
		return cmdutil.FlagErrorf("--package writes %s into the folder: -o cannot be used with it", packageMessage)
	}
	for _, f := range opts.Evidence {
		if f == "-" {
			return cmdutil.FlagErrorf("--evidence -: give a file; its extension gives the media type")
		}
		if _, err := edm.MediaTypeOf(f); err != nil {
			return cmdutil.FlagErrorf("--evidence %v", err)
		}
	}
	return nil
}

// readEvidence reads the --evidence files as attachments (media type from
// the extension; Content-IDs are set by edm.Response.Attach).
func readEvidence(opts *Options) ([]edm.Attachment, error) {
	var atts []edm.Attachment
	for _, f := range opts.Evidence {
		t, err := edm.MediaTypeOf(f)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--evidence %v", err)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--evidence: %w", err)
		}
		atts = append(atts, edm.Attachment{Name: f, MediaType: t, Data: data})
	}
	return atts, nil
}

// writeMessage writes the built message: with --package into a folder,
// with --mime as one MIME package, otherwise the message alone (and a note
// that the attachments were not written).
func writeMessage(opts *Options, data []byte, atts []edm.Attachment) error {
	switch {
	case opts.Package != "":
		return writePackage(opts.Package, data, atts)
	case opts.MIME:
		return writeTo(opts, func(w io.Writer) error { return edm.WriteMIME(w, data, atts) })
	}
	if err := writeOutput(opts, data); err != nil {
		return err
	}
	if len(atts) > 0 {
		_, _ = fmt.Fprintf(opts.Factory.IOStreams.ErrOut,
			"note: only the message was written; its %d attachment(s) were not: use --package DIR or --mime\n", len(atts))
	}
	return nil
}

// writePackage writes the message and the attachments into dir, which is
// created when missing and must be empty otherwise (a package never mixes
// with older files). Each file is written atomically, the message last.
func writePackage(dir string, data []byte, atts []edm.Attachment) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--package: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--package: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("--package %s: the folder is not empty; give a new or empty folder", dir)
	}
	write := func(name string, b []byte) error {
		return cmdutil.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		})
	}
	for _, a := range atts {
		if a.FileName() == packageMessage {
			return errors.New("an attachment would overwrite " + packageMessage)
		}
	}
	// The message last: a folder with response.xml holds all its attachments.
	for _, a := range atts {
		if err := write(a.FileName(), a.Data); err != nil {
			return err
		}
	}
	return write(packageMessage, data)
}
