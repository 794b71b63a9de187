package main

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

const (
	formatCSV   = "csv"
	formatJSON  = "json"
	formatJSONL = "jsonl"
	formatXLSX  = "xlsx"
)

// rowWriter writes rows as they arrive. Nothing is written before the first row or Close: a query
// that fails before its first row leaves the output empty.
type rowWriter interface {
	WriteRow(r row) error
	// Close ends a complete result (the CSV header of an empty one, json's closing bracket).
	Close() error
}

// newRowWriter returns the writer of a format parseArgs accepted; bom starts a CSV with a UTF-8
// byte-order mark, which Excel needs to read it as UTF-8.
func newRowWriter(format string, bom bool, w io.Writer, cols []column) (rowWriter, error) {
	if format == formatXLSX {
		return newXLSXWriter(w, cols)
	}
	t := &textWriter{w: w, format: format, cols: cols}
	switch format {
	case formatCSV:
		t.csv, t.record = csv.NewWriter(&t.line), make([]string, len(cols))
		for i, col := range cols {
			t.record[i] = col.Name
		}
		if bom {
			t.record[0] = "\uFEFF" + t.record[0]
		}
		t.writeCSV() // the header waits in line for the first row or Close
	case formatJSON:
		t.line.WriteString("[\n")
	}
	sep := "{"
	for _, col := range cols {
		key := bytes.NewBufferString(sep)
		writeJSONString(key, col.Name)
		t.keys = append(t.keys, key.String()+":")
		sep = ","
	}
	return t, nil
}

// htmlUnescaper turns the SDK's JSON escapes of <, > and & in JSONB cells back into the characters, as
// Postgres (and so Steampipe) shows them; an escaped backslash is matched first, so that \\u003c stays
// as it is.
var htmlUnescaper = strings.NewReplacer(`\\`, `\\`, `\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\u003C`, "<", `\u003E`, ">")

// writeJSONString writes s to b as a JSON string, <, > and & as themselves: encoded once, straight
// into the row's buffer (an export writes millions), never escaped and then unescaped.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// cellText is a cell as CSV writes it: NULL as "", JSONB as compact JSON. jsonLiteral reports whether
// the text is also the cell's JSON (NULL's is null); other cells are JSON strings.
func cellText(col column, c *proto.Column) (text string, jsonLiteral bool, err error) {
	switch x := c.GetValue().(type) {
	case *proto.Column_StringValue:
		return x.StringValue, false, nil
	case *proto.Column_IntValue:
		return strconv.FormatInt(x.IntValue, 10), true, nil
	case *proto.Column_BoolValue:
		return strconv.FormatBool(x.BoolValue), true, nil
	case *proto.Column_TimestampValue:
		return formatTimestamp(x.TimestampValue.AsTime()), false, nil
	case *proto.Column_JsonValue:
		var b bytes.Buffer
		if err := json.Compact(&b, x.JsonValue); err != nil {
			return "", true, fmt.Errorf("column %s: the plugin returned invalid JSON: %w", col.Name, err)
		}
		return htmlUnescaper.Replace(b.String()), true, nil // the SDK's JSON encoder escapes <, > and &
	}
	return "", true, nil
}

// textWriter writes CSV (a header line, then one line per row; NULL is an empty field) or one JSON
// object per row, keys in column order, in one array (json) or one per line (jsonl). Each row goes to
// w in one Write: a failure later leaves every row so far, and a buffered w decides when to write through.
type textWriter struct {
	w      io.Writer
	format string
	cols   []column
	line   bytes.Buffer // what goes to w next: the header or [ until the first row, then the row
	csv    *csv.Writer  // CSV: writes to line
	record []string     // CSV: a row's fields
	keys   []string     // JSON: `{"name":` for the first column, `,"name":` for the others
	rows   int
}

// WriteRow implements rowWriter; a row that fails leaves nothing of itself in line.
func (t *textWriter) WriteRow(r row) error {
	start := t.line.Len() // the header or [ stays for the next row
	if t.format == formatJSON && t.rows > 0 {
		t.line.WriteString(",\n")
	}
	for i, col := range t.cols {
		text, literal, err := cellText(col, r[col.Name])
		switch {
		case err != nil:
			t.line.Truncate(start)
			return err
		case t.format == formatCSV:
			t.record[i] = text
		case literal:
			t.line.WriteString(t.keys[i])
			t.line.WriteString(cmp.Or(text, "null")) // no other JSON text is empty
		default:
			t.line.WriteString(t.keys[i])
			writeJSONString(&t.line, text)
		}
	}
	t.rows++
	switch t.format {
	case formatCSV:
		t.writeCSV()
	case formatJSONL:
		t.line.WriteString("}\n")
	default:
		t.line.WriteByte('}')
	}
	return t.flush()
}

// Close implements rowWriter: an empty CSV result is its header line; a JSON array is closed.
func (t *textWriter) Close() error {
	if t.format == formatJSON && t.rows == 0 {
		t.line.Reset()
		t.line.WriteString("[]\n")
	} else if t.format == formatJSON {
		t.line.WriteString("\n]\n")
	}
	return t.flush()
}

func (t *textWriter) writeCSV() {
	_ = t.csv.Write(t.record) // writing to a bytes.Buffer cannot fail
	t.csv.Flush()
}

func (t *textWriter) flush() error {
	_, err := t.w.Write(t.line.Bytes())
	t.line.Reset()
	return err
}
