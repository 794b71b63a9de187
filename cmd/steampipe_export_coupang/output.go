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
	t := &textWriter{w: w, format: format, cols: cols, csv: csv.NewWriter(w), record: make([]string, len(cols))}
	if format == formatCSV {
		for _, col := range cols {
			t.header = append(t.header, col.Name)
		}
		if bom {
			t.header[0] = "\uFEFF" + t.header[0]
		}
		return t, nil
	}
	for _, col := range cols {
		t.keys = append(t.keys, jsonString(col.Name)+":")
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
type textWriter struct {
	w      io.Writer
	format string
	cols   []column
	csv    *csv.Writer
	header []string // the CSV header until it is written
	record []string // a row's fields: CSV text, or JSON values
	keys   []string // JSON: each column's `"name":`, encoded once
	line   []byte   // JSON: the row being written, reused
	rows   int
}

// WriteRow implements rowWriter. Each row goes through to the output, so that a failure later
// leaves every line written so far.
func (t *textWriter) WriteRow(r row) error {
	for i, col := range t.cols {
		v, ok := columnValue(r[col.Name])
		text, literal := "", false
		if ok {
			var err error
			if text, literal, err = cellText(col, v); err != nil {
				return err
			}
		}
		switch {
		case t.format == formatCSV || literal:
			t.record[i] = text
		case !ok:
			t.record[i] = "null"
		default:
			t.record[i] = jsonString(text)
		}
	}
	t.rows++
	if t.format == formatCSV {
		return t.writeCSV(t.record)
	}
	t.line = t.line[:0]
	switch {
	case t.format == formatJSONL:
	case t.rows == 1:
		t.line = append(t.line, "[\n"...)
	default:
		t.line = append(t.line, ",\n"...)
	}
	t.line = append(t.line, '{')
	for i, key := range t.keys {
		if i > 0 {
			t.line = append(t.line, ',')
		}
		t.line = append(append(t.line, key...), t.record[i]...)
	}
	t.line = append(t.line, '}')
	if t.format == formatJSONL {
		t.line = append(t.line, '\n')
	}
	_, err := t.w.Write(t.line)
	return err
}

// Close implements rowWriter: an empty CSV result is its header line; a JSON array is closed.
func (t *textWriter) Close() error {
	end := "\n]\n"
	switch {
	case t.format == formatCSV:
		return t.writeCSV(nil)
	case t.format == formatJSONL:
		return nil
	case t.rows == 0:
		end = "[]\n"
	}
	_, err := io.WriteString(t.w, end)
	return err
}

// writeCSV writes the header if no line did yet, then record (if any), through to the output.
func (t *textWriter) writeCSV(record []string) error {
	for _, line := range [][]string{t.header, record} {
		if line != nil {
			_ = t.csv.Write(line) // an error shows in t.csv.Error()
		}
	}
	t.header = nil
	t.csv.Flush()
	return t.csv.Error()
}

// jsonString is s as a JSON string, with <, > and & as themselves, as Steampipe writes them.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return htmlUnescaper.Replace(string(b))
}
