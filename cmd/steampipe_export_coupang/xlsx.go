package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"syscall"
	"time"
	"unicode/utf16"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/xuri/excelize/v2"
)

const xlsxSheet = "Sheet1"

// xlsxWriter writes one sheet with excelize's streaming writer, which keeps rows in a temporary file,
// not in memory. Cells are typed: BIGINT as numbers formatted "0" (3285906659, never 3.29E+09),
// timestamps as Excel date-times in Korean time, NULL as an empty cell. The workbook is written to w
// only by Close: a failed export leaves the output empty.
type xlsxWriter struct {
	w      io.Writer
	cols   []column
	file   *excelize.File
	sheet  *excelize.StreamWriter
	styles []int // each column's cell style
	rows   int
}

// newXLSXWriter sets the column styles and widths, and writes the header row, frozen.
func newXLSXWriter(w io.Writer, cols []column) (x *xlsxWriter, err error) {
	// A reader that has gone then fails the write, and Close removes the temporary file, instead of
	// SIGPIPE killing the process and leaving it behind.
	signal.Ignore(syscall.SIGPIPE)
	x = &xlsxWriter{w: w, cols: cols, file: excelize.NewFile(), styles: make([]int, len(cols))}
	defer func() {
		if err != nil {
			x.Abort()
			x, err = nil, fmt.Errorf("writing the xlsx workbook: %w", err)
		}
	}()
	if x.sheet, err = x.file.NewStreamWriter(xlsxSheet); err != nil {
		return x, err
	}
	dateTime := "yyyy-mm-dd hh:mm:ss" // Korean wall-clock time, as Wing shows it
	var ids [3]int                    // date-time, integer, header
	for i, style := range []*excelize.Style{{CustomNumFmt: &dateTime}, {NumFmt: 1 /* "0" */}, {Font: &excelize.Font{Bold: true}}} {
		if ids[i], err = x.file.NewStyle(style); err != nil {
			return x, err
		}
	}
	header := make([]any, len(x.cols))
	for i, col := range x.cols {
		width := 30.0
		switch col.Type {
		case proto.ColumnType_INT:
			x.styles[i], width = ids[1], 16
		case proto.ColumnType_TIMESTAMP:
			x.styles[i], width = ids[0], 20
		case proto.ColumnType_BOOL:
			width = 12
		}
		if err = x.sheet.SetColWidth(i+1, i+1, width); err != nil {
			return x, err
		}
		header[i] = excelize.Cell{StyleID: ids[2], Value: col.Name}
	}
	if err = x.sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return x, err
	}
	return x, x.sheet.SetRow("A1", header)
}

// WriteRow implements rowWriter.
func (x *xlsxWriter) WriteRow(r row) error {
	if x.rows+1 >= excelize.TotalRows {
		return fmt.Errorf("an Excel sheet holds at most %d rows below its header: narrow the export with --where or --limit, or use --output csv", excelize.TotalRows-1)
	}
	cells := make([]any, len(x.cols))
	for i, col := range x.cols {
		if c := r[col.Name]; !isNull(c) {
			cell, err := xlsxValue(col, c)
			if err != nil {
				return err
			}
			cells[i] = excelize.Cell{StyleID: x.styles[i], Value: cell}
		}
	}
	x.rows++
	return x.sheet.SetRow("A"+strconv.Itoa(x.rows+1), cells)
}

// xlsxValue is a cell that is not NULL as excelize takes it.
func xlsxValue(col column, c *proto.Column) (any, error) {
	switch x := c.GetValue().(type) {
	case *proto.Column_IntValue:
		// Excel shows 15 significant digits: a BIGINT beyond them is written as text, not rounded.
		if n := x.IntValue; n <= 999_999_999_999_999 && n >= -999_999_999_999_999 {
			return n, nil
		}
	case *proto.Column_BoolValue:
		return x.BoolValue, nil
	case *proto.Column_TimestampValue:
		// Excel date-times have no zone: write the Korean wall clock. Excel has none before 1900,
		// where excelize would write the wall clock as text marked UTC: RFC 3339 text, as in CSV.
		k := x.TimestampValue.AsTime().In(api.KST)
		if k.Year() < 1900 {
			return formatTimestamp(k), nil
		}
		return time.Date(k.Year(), k.Month(), k.Day(), k.Hour(), k.Minute(), k.Second(), k.Nanosecond(), time.UTC), nil
	}
	s, _, err := cellText(col, c)
	// excelize would cut longer text silently.
	if err == nil && len(s) > excelize.TotalCellChars/3 && len(utf16.Encode([]rune(s))) > excelize.TotalCellChars {
		err = fmt.Errorf("column %s has a value longer than an Excel cell holds (%d characters): leave it out with --select, or use --output csv or json", col.Name, excelize.TotalCellChars)
	}
	return s, err
}

// Close implements rowWriter: it writes the whole workbook. File.WriteTo would build it in a
// bytes.Buffer first (tens of MB per 100,000 rows, for a zip64 fix-up only a 4 GiB sheet needs); the
// zip writer set here streams it to w.
func (x *xlsxWriter) Close() error {
	defer x.Abort()
	if err := x.sheet.Flush(); err != nil {
		return fmt.Errorf("writing the xlsx workbook: %w", err)
	}
	x.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(x.w) })
	if _, err := x.file.WriteToBuffer(); err != nil {
		return fmt.Errorf("writing the xlsx workbook: %w", err)
	}
	return nil
}

// Abort releases the temporary file of a workbook that will not be written.
func (x *xlsxWriter) Abort() { _ = x.file.Close() }
