//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignalsCancelExport: SIGHUP (a closed terminal or SSH session), like Ctrl-C, cancels an export
// with exit status 1 and the error, where dying of the signal left the xlsx writer's temporary file
// behind; an export started with the signal ignored (nohup, a shell script's background job) ignores
// it and completes.
func TestSignalsCancelExport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sig     syscall.Signal
		ignored bool
	}{
		{"SIGHUP", syscall.SIGHUP, false},
		{"SIGINT", syscall.SIGINT, false},
		{"nohup", syscall.SIGHUP, true},
		{"background job", syscall.SIGINT, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A cancelled export's first request waits without end, so only the signal ends it; one that
			// ignores the signal may have ended when it comes: its SigIgn mask shows it ignores it.
			opts := smallDataSet
			if !tt.ignored {
				opts.Latency = time.Hour
			}
			s, _, config := startSandboxWith(t, opts)
			args := []string{"coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at between 2026-01-06 and 2026-01-15 23:59:59", "--output", "xlsx"}
			cmd := exec.Command(os.Args[0], args...)
			if tt.ignored { // as nohup and sh start a command: the signal stays ignored across exec
				script := fmt.Sprintf(`trap '' %d; exec "$0" "$@"`, int(tt.sig))
				cmd = exec.Command("sh", append([]string{"-c", script, os.Args[0]}, args...)...)
			}
			cmd.Env = append(os.Environ(), asCommandEnv+"=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			require.Eventually(t, func() bool { return s.Requests() > 0 }, 30*time.Second, 10*time.Millisecond, "the export's first request")
			// The export has set its signals up: read what it does with this one, whenever it ends.
			if ignoring := ignores(t, cmd.Process.Pid, tt.sig); !tt.ignored && ignoring {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Skipf("go test was started with %v ignored (nohup, a background job), which the export inherits and keeps", tt.sig)
			} else {
				assert.Equal(t, tt.ignored, ignoring, "the export ignores %v", tt.sig)
			}
			require.NoError(t, cmd.Process.Signal(tt.sig))
			err := cmd.Wait()

			if tt.ignored {
				require.NoError(t, err, "%s", stderr.String())
				assert.True(t, bytes.HasPrefix(stdout.Bytes(), []byte("PK")), "a whole workbook")
				return
			}
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "exit status 1, got %v; %s", err, stderr.String())
			assert.Equal(t, 1, exit.ExitCode(), "%v; %s", exit, stderr.String()) // -1: killed by the signal
			assert.Contains(t, stderr.String(), map[syscall.Signal]string{syscall.SIGHUP: "(hangup signal received)", syscall.SIGINT: "(interrupt signal received)"}[tt.sig])
			assert.Empty(t, stdout.String(), "a cancelled workbook writes nothing")
		})
	}
}

// ignores reports whether process pid ignores sig, by the SigIgn mask of /proc/PID/status (a
// process that has exited but not been waited for still has it).
func ignores(t *testing.T, pid int, sig syscall.Signal) bool {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	_, mask, _ := strings.Cut(string(status), "\nSigIgn:")
	mask, _, _ = strings.Cut(mask, "\n")
	bits, err := strconv.ParseUint(strings.TrimSpace(mask), 16, 64)
	require.NoError(t, err, "SigIgn in /proc/%d/status", pid)
	return bits&(1<<(sig-1)) != 0
}

// TestXLSXToClosedPipe: a workbook written to a pipe whose reader has gone fails with exit status 1
// and the error, where dying of SIGPIPE left the xlsx writer's temporary file behind.
func TestXLSXToClosedPipe(t *testing.T) {
	t.Parallel()
	_, _, config := startSandboxWith(t, smallDataSet)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	require.NoError(t, r.Close()) // the reader has gone before the workbook is written
	cmd := exec.Command(os.Args[0], "coupang_callcenter_inquiry", "--config", config, "--output", "xlsx")
	cmd.Env = append(os.Environ(), asCommandEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "exit status 1, got %v; %s", err, stderr.String())
	assert.Equal(t, 1, exit.ExitCode(), "%v; %s", exit, stderr.String()) // -1: killed by SIGPIPE
	assert.Contains(t, stderr.String(), "broken pipe")
}
