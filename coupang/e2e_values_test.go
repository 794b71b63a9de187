package coupang_test

// Row values as Go values, for the end-to-end tests' comparisons.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// columnValues converts every column of a row with columnValue, keyed by column name.
func columnValues(cols map[string]*proto.Column) (map[string]any, error) {
	row := make(map[string]any, len(cols))
	for name, c := range cols {
		v, err := columnValue(c)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		row[name] = v
	}
	return row, nil
}

// columnValue converts a column value to Go: nil for NULL, bool, int64, float64, string, time.Time (in
// Korean time, api.KST, the zone Coupang works in) or, for JSON columns, the decoded JSON
// (map[string]any, []any, json.Number, string, bool or nil); numbers stay json.Number so that IDs
// keep every digit.
func columnValue(c *proto.Column) (any, error) {
	if c == nil {
		return nil, nil
	}
	switch v := c.Value.(type) {
	case nil, *proto.Column_NullValue:
		return nil, nil
	case *proto.Column_BoolValue:
		return v.BoolValue, nil
	case *proto.Column_IntValue:
		return v.IntValue, nil
	case *proto.Column_DoubleValue:
		return v.DoubleValue, nil
	case *proto.Column_StringValue:
		return v.StringValue, nil
	case *proto.Column_TimestampValue:
		return v.TimestampValue.AsTime().In(api.KST), nil
	case *proto.Column_JsonValue:
		var out any
		dec := json.NewDecoder(bytes.NewReader(v.JsonValue))
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil {
			return nil, fmt.Errorf("decode JSON column value: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported column value %T", c.Value)
}

func TestColumnValue(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		col  *proto.Column
		want any
	}{
		{&proto.Column{Value: &proto.Column_NullValue{}}, nil},
		{&proto.Column{Value: &proto.Column_IntValue{IntValue: 5}}, int64(5)},
		{&proto.Column{Value: &proto.Column_StringValue{StringValue: "x"}}, "x"},
		{&proto.Column{Value: &proto.Column_BoolValue{BoolValue: true}}, true},
	} {
		got, err := columnValue(c.col)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
	got, err := columnValue(&proto.Column{Value: &proto.Column_JsonValue{JsonValue: []byte(`[74702446818044]`)}})
	require.NoError(t, err)
	assert.Equal(t, "74702446818044", fmt.Sprint(got.([]any)[0]), "JSON numbers keep every digit")
}

func TestColumnValues(t *testing.T) {
	t.Parallel()
	got, err := columnValues(map[string]*proto.Column{
		"inquiry_id":  {Value: &proto.Column_IntValue{IntValue: 7}},
		"answered_at": {Value: &proto.Column_NullValue{}},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"inquiry_id": int64(7), "answered_at": nil}, got)

	_, err = columnValues(map[string]*proto.Column{"replies": {Value: &proto.Column_JsonValue{JsonValue: []byte(`[`)}}})
	assert.ErrorContains(t, err, "column replies")
}
