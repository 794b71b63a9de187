//go:build linux

package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestProgressCountsRequests: with stderr on a terminal and the rows in a file, the progress line's
// last count is every request the export sent, as the sandbox counted them on arrival.
func TestProgressCountsRequests(t *testing.T) {
	t.Parallel()
	s, config := startSandbox(t)
	terminal, screen := openPTY(t)
	out, err := os.Create(t.TempDir() + "/out.csv")
	require.NoError(t, err)
	defer out.Close()
	shown := make(chan []byte)
	go func() { b, _ := io.ReadAll(screen); shown <- b }() // until the terminal closes (EIO)

	code := run([]string{"coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at >= 2026-01-01"}, out, terminal,
		inprocess.WithRateLimiter(fastLimiter))
	require.NoError(t, terminal.Close())
	text := <-shown
	require.Equal(t, 0, code, "%s", text)

	counts := regexp.MustCompile(`(\d+) requests?, (\d+) rows?`).FindAllSubmatch(text, -1)
	require.NotEmpty(t, counts, "no progress line on the terminal: %q", text)
	last := counts[len(counts)-1]
	requests, _ := strconv.ParseInt(string(last[1]), 10, 64)
	assert.Equal(t, s.Requests(), requests, "%q", text)
	assert.Greater(t, requests, int64(1), "the range takes more than one request")
	written, err := os.ReadFile(out.Name())
	require.NoError(t, err)
	records, err := csv.NewReader(bytes.NewReader(written)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(len(records)-1), string(last[2]), "rows shown and written (less the header)")
}

// TestXLSXRefusedOnTerminal: a workbook is binary, so stdout on a terminal refuses it (and
// TestProgressOnlyOnTerminals checks that /dev/null is no terminal).
func TestXLSXRefusedOnTerminal(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	terminal, _ := openPTY(t)
	var stderr bytes.Buffer
	code := run([]string{"coupang_callcenter_inquiry", "--config", config, "--output", "xlsx"}, terminal, &stderr)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr.String(), "--output xlsx writes a binary workbook: send it to a file")
}

// openPTY opens a pseudo-terminal: what the export writes to terminal, screen reads.
func openPTY(t *testing.T) (terminal, screen *os.File) {
	t.Helper()
	screen, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { screen.Close() })
	fd := int(screen.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock the pseudo-terminal")
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	require.NoError(t, err, "the pseudo-terminal's number")
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	return terminal, screen
}
