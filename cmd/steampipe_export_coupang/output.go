package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// The output formats.
const (
	formatCSV   = "csv"
	formatJSON  = "json"
	formatJSONL = "jsonl"
	formatXLSX  = "xlsx"
)

// formatHelp lists the formats, for messages.
const formatHelp = "csv, json, jsonl or xlsx"

// utf8BOM starts a CSV file that Excel should read as UTF-8 (--bom).
const utf8BOM = "\uFEFF"

// rowWriter writes rows as they arrive. Nothing is written before the first row or Close, so a query
// that fails before its first row leaves the output empty.
type rowWriter interface {
	WriteRow(r row) error
	// Close writes what ends a complete result (the CSV header of an empty result, json's closing bracket).
	Close() error
}

// checkFormat checks --output and --bom together; it is the one place that knows the formats.
func checkFormat(format string, bom bool) error {
	switch format {
	case formatCSV, formatJSON, formatJSONL, formatXLSX:
	default:
		return fmt.Errorf("unknown --output %q: use %s", format, formatHelp)
	}
	if bom && format != formatCSV {
		return fmt.Errorf("--bom is for --output csv only (xlsx and JSON need no byte-order mark): drop --bom")
	}
	return nil
}

// newRowWriter returns the writer of a format; bom starts a CSV with a UTF-8 byte-order mark.
func newRowWriter(format string, bom bool, w io.Writer, cols []column) (rowWriter, error) {
	if err := checkFormat(format, bom); err != nil {
		return nil, err
	}
	switch format {
	case formatJSON:
		return newJSONWriter(w, cols, true), nil
	case formatJSONL:
		return newJSONWriter(w, cols, false), nil
	case formatXLSX:
		return newXLSXWriter(w, cols)
	}
	c := &csvWriter{out: w, w: csv.NewWriter(w), cols: cols}
	if bom {
		c.bom = utf8BOM
	}
	return c, nil
}

// csvWriter writes a header line and one line per row; NULL is an empty field.
type csvWriter struct {
	out     io.Writer
	bom     string
	w       *csv.Writer
	cols    []column
	started bool
	record  []string
}

func (c *csvWriter) header() error {
	if c.started {
		return nil
	}
	c.started = true
	if _, err := io.WriteString(c.out, c.bom); err != nil {
		return err
	}
	names := make([]string, len(c.cols))
	for i, col := range c.cols {
		names[i] = col.Name
	}
	c.record = make([]string, len(c.cols))
	return c.w.Write(names)
}

