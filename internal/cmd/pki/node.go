package pki

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/oots-tools/oots/internal/cmdutil"
	"github.com/oots-tools/oots/pkg/pki"
	"github.com/spf13/cobra"
)

// nodeFlags are the flags init and issue share.
type nodeFlags struct {
	Name       string
	Algorithms []string
	Password   string
	Days       int
	Force      bool
}

func (n *nodeFlags) register(cmd *cobra.Command, defaultName string) {
	fl := cmd.Flags()
	fl.StringVar(&n.Name, "name", defaultName, "node name, used in the subject (CN=<name> (TEST)) and in file names")
	fl.StringSliceVar(&n.Algorithms, "alg", algorithmNames(), "key algorithms of the node certificates: rsa (RSA-3072), p256 (ECDSA P-256), ed25519")
	fl.StringVar(&n.Password, "password", "", "password of the PKCS#12 files (also OOTS_PASSWORD); empty is allowed for tests")
	fl.IntVar(&n.Days, "days", int(pki.DefaultNodeValidity/(24*time.Hour)), "validity of the node certificates in days")
	fl.BoolVar(&n.Force, "force", false, "replace existing files")
}

func algorithmNames() []string {
	var names []string
	for _, a := range pki.Algorithms() {
		names = append(names, string(a))
	}
	return names
}

// check validates the flags as usage errors and returns the algorithms.
func (n *nodeFlags) check() ([]pki.Algorithm, error) {
	if n.Name == "" {
		return nil, cmdutil.FlagErrorf("give the node name with --name")
	}
	if err := pki.CheckNodeName(n.Name); err != nil {
		return nil, cmdutil.FlagErrorf("--name: %v", err)
	}
	if n.Days <= 0 {
		return nil, cmdutil.FlagErrorf("--days must be a positive number of days, not %d", n.Days)
	}
	return parseAlgorithms(n.Algorithms)
}

// parseAlgorithms reads --alg values (repeated or comma-separated), dropping duplicates.
func parseAlgorithms(names []string) ([]pki.Algorithm, error) {
	var algs []pki.Algorithm
	seen := map[pki.Algorithm]bool{}
	for _, name := range names {
		alg, err := pki.ParseAlgorithm(name)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--alg: %v", err)
		}
		if !seen[alg] {
			seen[alg] = true
			algs = append(algs, alg)
		}
	}
	if len(algs) == 0 {
		return nil, cmdutil.FlagErrorf("--alg: give at least one of %s", strings.Join(algorithmNames(), ", "))
	}
	return algs, nil
}

// nodePaths lists the files a node's identities will be written to.
func nodePaths(dir, name string, algs []pki.Algorithm) []string {
	var paths []string
	for _, alg := range algs {
		names := pki.NodeFileNames(name, alg)
		paths = append(paths, filepath.Join(dir, names.Cert), filepath.Join(dir, names.Key), filepath.Join(dir, names.PKCS12))
	}
	return paths
}

// issueNodes makes a key and a certificate for each algorithm and encodes
// them in the folder layout of docs/pki.md; it returns the files and the identities.
func issueNodes(ctx context.Context, ca *pki.CA, dir, name string, algs []pki.Algorithm, period pki.Period, password string) ([]outputFile, []*pki.Identity, error) {
	var files []outputFile
	var ids []*pki.Identity
	for _, alg := range algs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		key, err := pki.GenerateKey(alg)
		if err != nil {
			return nil, nil, err
		}
		id, err := ca.Issue(name, key, period)
		if err != nil {
			return nil, nil, err
		}
		encoded, err := encodeNode(dir, name, alg, id, password)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, encoded...)
		ids = append(ids, id)
	}
	return files, ids, nil
}

func encodeNode(dir, name string, alg pki.Algorithm, id *pki.Identity, password string) ([]outputFile, error) {
	names := pki.NodeFileNames(name, alg)
	keyPEM, err := pki.EncodePrivateKeyPEM(id.Signer)
	if err != nil {
		return nil, err
	}
	p12, err := pki.EncodePKCS12(id, password)
	if err != nil {
		return nil, err
	}
	certs := append([]*x509.Certificate{id.Certificate}, id.Chain...)
	return []outputFile{
		{path: filepath.Join(dir, names.Cert), data: pki.EncodeCertificatesPEM(certs...), perm: 0o644},
		{path: filepath.Join(dir, names.Key), data: keyPEM, perm: 0o600},
		{path: filepath.Join(dir, names.PKCS12), data: p12, perm: 0o600},
	}, nil
}

// warnEmptyPassword says on stderr that PKCS#12 files are not protected.
func warnEmptyPassword(errOut io.Writer, password string) {
	if password == "" {
		_, _ = fmt.Fprintln(errOut, "oots: warning: the PKCS#12 files have no password (set one with --password or OOTS_PASSWORD)")
	}
}

// listWritten prints the paths written, one a line, for people and scripts.
func listWritten(out io.Writer, files []outputFile) error {
	for _, f := range files {
		if _, err := fmt.Fprintln(out, f.path); err != nil {
			return err
		}
	}
	return nil
}
