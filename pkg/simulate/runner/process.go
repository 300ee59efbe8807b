package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CommandFunc makes the command that runs one node with args (the
// "simulate node --config FILE" arguments of the oots binary). Tests
// replace it with their own node programs.
type CommandFunc func(args ...string) *exec.Cmd

// ReadyMarker is the part of a node's first output line that says it is
// ready; the URL follows it.
const ReadyMarker = " listening on "

// StopGrace is how long a stopped node has to end before it is killed.
const StopGrace = 3 * time.Second

// child is one node process. It can be started again after it ended.
type child struct {
	name    string
	config  string // the node's configuration file
	logPath string // stdout after the ready line and stderr, across restarts

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current process has ended
}

// start runs the node and waits until it prints its ready line.
func (c *child) start(ctx context.Context, command CommandFunc, timeout time.Duration) error {
	logFile, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := command("simulate", "node", "--config", c.config)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("node %s: starting %s: %w", c.name, cmd.Path, err)
	}
	done := make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		watchOutput(stdout, logFile, ready)
		_ = cmd.Wait()
		_ = logFile.Close()
		close(done)
	}()
	c.mu.Lock()
	c.cmd, c.done = cmd, done
	c.mu.Unlock()
	return c.awaitReady(ctx, ready, done, timeout)
}

// watchOutput passes the ready line's URL on and copies everything else
// the node prints to its log.
func watchOutput(stdout io.Reader, log io.Writer, ready chan<- string) {
	sc := bufio.NewScanner(stdout)
	announced := false
	for sc.Scan() {
		line := sc.Text()
		if _, url, found := strings.Cut(line, ReadyMarker); found && !announced {
			announced = true
			ready <- strings.TrimSpace(url)
		}
		_, _ = fmt.Fprintln(log, line)
	}
}

func (c *child) awaitReady(ctx context.Context, ready <-chan string, done <-chan struct{}, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-ready:
		return nil
	case <-done:
		return fmt.Errorf("node %s ended before it was ready:\n%s", c.name, indent(tailFile(c.logPath, 15)))
	case <-timer.C:
		c.kill()
		return fmt.Errorf("node %s was not ready after %s:\n%s", c.name, timeout, indent(tailFile(c.logPath, 15)))
	case <-ctx.Done():
		c.kill()
		return ctx.Err()
	}
}

// running tells whether the node's process is alive.
func (c *child) running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		return false
	}
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// stop asks the node to end (SIGTERM) and kills it after grace.
func (c *child) stop(grace time.Duration) {
	c.mu.Lock()
	cmd, done := c.cmd, c.done
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = cmd.Process.Kill()
	}
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// kill ends the node at once (SIGKILL), as a crash would, and waits for it.
func (c *child) kill() {
	c.mu.Lock()
	cmd, done := c.cmd, c.done
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

// tailFile returns the last n lines of a file ("" when unreadable).
func tailFile(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

func indent(s string) string {
	if s == "" {
		return "  (no output)"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
