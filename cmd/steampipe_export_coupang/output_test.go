package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

var outputCols = []column{
	{Name: "id", Type: proto.ColumnType_INT},
	{Name: "at", Type: proto.ColumnType_TIMESTAMP},
	{Name: "name", Type: proto.ColumnType_STRING},
	{Name: "ok", Type: proto.ColumnType_BOOL},
	{Name: "ids", Type: proto.ColumnType_JSON},
}

var outputRows = []row{
	{
		"id": intCol(1), "at": tsCol(kstTime("2024-05-01 09:30:00")), "name": strCol(`a "b", <c> & 무선` + "\r\nline"),
		"ok": boolCol(true), "ids": jsonCol("[ 1,\n 2 ]"),
	},
	{"id": intCol(2), "at": nullCol(), "name": strCol(""), "ok": boolCol(false), "ids": jsonCol(`{"k": null}`)},
	{"id": intCol(3)}, // every other column NULL
}

func writeAll(t *testing.T, format string, rows []row) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := newRowWriter(format, false, &buf, outputCols)
	require.NoError(t, err)
	for _, r := range rows {
		require.NoError(t, w.WriteRow(r))
	}
	require.NoError(t, w.Close())
	return buf.String()
}

func TestWriters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format string
		rows   []row
		want   string
	}{
		{formatCSV, outputRows, "id,at,name,ok,ids\n" +
			"1,2024-05-01T09:30:00+09:00,\"a \"\"b\"\", <c> & 무선\r\nline\",true,\"[1,2]\"\n" +
			"2,,,false,\"{\"\"k\"\":null}\"\n" +
			"3,,,,\n"},
		{formatCSV, nil, "id,at,name,ok,ids\n"},
		{formatJSON, outputRows, "[\n" +
			`{"id":1,"at":"2024-05-01T09:30:00+09:00","name":"a \"b\", <c> & 무선\r\nline","ok":true,"ids":[1,2]}` + ",\n" +
			`{"id":2,"at":null,"name":"","ok":false,"ids":{"k":null}}` + ",\n" +
			`{"id":3,"at":null,"name":null,"ok":null,"ids":null}` + "\n]\n"},
		{formatJSON, nil, "[]\n"},
		{formatJSONL, outputRows[1:], `{"id":2,"at":null,"name":"","ok":false,"ids":{"k":null}}` + "\n" +
			`{"id":3,"at":null,"name":null,"ok":null,"ids":null}` + "\n"},
		{formatJSONL, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got := writeAll(t, tt.format, tt.rows)
			assert.Equal(t, tt.want, got)
			if tt.format == formatJSON {
				var v []map[string]any
				assert.NoError(t, json.Unmarshal([]byte(got), &v), "json output parses")
			}
		})
	}
}

// TestCatalogRejectsUnhandledTypes: no table has a DOUBLE (or IP address) column, which --where and
// the writers do not handle; one appearing stops the export at start instead of being written wrong.
func TestCatalogRejectsUnhandledTypes(t *testing.T) {
	t.Parallel()
	schema := fixtureSchema()
	schema["coupang_other"].Columns = append(schema["coupang_other"].Columns, &proto.ColumnDefinition{Name: "score", Type: proto.ColumnType_DOUBLE})
	assert.PanicsWithValue(t, "column coupang_other.score is DOUBLE, a type the export does not handle", func() { newCatalog(schema) })
}

func TestWriterWritesNothingBeforeFirstRow(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatCSV, formatJSON, formatJSONL} {
		var buf bytes.Buffer
		_, err := newRowWriter(format, false, &buf, outputCols)
		require.NoError(t, err)
		assert.Empty(t, buf.String(), format)
	}
}

// writeCounter counts the writes that reach it.
type writeCounter struct{ writes int }

func (c *writeCounter) Write(p []byte) (int, error) { c.writes++; return len(p), nil }

