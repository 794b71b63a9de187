package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	formatCSV   = "csv"
	formatJSON  = "json"
	formatJSONL = "jsonl"
	formatXLSX  = "xlsx"
)

// rowWriter writes rows as they arrive. Nothing is written before the first row or Close, so a query
// that fails before its first row leaves the output empty.
type rowWriter interface {
	WriteRow(r row) error
	// Close writes what ends a complete result (the CSV header of an empty result, json's closing bracket).
	Close() error
}

// checkFormat checks --output and --bom together; it is the one place that knows the formats.
func checkFormat(format string, bom bool) error {
	if !slices.Contains([]string{formatCSV, formatJSON, formatJSONL, formatXLSX}, format) {
		return fmt.Errorf("unknown --output %q: use csv, json, jsonl or xlsx", format)
	}
	if bom && format != formatCSV {
		return fmt.Errorf("--bom is for --output csv only (xlsx and JSON need no byte-order mark): drop --bom")
	}
	return nil
}

// newRowWriter returns the writer of a format; bom starts a CSV with a UTF-8 byte-order mark, so
// that Excel reads it as UTF-8.
func newRowWriter(format string, bom bool, w io.Writer, cols []column) (rowWriter, error) {
	if err := checkFormat(format, bom); err != nil {
		return nil, err
	}
	if format == formatXLSX {
		return newXLSXWriter(w, cols)
	}
	t := &textWriter{w: w, format: format, cols: cols}
	if format == formatCSV {
		t.csv, t.record = csv.NewWriter(&t.line), make([]string, len(cols))
		for _, col := range cols {
			t.header = append(t.header, col.Name)
		}
		if bom {
			t.header[0] = "\uFEFF" + t.header[0]
		}
		return t, nil
	}
	t.enc = json.NewEncoder(&t.line)
	t.enc.SetEscapeHTML(false) // <, > and & as themselves, as Steampipe writes them
	for _, col := range cols {
		t.line.Reset()
		t.writeString(col.Name)
		t.keys = append(t.keys, t.line.String()+":")
	}
	return t, nil
}

// htmlUnescaper turns the escapes Go's JSON encoder writes for <, > and & back into the
// characters, as Postgres, and so Steampipe, shows them. An escaped backslash is matched first, so
// that \\u003c (a backslash, then the text u003c) stays as it is.
var htmlUnescaper = strings.NewReplacer(`\\`, `\\`, `\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\u003C`, "<", `\u003E`, ">")

// cellText is a cell's value (from columnValue) as CSV writes it: JSONB as compact JSON text.
// jsonLiteral reports whether the text is also the value's JSON (numbers, booleans, JSONB); other
// values are JSON strings (NaN and infinities among them).
func cellText(col column, v any) (text string, jsonLiteral bool, err error) {
	switch x := v.(type) {
	case string:
		return x, false, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), !math.IsNaN(x) && !math.IsInf(x, 0), nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case time.Time:
		return formatTimestamp(x), false, nil
	case []byte:
		var b bytes.Buffer
		if err := json.Compact(&b, x); err != nil {
			return "", true, fmt.Errorf("column %s: the plugin returned invalid JSON: %w", col.Name, err)
		}
		// The SDK's JSON encoder escapes <, > and &.
		return htmlUnescaper.Replace(b.String()), true, nil
	}
	return fmt.Sprint(v), false, nil
}

// textWriter writes CSV (a header line, then one line per row; NULL is an empty field) or one
// JSON object per row, keys in column order, as one array (json) or one object per line (jsonl).
// Each row is built in line and handed to w in one Write: a failure later leaves every row written
// so far, and a buffered w (the command's stdout) decides when to write through.
type textWriter struct {
	w      io.Writer
	format string
	cols   []column
	line   bytes.Buffer  // the row being written, reused
	csv    *csv.Writer   // CSV: writes to line
	header []string      // CSV: the header until it is written
	record []string      // CSV: a row's fields
	enc    *json.Encoder // JSON: writes strings to line
	keys   []string      // JSON: each column's `"name":`, encoded once
	rows   int
}

// WriteRow implements rowWriter.
func (t *textWriter) WriteRow(r row) error {
	t.line.Reset()
	switch {
	case t.format == formatCSV:
	case t.format == formatJSONL:
		t.line.WriteByte('{')
	case t.rows == 0:
		t.line.WriteString("[\n{")
	default:
		t.line.WriteString(",\n{")
	}
	for i, col := range t.cols {
		v, ok := columnValue(r[col.Name])
		text, literal := "", false
		if ok {
			var err error
			if text, literal, err = cellText(col, v); err != nil {
				return err
			}
		}
		if t.format == formatCSV {
			t.record[i] = text
			continue
		}
		if i > 0 {
			t.line.WriteByte(',')
		}
		t.line.WriteString(t.keys[i])
		switch {
		case !ok:
			t.line.WriteString("null")
		case literal:
			t.line.WriteString(text)
		default:
			t.writeString(text)
		}
	}
	t.rows++
	switch t.format {
	case formatCSV:
		t.writeCSV(t.record)
	case formatJSONL:
		t.line.WriteString("}\n")
	default:
		t.line.WriteByte('}')
	}
	_, err := t.w.Write(t.line.Bytes())
	return err
}

// Close implements rowWriter: an empty CSV result is its header line; a JSON array is closed.
func (t *textWriter) Close() error {
	t.line.Reset()
	switch {
	case t.format == formatCSV:
		t.writeCSV(nil)
	case t.format == formatJSONL:
	case t.rows == 0:
		t.line.WriteString("[]\n")
	default:
		t.line.WriteString("\n]\n")
	}
	_, err := t.w.Write(t.line.Bytes())
	return err
}

// writeCSV adds the header to line if no row did yet, then record (if any).
func (t *textWriter) writeCSV(record []string) {
	for _, fields := range [][]string{t.header, record} {
		if fields != nil {
			_ = t.csv.Write(fields) // writing to a bytes.Buffer cannot fail
		}
	}
	t.header = nil
	t.csv.Flush()
}

// writeString adds s to line as a JSON string.
func (t *textWriter) writeString(s string) {
	_ = t.enc.Encode(s)               // a string always encodes
	t.line.Truncate(t.line.Len() - 1) // Encode's newline
}
