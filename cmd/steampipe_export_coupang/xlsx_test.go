package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/xuri/excelize/v2"
)

// TestExportXLSXReadsBackAsCSV exports the same rows as CSV and as a workbook and reads the
// workbook back with excelize: same header, and every cell the same value as the CSV field, typed:
// IDs as exact numbers shown with the "0" format, timestamps as date-times in Korean time.
func TestExportXLSXReadsBackAsCSV(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	args := []string{"coupang_callcenter_inquiry_reply", "--config", config, "--where", "inquiry_at between 2026-01-06 and 2026-01-15"}
	code, csvOut, stderr := runCmd(args...)
	require.Equal(t, 0, code, stderr)
	code, xlsxOut, stderr := runCmd(append(args, "--output", "xlsx")...)
	require.Equal(t, 0, code, stderr)

	records, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(records), 10)

	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsxOut)))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{xlsxSheet}, f.GetSheetList(), "one sheet")
	raw, err := f.GetRows(xlsxSheet, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	shown, err := f.GetRows(xlsxSheet)
	require.NoError(t, err)
	require.Len(t, raw, len(records), "one row per CSV record")

	header := records[0]
	assert.Equal(t, header, raw[0])
	tbl := newCatalog(pluginSchema(t))["coupang_callcenter_inquiry_reply"]
	// Rows may stream in another order on another run: compare the sorted rows, each workbook
	// cell turned back into its CSV text.
	var fromXLSX, fromCSV []string
	checked := map[string]int{}
	for r := 1; r < len(records); r++ {
		fields := make([]string, len(header))
		for c, name := range header {
			col, err := tbl.lookupColumn(name)
			require.NoError(t, err)
			// encoding/csv reads a quoted \r\n as \n; the workbook keeps the text as it is.
			fields[c] = strings.ReplaceAll(cellAt(raw[r], c), "\r\n", "\n")
			if fields[c] == "" {
				continue
			}
			checked[typeName[col.Type]]++
			switch typeName[col.Type] {
			case "TIMESTAMPTZ":
				serial, err := strconv.ParseFloat(fields[c], 64)
				require.NoError(t, err, "a timestamp is a date-time number")
				wall, err := excelize.ExcelDateToTime(serial, false)
				require.NoError(t, err)
				wall = wall.Round(time.Second)
				at := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, api.KST)
				fields[c] = formatTimestamp(at)
				assert.Equal(t, at.Format("2006-01-02 15:04:05"), cellAt(shown[r], c), "shown as a Korean date-time")
			case "BIGINT":
				assert.Equal(t, fields[c], cellAt(shown[r], c), "an ID is shown with every digit")
			case "BOOLEAN":
				fields[c] = map[string]string{"1": "true", "0": "false"}[fields[c]]
			}
		}
		fromXLSX = append(fromXLSX, strings.Join(fields, "\x00"))
		fromCSV = append(fromCSV, strings.Join(records[r], "\x00"))
	}
	sort.Strings(fromXLSX)
	sort.Strings(fromCSV)
	assert.Equal(t, fromCSV, fromXLSX)
	for _, typ := range []string{"BIGINT", "TIMESTAMPTZ", "TEXT", "BOOLEAN"} {
		assert.Positive(t, checked[typ], "the export has %s values to compare", typ)
	}
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func TestXLSXCells(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	cols := slices.Concat(outputCols, []column{{Name: "big", Type: outputCols[0].Type}})
	w, err := newRowWriter(formatXLSX, false, &buf, cols)
	require.NoError(t, err)
	r := maps.Clone(outputRows[0])         // outputRows is shared by tests running in parallel
	r["big"] = intCol(1234567890123456789) // beyond Excel's 15 digits: text, every digit kept
	require.NoError(t, w.WriteRow(r))
	require.NoError(t, w.WriteRow(outputRows[2]))
	require.NoError(t, w.Close())

	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(xlsxSheet)
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"id", "at", "name", "ok", "ids", "big"},
		{"1", "2024-05-01 09:30:00", "a \"b\", <c> & 무선\r\nline", "TRUE", "[1,2]", "1234567890123456789"},
		{"3"},
	}, rows)
	typ, err := f.GetCellType(xlsxSheet, "F2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeInlineString, typ, "a 19-digit ID is text")
	typ, err = f.GetCellType(xlsxSheet, "A2")
	require.NoError(t, err)
	assert.NotContains(t, []excelize.CellType{excelize.CellTypeInlineString, excelize.CellTypeSharedString}, typ, "a short ID is a number")

	long := map[string]string{"name": strings.Repeat("가", excelize.TotalCellChars+1)}
	w, err = newRowWriter(formatXLSX, false, &bytes.Buffer{}, outputCols)
	require.NoError(t, err)
	err = w.WriteRow(row{"id": intCol(1), "name": strCol(long["name"])})
	assert.ErrorContains(t, err, "longer than an Excel cell holds")
	err = w.WriteRow(row{"id": intCol(1), "name": strCol(strings.Repeat("a", excelize.TotalCellChars+1))})
	assert.ErrorContains(t, err, "longer than an Excel cell holds", "one byte a character")
	w.(*xlsxWriter).Abort()
}

// TestXLSXFifteenDigits: Excel keeps 15 significant digits, so a BIGINT of more is written as text.
func TestXLSXFifteenDigits(t *testing.T) {
	t.Parallel()
	col := &proto.ColumnDefinition{Name: "id", Type: proto.ColumnType_INT}
	for _, tt := range []struct {
		n    int64
		want any
	}{
		{999_999_999_999_999, int64(999_999_999_999_999)},
		{1_000_000_000_000_000, "1000000000000000"},
		{-999_999_999_999_999, int64(-999_999_999_999_999)},
		{-1_000_000_000_000_000, "-1000000000000000"},
	} {
		got, err := xlsxValue(col, intCol(tt.n))
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.n)
	}
}

