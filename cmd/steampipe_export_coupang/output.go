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
	switch format {
	case formatJSON, formatJSONL:
		j := &jsonWriter{w: w, cols: cols, array: format == formatJSON, keys: make([]string, len(cols))}
		j.enc = json.NewEncoder(&j.buf)
		j.enc.SetEscapeHTML(false) // item names and messages keep <, > and &, as in Steampipe
		for i, col := range cols {
			j.buf.Reset()
			if i > 0 {
				j.buf.WriteByte(',')
			}
			j.writeString(col.Name)
			j.keys[i] = j.buf.String() + ":"
		}
		return j, nil
	case formatXLSX:
		return newXLSXWriter(w, cols)
	}
	c := &csvWriter{w: csv.NewWriter(w), cols: cols, header: make([]string, len(cols)), record: make([]string, len(cols))}
	for i, col := range cols {
		c.header[i] = col.Name
	}
	if bom {
		c.header[0] = "\uFEFF" + c.header[0]
	}
	return c, nil
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

// csvWriter writes a header line and one line per row; NULL is an empty field.
type csvWriter struct {
	w      *csv.Writer
	cols   []column
	header []string // nil once written
	record []string
}

// WriteRow implements rowWriter.
func (c *csvWriter) WriteRow(r row) error {
	for i, col := range c.cols {
		c.record[i] = ""
		if v, ok := columnValue(r[col.Name]); ok {
			text, _, err := cellText(col, v)
			if err != nil {
				return err
			}
			c.record[i] = text
		}
	}
	return c.flush(c.record)
}

// Close implements rowWriter: an empty result is its header line.
func (c *csvWriter) Close() error { return c.flush(nil) }

// flush writes the header if no line did yet, then record (if any), through to the output, so that
// a failure later leaves every line written so far.
func (c *csvWriter) flush(record []string) error {
	for _, line := range [][]string{c.header, record} {
		if line != nil {
			_ = c.w.Write(line) // an error shows in c.w.Error()
		}
	}
	c.header = nil
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes one JSON object per row, keys in column order: as one array (json) or one
// object per line (jsonl).
type jsonWriter struct {
	w     io.Writer
	cols  []column
	array bool
	keys  []string // `"name":` of each column, after a comma but for the first: encoded once
	rows  int
	buf   bytes.Buffer
	enc   *json.Encoder // writes to buf
}

// WriteRow implements rowWriter.
func (j *jsonWriter) WriteRow(r row) error {
	j.buf.Reset()
	switch {
	case j.array && j.rows == 0:
		j.buf.WriteString("[\n")
	case j.array:
		j.buf.WriteString(",\n")
	}
	j.buf.WriteByte('{')
	for i, col := range j.cols {
		j.buf.WriteString(j.keys[i])
		if err := j.value(r, col); err != nil {
			return err
		}
	}
	j.buf.WriteByte('}')
	if !j.array {
		j.buf.WriteByte('\n')
	}
	j.rows++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

// Close implements rowWriter.
func (j *jsonWriter) Close() error {
	end := "\n]\n"
	switch {
	case !j.array:
		return nil
	case j.rows == 0:
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// value writes one cell as a JSON value: JSONB as JSON, NULL as null.
func (j *jsonWriter) value(r row, col column) error {
	v, ok := columnValue(r[col.Name])
	if !ok {
		j.buf.WriteString("null")
		return nil
	}
	text, literal, err := cellText(col, v)
	if literal {
		j.buf.WriteString(text)
	} else {
		j.writeString(text)
	}
	return err
}

func (j *jsonWriter) writeString(s string) {
	_ = j.enc.Encode(s)             // encoding a string cannot fail
	j.buf.Truncate(j.buf.Len() - 1) // Encode's newline
}
