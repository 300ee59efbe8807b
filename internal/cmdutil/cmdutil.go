// Package cmdutil holds what every command shares: the factory of
// dependencies, the exit-code errors, and flag binding to environment
// variables and the configuration file.
package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oots-tools/oots/internal/iostreams"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Factory carries the dependencies commands need; tests build their own.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Config holds configuration from the file and OOTS_* variables. Every
	// command's flags fall back to it.
	Config *viper.Viper
	// Version is the build version.
	Version string
}

// ErrInvalid means the command ran and found documents invalid or a
// verification failed: exit code 2.
var ErrInvalid = errors.New("invalid")

// ErrSilent is a failure whose message was already printed: exit code 1.
var ErrSilent = errors.New("silent")

// FlagError is a usage error: exit code 1, with the usage hint.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// NewConfig returns a configuration that reads OOTS_* environment variables
// (OOTS_FORMAT for --format, OOTS_FAIL_FAST for --fail-fast) and, when
// configFile is not empty, that YAML file.
func NewConfig(configFile string) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix("OOTS")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if configFile != "" {
		v.SetConfigFile(configFile)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("reading configuration %s: %w", configFile, err)
		}
	}
	return v, nil
}

// BindFlags fills every flag of cmd the user did not set from the
// configuration: the key is the flag name, looked up first under the command
// name ("validate.format") and then at the top level ("format").
func BindFlags(cmd *cobra.Command, v *viper.Viper) error {
	if v == nil {
		return nil
	}
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" {
			return
		}
		for _, key := range []string{cmd.Name() + "." + f.Name, f.Name} {
			if !v.IsSet(key) {
				continue
			}
			if err := setFromConfig(cmd, f, v, key); err != nil {
				errs = append(errs, err)
			}
			return
		}
	})
	return errors.Join(errs...)
}

func setFromConfig(cmd *cobra.Command, f *pflag.Flag, v *viper.Viper, key string) error {
	values := []string{v.GetString(key)}
	if f.Value.Type() == "stringSlice" || f.Value.Type() == "stringArray" {
		values = v.GetStringSlice(key)
	}
	for _, val := range values {
		if err := cmd.Flags().Set(f.Name, val); err != nil {
			return FlagErrorf("configuration %s=%q: %v", key, val, err)
		}
	}
	return nil
}