// TestXLSXTimesBefore1900: Excel has no date-time before 1900, so such a time is RFC 3339 text in
// Korean time, as in CSV, not the Korean wall clock marked as UTC (9 hours off).
func TestXLSXTimesBefore1900(t *testing.T) {
	t.Parallel()
	col := &proto.ColumnDefinition{Name: "at", Type: proto.ColumnType_TIMESTAMP}
	for _, tt := range []struct {
		at   time.Time
		want any
	}{
		{time.Date(1899, 12, 30, 15, 0, 0, 0, time.UTC), "1899-12-31T00:00:00+09:00"},
		{time.Time{}, "0001-01-01T09:00:00+09:00"},
		{time.Date(1899, 12, 31, 15, 0, 0, 0, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}, // a date-time cell
	} {
		got, err := xlsxValue(col, tsCol(tt.at))
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, tt.at)
	}
}

// TestXLSXFormulaTextStaysText: a buyer's text that looks like a formula is a text cell in the
// workbook, never a formula, as docs/index.md ("Export without Steampipe") tells Excel users.
func TestXLSXFormulaTextStaysText(t *testing.T) {
	t.Parallel()
	texts := []string{`=HYPERLINK("http://example.com/","x")`, "+1", "-1", "@SUM(A1)", "=1+1"}
	var buf bytes.Buffer
	w, err := newRowWriter(formatXLSX, false, &buf, outputCols)
	require.NoError(t, err)
	for i, text := range texts {
		require.NoError(t, w.WriteRow(row{"id": intCol(int64(i)), "name": strCol(text)}))
	}
	require.NoError(t, w.Close())

	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	for i, text := range texts {
		cell := "C" + strconv.Itoa(i+2)
		typ, err := f.GetCellType(xlsxSheet, cell)
		require.NoError(t, err)
		assert.Equal(t, excelize.CellTypeInlineString, typ, text)
		formula, err := f.GetCellFormula(xlsxSheet, cell)
		require.NoError(t, err)
		assert.Empty(t, formula, text)
		value, err := f.GetCellValue(xlsxSheet, cell)
		require.NoError(t, err)
		assert.Equal(t, text, value)
	}
}

func TestCSVByteOrderMark(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w, err := newRowWriter(formatCSV, true, &buf, outputCols[:1])
	require.NoError(t, err)
	require.NoError(t, w.WriteRow(outputRows[0]))
	require.NoError(t, w.Close())
	assert.Equal(t, "\xef\xbb\xbfid\n1\n", buf.String())
}

// TestXLSXRowLimit: the sheet's last row takes a row; the one after it fails with our advice, not
// excelize's error.
func TestXLSXRowLimit(t *testing.T) {
	t.Parallel()
	x, err := newXLSXWriter(&bytes.Buffer{}, outputCols)
	require.NoError(t, err)
	defer x.Abort()
	x.rows = excelize.TotalRows - 2 // rows written below the header (skipped here)
	require.NoError(t, x.WriteRow(outputRows[0]), "the sheet's last row")
	err = x.WriteRow(outputRows[0])
	require.ErrorContains(t, err, "an Excel sheet holds at most 1048575 rows below its header")
	assert.ErrorContains(t, err, "--output csv")
}

// TestXLSXFailureAfterRowsSaysNothingWasWritten: a workbook is written only at the end, so a
// failure after some rows leaves stdout empty, and the error must say so rather than call the
// output incomplete. One of ten inquiries has a content no Excel cell holds; the SDK hands rows
// over in any order, so runs repeat until one fails after rows (9 in 10 do).
func TestXLSXFailureAfterRowsSaysNothingWasWritten(t *testing.T) {
	t.Parallel()
	s, config := startSandbox(t)
	inquiry := func(id int, content string) string {
		return fmt.Sprintf(`{"inquiryId":%d,"inquiryStatus":"progress","csPartnerCounselingStatus":"requestAnswer",`+
			`"vendorItemId":[3285906659],"itemName":"스파오 티셔츠","content":%q,"answeredAt":null,"replies":[],`+
			`"inquiryAt":"2026-01-14 12:00:%02d","buyerEmail":"","buyerPhone":"010-****-1234","orderId":null,`+
			`"orderDate":null,"receiptCategory":"배송","saleStartedAt":"2024-01-01","saleEndedAt":"2099-12-31"}`, id, content, 59-id)
	}
	items := []string{inquiry(1, strings.Repeat("가", excelize.TotalCellChars+1))}
	for id := 2; id <= 10; id++ {
		items = append(items, inquiry(id, "언제 오나요?"))
	}
	body := `{"code":200,"message":"OK","data":{"content":[` + strings.Join(items, ",") +
		`],"pagination":{"currentPage":1,"totalPages":1,"totalElements":10,"countPerPage":30}}}`
	s.SetFault(func(int64, *http.Request) *sandbox.Fault { return sandbox.FaultBody(http.StatusOK, []byte(body)) })
	afterRows := false
	for run := 0; run < 10 && !afterRows; run++ {
		code, stdout, stderr := runFast("coupang_callcenter_inquiry", "--config", config, "--output", "xlsx",
			"--where", "inquiry_at between 2026-01-13 and 2026-01-15")
		require.Equal(t, 1, code, stderr)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "longer than an Excel cell holds")
		require.NotContains(t, stderr, "incomplete", "nothing was written")
		if afterRows = strings.Contains(stderr, "failed after"); afterRows {
			assert.Contains(t, stderr, "rows (no workbook was written): ")
		}
	}
	assert.True(t, afterRows, "no run failed after rows")
}
