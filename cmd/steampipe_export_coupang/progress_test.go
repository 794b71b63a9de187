package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf bytes.Buffer
	p := startProgress(&buf, &buf, func() int64 { return 3 })
	p.add(5)
	p.stop(5)
	assert.Empty(t, buf.String(), "no progress line when stderr is not a terminal")

	f, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file is not a terminal")
	assert.False(t, isTerminal(&buf))
}
