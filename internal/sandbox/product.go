package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// MsgAnsweredTypeNull is the 400 message of the product Q&A list for a missing or unknown
// answeredType: Coupang reads the value case-sensitively, and an unknown one as missing.
const MsgAnsweredTypeNull = "answeredType can't be null"

// ProductInquiry is one question a buyer posted on a product page (product Q&A, onlineInquiries),
// about an item and option of the same catalog as the call-center inquiries. Times are in api.KST.
type ProductInquiry struct {
	InquiryID       int64            `json:"inquiryId"`
	ProductID       int64            `json:"productId"`
	SellerProductID int64            `json:"sellerProductId,omitempty"` // 0 on old questions: absent on the wire
	SellerItemID    int64            `json:"sellerItemId,omitempty"`    // 0 on old questions: absent on the wire
	VendorItemID    int64            `json:"vendorItemId"`
	Content         string           `json:"content"`
	InquiryAt       time.Time        `json:"inquiryAt"`
	OrderIDs        []int64          `json:"orderIds"` // nil when none: sent as null, [] or not at all (see toWireProduct)
	Comments        []ProductComment `json:"commentDtoList"`
}

// ProductComment is one answer to a product question, oldest first.
type ProductComment struct {
	InquiryCommentID int64     `json:"inquiryCommentId"`
	InquiryID        int64     `json:"inquiryId"`
	Content          string    `json:"content"`
	InquiryCommentAt time.Time `json:"inquiryCommentAt"`
}

// Answered reports whether q is listed under answeredType ANSWERED (it has at least one comment);
// NOANSWER lists the others and ALL every question.
func (q ProductInquiry) Answered() bool { return len(q.Comments) > 0 }

const (
	firstProductInquiryID = 521000000
	// oldProductDays is the age from which questions lack sellerProductId and sellerItemId, as
	// questions asked before Coupang added those fields do.
	oldProductDays = 45
)

var (
	productQuestions = []string{
		"%s 재입고 예정 있나요?",
		"%s 주문하면 언제 출고되나요?",
		"키 165cm 55kg인데 %s 맞을까요?",
		"%s 실측 사이즈 알려주세요.",
		"%s 세탁기 사용해도 되나요?",
		"%s 색상이 사진이랑 같은가요? 모니터로 보면 더 어두워 보여요.",
		"%s 두 개 주문했는데 하나만 왔어요. 따로 오나요?",
		"%s 정품 맞나요?",
		"선물용인데 %s 포장 가능한가요?",
		"%s 교환하려면 어떻게 해야 하나요? 사이즈가 커요.",
		"%s 소재 혼용률이 어떻게 되나요?",
		"%s 품절인데 다른 색상으로 변경 가능할까요?",
	}
	productAnswers = []string{
		"안녕하세요, 데모몰입니다.\n다음 주 화요일 재입고 예정입니다.\n감사합니다.",
		"안녕하세요, 고객님.\n평일 오후 2시 이전 주문 건은 당일 출고됩니다.",
		"안녕하세요.\n정사이즈로 주문하시면 됩니다. 여유 있게 입으시려면 한 치수 크게 추천드립니다.",
		"실측 사이즈는 상세페이지 하단 사이즈표를 참고 부탁드립니다.",
		"찬물에 단독 손세탁을 권장드립니다. 세탁기 사용 시 세탁망에 넣어주세요.",
		"모니터 환경에 따라 색상이 다소 차이 날 수 있습니다. 양해 부탁드립니다.",
		"분리 출고되어 1~2일 내 나머지 상품이 도착할 예정입니다.",
		"네, 본사 정품입니다.\n감사합니다.",
		"마이쿠팡 > 주문목록에서 교환 신청해 주시면 회수 후 교환 발송해 드립니다.",
	}
)

