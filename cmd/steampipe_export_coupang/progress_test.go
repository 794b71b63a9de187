package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	stop := startProgress(&progressScreen{w: &buf}, &buf, func() int64 { return 3 }, func() int64 { return 5 })
	stop()
	assert.Empty(t, buf.String(), "no progress line when stderr is not a terminal")

	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file is not a terminal")
	assert.False(t, isTerminal(&buf))

	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, isTerminal(null), "%s is a character device, not a terminal: --output xlsx > %[1]s must work", os.DevNull)
}

func TestProgressLineWording(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "\r1 request, 2 rows, 1.2s\033[K", progressLine(1, 2, 1234*time.Millisecond))
	assert.Equal(t, "\r0 requests, 1 row, 0s\033[K", progressLine(0, 1, 0))
}

// TestMessagesClearTheProgressLine: a notice or log line written while the progress line is shown
// starts on a clean line instead of running on after the counts.
func TestMessagesClearTheProgressLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s := &progressScreen{w: &buf}
	fmt.Fprintln(s, "first")
	s.show(progressLine(1, 2, 0))
	fmt.Fprintln(s, "notice")
	s.show(progressLine(2, 3, 0))
	s.show("\n")
	fmt.Fprintln(s, "error")
	assert.Equal(t, "first\n"+progressLine(1, 2, 0)+"\r\033[Knotice\n"+progressLine(2, 3, 0)+"\nerror\n", buf.String())
}
