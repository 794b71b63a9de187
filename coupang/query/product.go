package query

import (
	"context"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// FetchProductInquiries runs a plan built with Endpoint ProductQnA, exactly as Fetch runs a
// call-center plan: the same windows, paging, concurrency, deduplication by inquiry ID, limits and
// errors; only the request and the item differ.
func FetchProductInquiries(ctx context.Context, l ProductLister, p *Plan, emit func(ProductRow) bool) error {
	return fetch(ctx, p, api.MaxProductPageSize, source[api.ProductInquiry, ProductRow]{
		list: func(ctx context.Context, req api.ListRequest) (*page[api.ProductInquiry], error) {
			pg, err := l.ListProductInquiries(ctx, ProductRequest(req))
			if err != nil || pg == nil {
				return nil, err
			}
			return &page[api.ProductInquiry]{items: pg.Inquiries, pn: pg.Pagination}, nil
		},
		id: func(inq api.ProductInquiry) int64 { return inq.InquiryID },
		at: func(inq api.ProductInquiry) time.Time { return inq.InquiryAt },
		// inquiry_at is the one key column to check: the listing status (answered_type) is the
		// plan's own, and Coupang filters product Q&A by nothing else.
		rows: func(inq api.ProductInquiry) []ProductRow {
			if p.Filter.Certainty(inq.InquiryAt) == Rejected {
				return nil
			}
			return []ProductRow{{Inquiry: inq, AnsweredType: p.Filter.PartnerCounselingStatus}}
		},
		key: func(r ProductRow) pair { return pair{inquiry: r.Inquiry.InquiryID} },
	}, emit)
}

// ProductRequest is the product Q&A call of a planned request: its window, status (the
// answeredType) and page. The planner never sets an option or order ID for product Q&A.
func ProductRequest(req api.ListRequest) api.ProductInquiryRequest {
	return api.ProductInquiryRequest{
		InquiryStartAt: req.InquiryStartAt,
		InquiryEndAt:   req.InquiryEndAt,
		AnsweredType:   req.PartnerCounselingStatus,
		PageNum:        req.PageNum,
		PageSize:       req.PageSize,
	}
}
