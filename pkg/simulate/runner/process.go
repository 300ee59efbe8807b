package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CommandFunc makes the command that runs one node with args (the
// "simulate node --config FILE --listen-fd 3" arguments of the oots
// binary; without --listen-fd where sockets are not passed). The runner
// sets the command's ExtraFiles to the node's listening socket. Tests
// replace it with their own node programs.
type CommandFunc func(args ...string) *exec.Cmd

// passSockets tells whether the runner hands each node its listening
// socket (exec.Cmd.ExtraFiles, which Windows lacks). Where it does not, the
// node binds the address it is given, a port that was free a moment before.
const passSockets = runtime.GOOS != "windows"

// listenFD is the node's file descriptor of its inherited socket: the first
// of ExtraFiles.
const listenFD = 3

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
	// socket is the node's listening socket, held by the runner for the
	// whole run and handed to every process of the node (nil: the node
	// binds its address itself). A process that ends does not close it.
	socket *os.File

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{} // closed when the current process has ended
	refusing *refuser      // while no process of the node runs
	released bool          // the run is over: refuse no more
}

// start runs the node and waits until it prints its ready line.
func (c *child) start(ctx context.Context, command CommandFunc, timeout time.Duration) error {
	logFile, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	c.mu.Lock()
	r := c.refusing
	c.refusing = nil
	c.mu.Unlock()
	r.stop() // from here connections wait in the backlog until the node accepts them (or ends)
	args := []string{"simulate", "node", "--config", c.config}
	if c.socket != nil {
		args = append(args, "--listen-fd", strconv.Itoa(listenFD))
	}
	cmd := command(args...)
	if c.socket != nil {
		cmd.ExtraFiles = []*os.File{c.socket}
	}
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		c.down()
		return err
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		c.down()
		return fmt.Errorf("node %s: starting %s: %w", c.name, cmd.Path, err)
	}
	done := make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		watchOutput(stdout, logFile, ready)
		_ = cmd.Wait()
		_ = logFile.Close()
		c.down()
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

// down is called when no process of the node runs: connections to its
// socket are refused until it starts again.
func (c *child) down() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.socket != nil && !c.released && c.refusing == nil {
		c.refusing = refuse(c.socket)
	}
}

// release ends the refusal of connections once the run is over (the node
// stopped); the socket itself is the run's to close.
func (c *child) release() {
	c.mu.Lock()
	r := c.refusing
	c.refusing, c.released = nil, true
	c.mu.Unlock()
	r.stop()
}

// refuser accepts on a node's socket while the node is down and closes
// each connection at once (a reset), so that peers fail at once and retry,
// as at the closed port of a crashed server, instead of waiting in the
// backlog of a socket nobody accepts on.
type refuser struct {
	ln   net.Listener
	done chan struct{}
}

// refuse starts refusing on socket; nil when it cannot (connections then
// wait in the backlog).
func refuse(socket *os.File) *refuser {
	ln, err := net.FileListener(socket)
	if err != nil {
		return nil
	}
	r := &refuser{ln: ln, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // closed by stop
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		}
	}()
	return r
}

// stop ends the refusal and waits until nothing accepts on the socket.
func (r *refuser) stop() {
	if r == nil {
		return
	}
	_ = r.ln.Close()
	<-r.done
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
