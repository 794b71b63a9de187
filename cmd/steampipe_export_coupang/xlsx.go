package main

import (
	"archive/zip"
	"fmt"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/xuri/excelize/v2"
)

// xlsxSheet is the one sheet of the workbook.
const xlsxSheet = "Sheet1"

// xlsxDateTime is the number format of timestamp cells: Korean wall-clock time, as Wing shows it.
const xlsxDateTime = "yyyy-mm-dd hh:mm:ss"

// maxExactInt is the largest integer Excel keeps exactly: it shows 15 significant digits, so a
// BIGINT beyond it is written as text rather than rounded.
const maxExactInt = 999_999_999_999_999

// xlsxWriter writes one sheet with excelize's streaming writer, which keeps rows in a temporary
// file rather than in memory, so a million-row export needs no more memory than a small one.
// Cells are typed: BIGINT as numbers formatted "0" (so 3285906659 never shows as 3.29E+09), DOUBLE as
// numbers, BOOLEAN as TRUE/FALSE, timestamps as Excel date-times in Korean time, JSONB and text as
// text, NULL as an empty cell. The workbook is written to w only by Close: a failed export leaves
// the output empty.
type xlsxWriter struct {
	w      io.Writer
	cols   []column
	file   *excelize.File
	sheet  *excelize.StreamWriter
	styles []int // each column's cell style (0: General)
	cells  []any
	rows   int
}

func newXLSXWriter(w io.Writer, cols []column) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x := &xlsxWriter{w: w, cols: cols, file: f, styles: make([]int, len(cols)), cells: make([]any, len(cols))}
	sheet, err := f.NewStreamWriter(xlsxSheet)
	if err != nil {
		return nil, x.fail(err)
	}
	x.sheet = sheet
	dateTime := xlsxDateTime
	styleDate, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTime})
	if err != nil {
		return nil, x.fail(err)
	}
	styleInt, err := f.NewStyle(&excelize.Style{NumFmt: 1}) // "0"
	if err != nil {
		return nil, x.fail(err)
	}
	styleHeader, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, x.fail(err)
	}
	header := make([]any, len(cols))
	for i, col := range cols {
		width := 30.0
		switch col.Type {
		case proto.ColumnType_INT:
			x.styles[i], width = styleInt, 16
		case proto.ColumnType_TIMESTAMP, proto.ColumnType_DATETIME:
			x.styles[i], width = styleDate, 20
		case proto.ColumnType_BOOL, proto.ColumnType_DOUBLE:
			width = 12
		}
		if err := sheet.SetColWidth(i+1, i+1, width); err != nil {
			return nil, x.fail(err)
		}
		header[i] = excelize.Cell{StyleID: styleHeader, Value: col.Name}
	}
	if err := sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, x.fail(err)
	}
	if err := sheet.SetRow("A1", header); err != nil {
		return nil, x.fail(err)
	}
	return x, nil
}

// fail releases the workbook's temporary file and returns err with context.
func (x *xlsxWriter) fail(err error) error {
	_ = x.file.Close()
	return fmt.Errorf("writing the xlsx workbook: %w", err)
}

// WriteRow implements rowWriter.
func (x *xlsxWriter) WriteRow(r row) error {
	if x.rows+1 >= excelize.TotalRows {
		return fmt.Errorf("an Excel sheet holds at most %d rows below its header: narrow the export with --where or --limit, or use --output csv", excelize.TotalRows-1)
	}
	for i, col := range x.cols {
		v, err := xlsxValue(r, col)
		if err != nil {
			return err
		}
		if v == nil {
			x.cells[i] = nil
			continue
		}
		x.cells[i] = excelize.Cell{StyleID: x.styles[i], Value: v}
	}
	x.rows++
	cell, err := excelize.CoordinatesToCellName(1, x.rows+1)
	if err != nil {
		return err
	}
	return x.sheet.SetRow(cell, x.cells)
}

// xlsxValue is one cell's value for excelize, or nil for NULL.
func xlsxValue(r row, col column) (any, error) {
	v, ok := columnValue(r[col.Name])
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case int64:
		if x > maxExactInt || x < -maxExactInt {
			return checkCellText(col, strconv.FormatInt(x, 10))
		}
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return formatFloat(x), nil
		}
		return x, nil
	case bool:
		return x, nil
	case string:
		return checkCellText(col, x)
	case time.Time:
		// Excel date-times have no zone: write the Korean wall clock.
		k := x.In(api.KST)
		return time.Date(k.Year(), k.Month(), k.Day(), k.Hour(), k.Minute(), k.Second(), k.Nanosecond(), time.UTC), nil
	case []byte:
		s, err := compactJSON(col, x)
		if err != nil {
			return nil, err
		}
		return checkCellText(col, s)
	}
	return checkCellText(col, fmt.Sprint(v))
}

// checkCellText refuses text longer than an Excel cell holds, which excelize would cut silently.
func checkCellText(col column, s string) (string, error) {
	if len(s) > excelize.TotalCellChars/3 && len(utf16.Encode([]rune(s))) > excelize.TotalCellChars {
		return "", fmt.Errorf("column %s has a value longer than an Excel cell holds (%d characters): leave it out with --select, or use --output csv or json", col.Name, excelize.TotalCellChars)
	}
	return s, nil
}

// Close implements rowWriter: it writes the whole workbook.
//
// File.WriteTo would build the whole compressed workbook in a bytes.Buffer first (tens of MB per
// 100,000 rows); the zip writer set here streams it to w instead, which keeps memory flat. (The
// buffer exists for excelize's zip64 header fix-up, needed only for a sheet over 4 GiB of XML.)
func (x *xlsxWriter) Close() error {
	defer x.file.Close()
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
