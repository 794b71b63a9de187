package coupang

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// fromGo is the plugin's default transform: it does what transform.FromGo does (the row struct's
// field named after the column, inquiry_id -> InquiryID), without its cost. FromGo looks the
// field up by reflection and compiles a regular expression for every value (go-kit's
// helpers.IsFieldArray), which was about 45% of the CPU and most of the 150 KB allocated per
// streamed row; here each row type's fields are indexed once.
func fromGo() *transform.ColumnTransforms { return transform.From(goFieldValue) }

// goFieldValue returns the hydrate item's field for the column, or nil when there is none.
func goFieldValue(_ context.Context, d *transform.TransformData) (any, error) {
	v := reflect.ValueOf(d.HydrateItem)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, nil
	}
	idx, ok := fieldIndexes(v.Type())[fieldKey(d.ColumnName)]
	if !ok {
		return nil, nil
	}
	return v.FieldByIndex(idx).Interface(), nil
}

// fieldKey folds a column or field name for matching: vendor_item_ids and VendorItemIDs agree.
func fieldKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

var fieldIndexCache sync.Map // reflect.Type -> map[string][]int

// fieldIndexes maps each exported field of t, promoted fields of embedded structs included, by
// fieldKey to its index path.
func fieldIndexes(t reflect.Type) map[string][]int {
	if m, ok := fieldIndexCache.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() && !f.Anonymous {
			m[fieldKey(f.Name)] = f.Index
		}
	}
	fieldIndexCache.Store(t, m)
	return m
}
