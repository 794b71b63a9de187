package coupang

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/transform"
)

// fromFieldBefore are the columns that had transform.FromField because FromGo's name mapping
// misses them (VendorItemIds); the default transform finds them by itself.
var fromFieldBefore = map[string]string{"vendor_item_ids": "VendorItemIDs"}

// TestGoFieldValueMatchesFromGo checks the default transform against the SDK's FromGo, its oracle,
// for every column of both tables, on rows with every nullable field set and unset.
func TestGoFieldValueMatchesFromGo(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, api.KST)
	status := "requestAnswer"
	full := query.Row{VendorItemID: 7, PartnerCounselingStatus: "NONE", Inquiry: api.Inquiry{
		InquiryID: 1, InquiryStatus: "progress", CSPartnerCounselingStatus: "answered", VendorItemIDs: []int64{7, 8},
		ItemName: "item", Content: "content", AnsweredAt: &at, InquiryAt: at, BuyerPhone: "010-****-1234",
		OrderID: 9, OrderDate: &at, ReceiptCategory: "a>b", SaleStartedAt: &at, SaleEndedAt: &at,
		Replies: []api.Reply{{AnswerID: 3, ParentAnswerID: 2, PartnerTransferStatus: &status, AnswerType: "csAgent",
			NeedAnswer: true, ReplyAt: &at, Content: "reply"}},
	}}
	empty := query.Row{Inquiry: api.Inquiry{InquiryID: 2, InquiryAt: at, Replies: []api.Reply{{AnswerID: 4}}}}
	var items []any
	for _, r := range []query.Row{full, empty} {
		row := newInquiryRow(r, "A00012345")
		items = append(items, row, replyTableRow{InquiryID: row.InquiryID, InquiryAt: row.InquiryAt, VendorItemID: row.VendorItemID,
			OrderID: row.OrderID, PartnerCounselingStatus: row.PartnerCounselingStatus, VendorID: row.VendorID, replyRow: row.Replies[0]})
	}
	p := Plugin(context.Background())
	var fields sync.Map
	for _, item := range items {
		table := tableInquiry
		if _, ok := item.(replyTableRow); ok {
			table = "coupang_callcenter_inquiry_reply"
		}
		for _, col := range p.TableMap[table].Columns {
			if col.Transform != nil {
				continue // the column has its own transform
			}
			d := &transform.TransformData{HydrateItem: item, ColumnName: col.Name}
			oracle := transform.FieldValueGo
			if field, ok := fromFieldBefore[col.Name]; ok {
				d.Param, oracle = field, transform.FieldValue
			}
			want, err := oracle(context.Background(), d)
			if err != nil {
				t.Fatal(err)
			}
			got := goFieldValue(&fields, &transform.TransformData{HydrateItem: item, ColumnName: col.Name})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s.%s on %T: got %#v, FromGo gives %#v", table, col.Name, item, got, want)
			}
		}
	}
}

func TestFieldValueNoStruct(t *testing.T) {
	t.Parallel()
	var nilRow *inquiryRow
	for _, item := range []any{nil, nilRow, 42} {
		if got := goFieldValue(&sync.Map{}, &transform.TransformData{HydrateItem: item, ColumnName: "inquiry_id"}); got != nil {
			t.Errorf("%#v: got %#v; want nil", item, got)
		}
	}
}
