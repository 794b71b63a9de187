package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	stop := startProgress(&buf, &buf, func() int64 { return 3 }, func() int64 { return 5 })
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