// TestWritersKeepOutputBuffered: each row reaches the writer's output in one Write, and a buffered
// output (as the command's stdout is) writes through only when it is full or flushed, in every format.
func TestWritersKeepOutputBuffered(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatCSV, formatJSON, formatJSONL} {
		var direct writeCounter // the header or [ goes with the first row
		w, err := newRowWriter(format, false, &direct, outputCols)
		require.NoError(t, err)
		for _, r := range outputRows {
			require.NoError(t, w.WriteRow(r))
		}
		assert.Equal(t, len(outputRows), direct.writes, "%s: one Write per row", format)

		var out writeCounter
		buf := bufio.NewWriterSize(&out, 64<<10)
		w, err = newRowWriter(format, false, buf, outputCols)
		require.NoError(t, err)
		for range 100 {
			for _, r := range outputRows {
				require.NoError(t, w.WriteRow(r))
			}
		}
		require.NoError(t, w.Close())
		assert.Zero(t, out.writes, "%s: writes before the flush", format)
		require.NoError(t, buf.Flush())
		assert.Equal(t, 1, out.writes, format)
	}
}

func TestWriterRejectsInvalidJSONCell(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatCSV, formatJSON} {
		var buf bytes.Buffer
		w, err := newRowWriter(format, false, &buf, outputCols)
		require.NoError(t, err)
		assert.ErrorContains(t, w.WriteRow(row{"ids": jsonCol("{")}), "column ids: the plugin returned invalid JSON", format)
	}
}

// TestWriterFailedRowWritesNothing: a row that fails leaves no part of itself behind, before or after
// other rows, so what the writer writes next is what it would have written without that row.
func TestWriterFailedRowWritesNothing(t *testing.T) {
	t.Parallel()
	bad := row{"id": intCol(9), "name": strCol("x"), "ids": jsonCol("{")}
	for _, format := range []string{formatCSV, formatJSON, formatJSONL} {
		var buf bytes.Buffer
		w, err := newRowWriter(format, false, &buf, outputCols)
		require.NoError(t, err)
		require.Error(t, w.WriteRow(bad))
		require.NoError(t, w.WriteRow(outputRows[1]))
		require.Error(t, w.WriteRow(bad))
		require.NoError(t, w.WriteRow(outputRows[2]))
		require.Error(t, w.WriteRow(bad))
		require.NoError(t, w.Close())
		assert.Equal(t, writeAll(t, format, outputRows[1:]), buf.String(), format)
	}
}

// TestJSONCellsUnescapeHTML: a JSONB cell shows <, > and & as themselves (the SDK's encoder escapes
// them), in CSV and JSON alike, and nothing else in it changes.
func TestJSONCellsUnescapeHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`{"a":"\u003cb\u003e \u0026 c"}`, `{"a":"<b> & c"}`},
		{`["\\u003c"]`, `["\\u003c"]`},
		{`["\\\u003c"]`, `["\\<"]`},
		{`["\"\n\u00e9\u2028"]`, `["\"\n\u00e9\u2028"]`},
		{`[1,{"k":null}]`, `[1,{"k":null}]`},
	}
	cols := []column{{Name: "ids", Type: proto.ColumnType_JSON}}
	for _, tt := range tests {
		for _, format := range []string{formatJSONL, formatCSV} {
			var buf bytes.Buffer
			w, err := newRowWriter(format, false, &buf, cols)
			require.NoError(t, err)
			require.NoError(t, w.WriteRow(row{"ids": jsonCol(tt.in)}))
			require.NoError(t, w.Close())
			var got string
			if format == formatCSV {
				records, err := csv.NewReader(&buf).ReadAll()
				require.NoError(t, err)
				got = records[1][0]
			} else {
				var obj map[string]json.RawMessage
				require.NoError(t, json.Unmarshal(buf.Bytes(), &obj), tt.in)
				got = string(obj["ids"])
			}
			assert.Equal(t, tt.want, got, tt.in)
			var a, b any
			require.NoError(t, json.Unmarshal([]byte(tt.in), &a))
			require.NoError(t, json.Unmarshal([]byte(got), &b))
			assert.Equal(t, a, b, "same JSON value")
		}
	}
}

// BenchmarkWriteRow is the writers' CPU and allocations per row of outputRows (2 text cells, a
// timestamp and JSONB among them): go test -run '^$' -bench WriteRow ./cmd/steampipe_export_coupang
func BenchmarkWriteRow(b *testing.B) {
	for _, format := range []string{formatCSV, formatJSONL} {
		b.Run(format, func(b *testing.B) {
			w, err := newRowWriter(format, false, io.Discard, outputCols)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range outputRows {
					_ = w.WriteRow(r)
				}
			}
		})
	}
}
