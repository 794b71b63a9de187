package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// typedValue converts a written value to the Go type of the column.
func typedValue(col column, text string) (any, error) {
	switch col.Type {
	case proto.ColumnType_INT:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q for %s (BIGINT): write a whole number, like 1234567890", text, col.Name)
		}
		return n, nil
	case proto.ColumnType_DOUBLE:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q for %s (DOUBLE PRECISION): write a number, like 1.5", text, col.Name)
		}
		return f, nil
	case proto.ColumnType_BOOL:
		// The spellings Postgres accepts.
		switch strings.ToLower(text) {
		case "true", "t", "yes", "y", "on", "1":
			return true, nil
		case "false", "f", "no", "n", "off", "0":
			return false, nil
		}
		return nil, fmt.Errorf("bad boolean %q for %s: write true or false", text, col.Name)
	case proto.ColumnType_TIMESTAMP, proto.ColumnType_DATETIME:
		t, err := parseTimestamp(text)
		if err != nil {
			return nil, fmt.Errorf("bad timestamp %q for %s: %w", text, col.Name, err)
		}
		return t, nil
	}
	return text, nil
}

// parseTimestamp reads RFC 3339, yyyy-MM-dd or yyyy-MM-dd HH:mm:ss; without an offset the time is Korean.
func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, api.KST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("use RFC 3339 (2024-05-01T09:00:00+09:00), 2024-05-01 or '2024-05-01 09:00:00' (no offset means Korean time, UTC+9)")
}

// formatTimestamp writes an instant as RFC 3339 in Korean time.
func formatTimestamp(t time.Time) string {
	return t.In(api.KST).Format(time.RFC3339Nano)
}
