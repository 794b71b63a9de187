package main

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// canonicalOutput puts the rows of an export in a fixed order without changing a byte of any row.
// Row order is not part of the output's contract: like Steampipe, the SDK builds rows concurrently,
// so two runs of one query stream the same rows in different orders. Everything else (header,
// brackets, separators, each row's text) is compared byte for byte.
func canonicalOutput(t *testing.T, format, out string) string {
	t.Helper()
	switch format {
	case formatCSV:
		records := splitCSVRecords(out)
		if len(records) <= 1 {
			return out
		}
		sort.Strings(records[1:])
		return strings.Join(records, "")
	case formatJSONL:
		lines := strings.SplitAfter(out, "\n")
		sort.Strings(lines)
		return strings.Join(lines, "")
	case formatJSON:
		if out == "[]\n" {
			return out
		}
		require.True(t, strings.HasPrefix(out, "[\n") && strings.HasSuffix(out, "\n]\n"), "json array framing: %q", out)
		rows := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "[\n"), "\n]\n"), ",\n")
		sort.Strings(rows)
		return "[\n" + strings.Join(rows, ",\n") + "\n]\n"
	}
	t.Fatalf("unknown format %s", format)
	return ""
}

// splitCSVRecords splits CSV text into records, each with its line end, honouring quoted newlines.
func splitCSVRecords(s string) []string {
	var records []string
	quoted := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				records = append(records, s[start:i+1])
				start = i + 1
			}
		}
	}
	if start < len(s) {
		records = append(records, s[start:])
	}
	return records
}

func TestSplitCSVRecords(t *testing.T) {
	t.Parallel()
	got := splitCSVRecords("a,b\n1,\"x\ny\"\n2,\"q\"\"\n\"\n")
	require.Equal(t, []string{"a,b\n", "1,\"x\ny\"\n", "2,\"q\"\"\n\"\n"}, got)
}
