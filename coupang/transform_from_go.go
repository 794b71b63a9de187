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
// streamed row; here each row type's fields are indexed once, in a cache of this transform's own.
func fromGo() *transform.ColumnTransforms {
	var fields sync.Map // reflect.Type -> map[string][]int
	return transform.From(func(_ context.Context, d *transform.TransformData) (any, error) {
		return goFieldValue(&fields, d), nil
	})
}

// goFieldValue returns the hydrate item's field for the column, or nil when there is none; cache
// holds each row type's fields by fieldKey.
func goFieldValue(cache *sync.Map, d *transform.TransformData) any {
	v := reflect.ValueOf(d.HydrateItem)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	m, ok := cache.Load(v.Type())
	if !ok {
		index := map[string][]int{}
		for _, f := range reflect.VisibleFields(v.Type()) {
			if f.IsExported() && !f.Anonymous {
				index[fieldKey(f.Name)] = f.Index
			}
		}
		m, _ = cache.LoadOrStore(v.Type(), index)
	}
	idx, ok := m.(map[string][]int)[fieldKey(d.ColumnName)]
	if !ok {
		return nil
	}
	return v.FieldByIndex(idx).Interface()
}

// fieldKey folds a column or field name for matching: vendor_item_ids and VendorItemIDs agree.
func fieldKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}
