package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := startProgress(&buf, &buf, func() int64 { return 3 })
	p.rows.Add(5)
	p.stop()
	assert.Empty(t, buf.String(), "no progress line when stderr is not a terminal")

	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file is not a terminal")
	assert.False(t, isTerminal(&buf))
}

func TestProgressLineWording(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf, requests: func() int64 { return 1 }}
	p.rows.Store(2)
	p.print()
	assert.True(t, strings.HasPrefix(buf.String(), "\r1 request, 2 rows, "), buf.String())
	buf.Reset()
	p.requests = func() int64 { return 0 }
	p.rows.Store(1)
	p.print()
	assert.True(t, strings.HasPrefix(buf.String(), "\r0 requests, 1 row, "), buf.String())
}
