// Package sandboxproc runs cmd/coupang-sandbox as a child process and reads the COUPANG_*
// credentials it prints when it is ready; coupang-bench uses it.
package sandboxproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// credentialLines is how many COUPANG_* lines the sandbox prints before it serves: base URL,
// vendor ID, access key and secret key.
const credentialLines = 4

// readyTimeout bounds the wait for the credential lines.
const readyTimeout = 30 * time.Second

// Proc is a running coupang-sandbox.
type Proc struct {
	cmd *exec.Cmd
	// Env holds the COUPANG_* assignments the sandbox printed, in its order (COUPANG_BASE_URL first).
	Env  []string
	done chan struct{}
}

// Start runs the sandbox binary at path with args, its stderr copied to stderr (nil discards it),
// and waits for its credential lines, until ctx ends or 30 seconds pass. On Linux the kernel stops
// the sandbox if this process dies without stopping it.
func Start(ctx context.Context, path string, args []string, stderr io.Writer) (*Proc, error) {
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = childAttr()
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for len(p.Env) < credentialLines && sc.Scan() {
			// The sandbox prints `export NAME=value` lines, ready to paste into a shell.
			if line := strings.TrimPrefix(sc.Text(), "export "); strings.HasPrefix(line, "COUPANG_") {
				p.Env = append(p.Env, line)
			}
		}
		if len(p.Env) < credentialLines {
			ready <- errors.New("coupang-sandbox exited before it was ready")
		}
		close(ready)
		_, _ = io.Copy(io.Discard, stdout) // the rest, or after a line too long for the scanner
		// Wait closes stdout, so it runs only once stdout is read to the end.
		_ = cmd.Wait()
		close(p.done)
	}()
	timeout := time.NewTimer(readyTimeout)
	defer timeout.Stop()
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = ctx.Err()
	case <-timeout.C:
		err = fmt.Errorf("coupang-sandbox did not start within %s", readyTimeout)
	}
	if err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// Stop ends the sandbox (SIGTERM, then a kill after 5 seconds) and waits for it and for its
// stderr to be copied. It may be called more than once.
func (p *Proc) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Environ is the current environment with its COUPANG_* variables replaced by the sandbox's.
func (p *Proc) Environ() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "COUPANG_") })
	return append(env, p.Env...)
}