// WriteRow implements rowWriter.
func (c *csvWriter) WriteRow(r row) error {
	if err := c.header(); err != nil {
		return err
	}
	for i, col := range c.cols {
		text, err := csvCell(r, col)
		if err != nil {
			return err
		}
		c.record[i] = text
	}
	if err := c.w.Write(c.record); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// Close implements rowWriter.
func (c *csvWriter) Close() error {
	if err := c.header(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// csvCell formats one cell as CSV text.
func csvCell(r row, col column) (string, error) {
	v, ok := columnValue(r[col.Name])
	if !ok {
		return "", nil
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return formatFloat(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return formatTimestamp(x), nil
	case []byte:
		return compactJSON(col, x)
	case string:
		return x, nil
	}
	return fmt.Sprint(v), nil
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// compactJSON returns a JSONB cell as compact JSON text.
func compactJSON(col column, raw []byte) (string, error) {
	var buf bytes.Buffer
	if err := appendCompactJSON(&buf, col, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// appendCompactJSON writes a JSONB cell compactly, with <, > and & written as themselves rather
// than as \u003c, \u003e and \u0026 (Go's JSON encoder escapes them; Postgres does not), so the
// text reads as it does in Steampipe.
func appendCompactJSON(buf *bytes.Buffer, col column, raw []byte) error {
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return fmt.Errorf("column %s: the plugin returned invalid JSON: %w", col.Name, err)
	}
	unescapeHTML(buf, compact.Bytes())
	return nil
}

// htmlEscapes are the escapes Go's encoder uses for <, > and &.
var htmlEscapes = map[string]byte{"003c": '<', "003e": '>', "0026": '&', "003C": '<', "003E": '>'}

// unescapeHTML copies valid JSON, turning \u003c, \u003e and \u0026 inside strings back into characters.
func unescapeHTML(dst *bytes.Buffer, src []byte) {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '\\' || i+1 >= len(src) {
			dst.WriteByte(c)
			continue
		}
		if src[i+1] == 'u' && i+6 <= len(src) {
			if lit, ok := htmlEscapes[string(src[i+2:i+6])]; ok {
				dst.WriteByte(lit)
				i += 5
				continue
			}
		}
		// Any other escape is copied whole, so an escaped backslash is never read as the start of one.
		dst.WriteByte(c)
		dst.WriteByte(src[i+1])
		i++
	}
}

// jsonWriter writes one JSON object per row, keys in column order: as one array (json) or one
// object per line (jsonl).
type jsonWriter struct {
	w     io.Writer
	cols  []column
	keys  [][]byte // each column's `"name":`, encoded once
	array bool
	rows  int
	buf   bytes.Buffer
	str   bytes.Buffer
	enc   *json.Encoder
}

func newJSONWriter(w io.Writer, cols []column, array bool) *jsonWriter {
	j := &jsonWriter{w: w, cols: cols, array: array, keys: make([][]byte, len(cols))}
	j.enc = json.NewEncoder(&j.str)
	j.enc.SetEscapeHTML(false)
	for i, col := range cols {
		j.writeString(col.Name)
		j.buf.WriteByte(':')
		j.keys[i] = bytes.Clone(j.buf.Bytes())
		j.buf.Reset()
	}
	return j
}

// WriteRow implements rowWriter.
func (j *jsonWriter) WriteRow(r row) error {
	j.buf.Reset()
	if j.array {
		if j.rows == 0 {
			j.buf.WriteString("[\n")
		} else {
			j.buf.WriteString(",\n")
		}
	}
	if err := j.object(r); err != nil {
		return err
	}
	if !j.array {
		j.buf.WriteByte('\n')
	}
	j.rows++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

// Close implements rowWriter.
func (j *jsonWriter) Close() error {
	if !j.array {
		return nil
	}
	end := "\n]\n"
	if j.rows == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

func (j *jsonWriter) object(r row) error {
	j.buf.WriteByte('{')
	for i, col := range j.cols {
		if i > 0 {
			j.buf.WriteByte(',')
		}
		j.buf.Write(j.keys[i])
		if err := j.value(r, col); err != nil {
			return err
		}
	}
	j.buf.WriteByte('}')
	return nil
}

// value writes one cell as a JSON value: JSONB as JSON, NULL as null.
func (j *jsonWriter) value(r row, col column) error {
	v, ok := columnValue(r[col.Name])
	if !ok {
		j.buf.WriteString("null")
		return nil
	}
	switch x := v.(type) {
	case int64:
		j.buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			j.writeString(formatFloat(x))
		} else {
			j.buf.WriteString(formatFloat(x))
		}
	case bool:
		j.buf.WriteString(strconv.FormatBool(x))
	case time.Time:
		j.writeString(formatTimestamp(x))
	case []byte:
		if err := appendCompactJSON(&j.buf, col, x); err != nil {
			return err
		}
	case string:
		j.writeString(x)
	default:
		j.writeString(fmt.Sprint(v))
	}
	return nil
}

// writeString writes a JSON string without escaping <, > and & (item names and messages stay readable).
func (j *jsonWriter) writeString(s string) {
	j.str.Reset()
	_ = j.enc.Encode(s) // encoding a string cannot fail
	j.buf.Write(bytes.TrimSuffix(j.str.Bytes(), []byte("\n")))
}