func (d *dataset) renderProduct(rec record) ProductInquiry {
	it := &d.items[rec.item]
	r := rand.New(rand.NewPCG(uint64(d.seed)^0x9A9A, uint64(rec.id)))
	h := splitmix(uint64(d.seed)*131 + uint64(rec.item))
	q := ProductInquiry{
		InquiryID:    rec.id,
		ProductID:    7000000000 + int64(h%900000000),
		VendorItemID: it.options[rec.primary],
		Content:      fmt.Sprintf(productQuestions[r.IntN(len(productQuestions))], it.optText[rec.primary]),
		InquiryAt:    kst(rec.at),
	}
	if d.lastDay.Unix()-rec.at < oldProductDays*86400 {
		q.SellerProductID = 10000000000 + int64((h>>20)%9000000000)
		q.SellerItemID = 70000000000 + (it.options[rec.primary] % 10000000000)
	}
	for range rec.orders {
		q.OrderIDs = append(q.OrderIDs, 20000000000000+r.Int64N(70000000000000))
	}
	offsets := d.offsets(r, rec.at, int(rec.kind), func(int) int { return 600 + r.IntN(36*3600) })
	for k, off := range offsets {
		q.Comments = append(q.Comments, ProductComment{
			InquiryCommentID: rec.id*3 + int64(k) - 1000000000,
			InquiryID:        rec.id,
			Content:          productAnswers[r.IntN(len(productAnswers))],
			InquiryCommentAt: kst(rec.at + off),
		})
	}
	return q
}

// ProductInquiries returns every product question, fully rendered, oldest first.
func (s *Server) ProductInquiries() []ProductInquiry {
	return mapped(s.data.products, s.data.renderProduct)
}

// ProductInquiryTimes returns every product question's inquiryAt in api.KST, oldest first, without
// rendering them.
func (s *Server) ProductInquiryTimes() []time.Time { return times(s.data.products) }

// productList answers the product Q&A list: questions newest first, within the inclusive dates.
func (c *call) productList(pathVendor string) envelope {
	c.parseList(pathVendor, "answeredType")
	answered := c.q["answeredType"]
	if !slices.Contains(api.AnsweredTypes, answered) {
		c.fail(http.StatusBadRequest, MsgAnsweredTypeNull)
	}
	d := c.s.data
	match := func(r record) bool {
		hasAnswer := r.kind > 0 // a product question's kind is its number of answers
		return answered == api.AnsweredAll || hasAnswer == (answered == api.AnsweredAnswered)
	}
	// The documentation's sample sends code as a string: so does the sandbox, here.
	return c.page(api.MaxProductPageSize, "200", window(c, d.products, recordAt), match, func(r record) any { return toWireProduct(d.renderProduct(r)) })
}

// toWireProduct is q as the v5 list sends it: inquiryAt ISO with a T and no offset, as v5 moved to;
// answers keep the older "yyyy-MM-dd HH:mm:ss" (whether they changed too is undocumented), so
// clients must read both. No buyerEmail (removed 2026-03-15).
func toWireProduct(q ProductInquiry) any {
	type comment struct {
		ProductComment
		InquiryCommentAt *string `json:"inquiryCommentAt"`
	}
	comments := mapped(q.Comments, func(c ProductComment) comment { return comment{c, wireTime(&c.InquiryCommentAt)} })
	// No order: null, [] or no field at all, by inquiry ID, so every shape appears in any page.
	var orders any
	switch {
	case len(q.OrderIDs) > 0:
		orders = q.OrderIDs
	case q.InquiryID%3 == 0:
		orders = json.RawMessage("null")
	case q.InquiryID%3 == 1:
		orders = []int64{}
	}
	return struct {
		ProductInquiry
		InquiryAt string    `json:"inquiryAt"`
		OrderIDs  any       `json:"orderIds,omitempty"`
		Comments  []comment `json:"commentDtoList"`
	}{q, q.InquiryAt.In(api.KST).Format("2006-01-02T15:04:05"), orders, comments}
}
