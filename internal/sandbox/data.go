package sandbox

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// Inquiry is one call-center inquiry as the sandbox serves it: the same fields the wire carries,
// fully rendered. Times are in api.KST.
type Inquiry struct {
	InquiryID                 int64      `json:"inquiryId"`
	InquiryStatus             string     `json:"inquiryStatus"`             // progress | complete
	CSPartnerCounselingStatus string     `json:"csPartnerCounselingStatus"` // requestAnswer | answered
	VendorItemIDs             []int64    `json:"vendorItemId"`
	ItemName                  string     `json:"itemName"`
	Content                   string     `json:"content"`
	AnsweredAt                *time.Time `json:"answeredAt"` // time of the last vendor reply; nil when the seller never replied
	Replies                   []Reply    `json:"replies"`
	InquiryAt                 time.Time  `json:"inquiryAt"`
	BuyerEmail                string     `json:"buyerEmail"`        // always ""
	BuyerPhone                string     `json:"buyerPhone"`        // masked, like 010-****-1234
	OrderID                   int64      `json:"orderId,omitempty"` // 0 when the inquiry has no order (the field is absent on the wire)
	OrderDate                 *time.Time `json:"orderDate"`
	ReceiptCategory           string     `json:"receiptCategory"`
	SaleStartedAt             string     `json:"saleStartedAt"` // yyyy-MM-dd
	SaleEndedAt               string     `json:"saleEndedAt"`   // yyyy-MM-dd
}

// Reply is one entry of an inquiry's replies, oldest first.
type Reply struct {
	AnswerID                      int64     `json:"answerId"`
	ParentAnswerID                int64     `json:"parentAnswerId"`                // always 0
	PartnerTransferStatus         *string   `json:"partnerTransferStatus"`         // none | requestAnswer | answered for csAgent; nil (null) for vendor
	PartnerTransferCompleteReason string    `json:"partnerTransferCompleteReason"` // NONE, DISPUTE_PROCESS, DISPUTE_PROCESS_COMPLETE, CANCEL
	AnswerType                    string    `json:"answerType"`                    // csAgent | vendor
	NeedAnswer                    bool      `json:"needAnswer"`
	ReceptionistName              string    `json:"receptionistName"`
	Receptionist                  string    `json:"receptionist"`
	ReplyAt                       time.Time `json:"replyAt"`
	Content                       string    `json:"content"`
}

// toWire is inq as Coupang sends it: times in Korean local time without an offset.
func toWire(inq Inquiry) any {
	type reply struct {
		Reply
		ReplyAt *string `json:"replyAt"`
	}
	replies := mapped(inq.Replies, func(r Reply) reply { return reply{r, wireTime(&r.ReplyAt)} })
	return struct {
		Inquiry
		AnsweredAt *string `json:"answeredAt"`
		InquiryAt  *string `json:"inquiryAt"`
		OrderDate  *string `json:"orderDate"`
		Replies    []reply `json:"replies"`
	}{inq, wireTime(inq.AnsweredAt), wireTime(&inq.InquiryAt), wireTime(inq.OrderDate), replies}
}

// MatchesStatus reports whether inq is selected by the partnerCounselingStatus value status (see the
// package documentation). An unknown status matches nothing.
func MatchesStatus(inq Inquiry, status string) bool {
	switch status {
	case api.StatusNone:
		return true
	case api.StatusAnswer:
		return inq.CSPartnerCounselingStatus == "answered"
	case api.StatusNoAnswer:
		return inq.CSPartnerCounselingStatus == "requestAnswer"
	case api.StatusTransfer:
		return slices.ContainsFunc(inq.Replies, func(r Reply) bool {
			return r.AnswerType == "csAgent" && r.PartnerTransferStatus != nil && *r.PartnerTransferStatus == "requestAnswer" && r.NeedAnswer
		})
	}
	return false
}

// replyKind is a reply's role: a CS agent's with that partnerTransferStatus, or the seller's.
type replyKind string

const (
	replyTransferWaiting  replyKind = "requestAnswer" // needAnswer true
	replyTransferAnswered replyKind = "answered"
	replyCSNote           replyKind = "none"
	replyVendor           replyKind = "vendor" // partnerTransferStatus null
)

// scenario is the shape of an inquiry's conversation; every status follows from it.
type scenario struct {
	weight  int
	replies []replyKind
	status  string // inquiryStatus; "" = progress or complete at random
}

// answered reports whether the seller replied last: csPartnerCounselingStatus answered, else
// requestAnswer (the seller must answer).
func (sc scenario) answered() bool {
	return len(sc.replies) > 0 && sc.replies[len(sc.replies)-1] == replyVendor
}

var scenarios = []scenario{
	{20, nil, "progress"},                                                                        // nothing yet
	{20, []replyKind{replyVendor}, "complete"},                                                   // seller answered directly
	{8, []replyKind{replyVendor, replyVendor}, "complete"},                                       // seller answered twice
	{14, []replyKind{replyTransferWaiting}, "progress"},                                          // transferred, waiting
	{18, []replyKind{replyTransferAnswered, replyVendor}, ""},                                    // transferred, answered
	{8, []replyKind{replyCSNote, replyVendor}, "complete"},                                       // CS note then seller
	{5, []replyKind{replyTransferAnswered, replyVendor, replyTransferWaiting}, "progress"},       // transferred again
	{4, []replyKind{replyCSNote, replyTransferWaiting}, "progress"},                              // CS note, then transfer
	{3, []replyKind{replyTransferAnswered, replyVendor, replyTransferAnswered, replyVendor}, ""}, // two rounds
}

// record is the compact form of one inquiry or product question; the rest is rendered from it on
// demand, so that millions fit in memory.
type record struct {
	at      int64 // inquiryAt, Unix seconds
	id      int64 // inquiryId
	item    int32 // catalog index
	options uint8 // an inquiry's options in vendorItemId: bit i for the item's option i
	primary uint8 // the first option of vendorItemId; a product question's option
	kind    uint8 // an inquiry's index in scenarios; a product question's number of answers
	orders  uint8 // a product question's number of order numbers
}

// catalogItem is one product with 1-3 options.
type catalogItem struct {
	name      string
	options   []int64
	optText   []string
	saleStart string
	saleEnd   string
}

// dataset is the generated data, immutable once built.
type dataset struct {
	seed     int64
	now      time.Time // the moment the data was built: nothing is later
	firstDay time.Time // KST midnight of the first day
	lastDay  time.Time // KST midnight of today
	items    []catalogItem
	recs     []record          // call-center inquiries, sorted by (at, id) ascending
	byOption map[int64][]int32 // option ID -> positions in recs, ascending
	products []record          // product questions, sorted by (at, id) ascending
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func kst(sec int64) time.Time { return time.Unix(sec, 0).In(api.KST) }

// mapped returns f of each of xs, in order: the slices.Map the standard library lacks.
func mapped[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// times returns the records' times in api.KST without rendering them.
func times(recs []record) []time.Time {
	return mapped(recs, func(r record) time.Time { return kst(r.at) })
}

// weighted draws an index of weights with probability proportional to its weight.
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x, i := r.IntN(total), 0
	for ; x >= weights[i]; i++ {
		x -= weights[i]
	}
	return i
}

// daily calls add between 50% and 150% of perDay times for each day, with that day's generator:
// each day's records depend only on the seed, the date and salt.
func (d *dataset) daily(days, perDay int, salt uint64, add func(r *rand.Rand, day int64)) {
	for i := range days {
		day := d.firstDay.AddDate(0, 0, i).Unix()
		r := rand.New(rand.NewPCG(uint64(d.seed), uint64(day/86400)^salt))
		for range perDay/2 + r.IntN(perDay+1) {
			add(r, day)
		}
	}
}

// number sorts recs by time (stably, so generation order breaks ties) and gives them IDs that grow
// from first with gaps of 1..gaps (drawn by salt), so that (at, id) order is total.
func (d *dataset) number(recs []record, first int64, salt, gaps uint64) {
	slices.SortStableFunc(recs, func(a, b record) int { return cmp.Compare(a.at, b.at) })
	for i := range recs {
		first += 1 + int64(splitmix(uint64(d.seed)^salt^uint64(i))%gaps)
		recs[i].id = first
	}
}

// offsets returns the times after at, in seconds, of n answers, the k-th gap drawn by gap(k):
// squeezed into 30-95% of the time since at when too recent for them, so that none is after d.now.
func (d *dataset) offsets(r *rand.Rand, at int64, n int, gap func(k int) int) []int64 {
	offsets := make([]int64, n)
	var total int64
	for k := range offsets {
		total += int64(gap(k))
		offsets[k] = total
	}
	if room := d.now.Unix() - at; total > room {
		room = max(room, 0) * int64(30+r.IntN(66)) / 100
		for k := range offsets {
			offsets[k] = offsets[k] * room / total
		}
	}
	return offsets
}

var (
	brands   = []string{"스파오(SPAO)", "미쏘(MIXXO)", "후아유(WHO.A.U)", "로엠(ROEM)", "탑텐(TOPTEN10)", "에잇세컨즈(8seconds)", "슈펜(SHOOPEN)", "뉴발란스 키즈", "코멧", "곰곰"}
	products = []string{"인조가죽 A라인 4부 스커트", "몬스터주식회사 맨투맨 (디즈니)_D/GYAY", "오버핏 옥스포드 셔츠", "기모 조거 팬츠", "울 블렌드 싱글 롱 코트", "경량 패딩 베스트", "스트라이프 니트 가디건", "쿠션 러닝화", "데님 와이드 팬츠", "코튼 반팔 티셔츠 2팩", "후드 집업 점퍼", "플리스 자켓"}
	colors   = []string{"(49)Khaki", "(17)Dark Gray", "(19)Black", "(11)Ivory", "(55)Navy", "(31)Beige", "(61)Red", "(02)White"}
	sizes    = []string{"S", "M", "L", "XL", "FREE", "230", "240", "250"}
	// hourWeights biases inquiry times to the day (Korean customers write 9:00-23:00 mostly).
	hourWeights = []int{2, 1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 10, 10, 10, 9, 8, 7, 7, 8, 8, 6, 4}
)

const (
	firstInquiryID = 1015600000
	optionIDBase   = 4000000000
	optionIDSpan   = 999999999
)

func buildDataset(o Options) *dataset {
	now := o.Now()
	d := &dataset{seed: o.Seed, now: now, lastDay: api.KoreanDate(now)}
	days, perDay := max(o.Days, 0), max(o.PerDay, 0)
	d.firstDay = d.lastDay.AddDate(0, 0, -(max(days, 1) - 1))

	// Catalog: sized so that option IDs have from a few to many inquiries each.
	nItems := min(max(days*perDay/25, 30), 2000)
	cr := rand.New(rand.NewPCG(uint64(o.Seed), 0xCA7A))
	seenOpt := map[int64]bool{}
	for range nItems {
		code := fmt.Sprintf("SP%c%c%03d%c%02d", 'A'+cr.IntN(26), 'A'+cr.IntN(26), cr.IntN(1000), 'A'+cr.IntN(26), cr.IntN(100))
		it := catalogItem{name: brands[cr.IntN(len(brands))] + " " + products[cr.IntN(len(products))] + " " + code}
		n, ci := 1+cr.IntN(3), cr.IntN(len(colors))
		for j := range n {
			id := optionIDBase + cr.Int64N(optionIDSpan)
			for seenOpt[id] {
				id = optionIDBase + cr.Int64N(optionIDSpan)
			}
			seenOpt[id] = true
			it.options = append(it.options, id)
			it.optText = append(it.optText, colors[(ci+j)%len(colors)]+", "+sizes[cr.IntN(len(sizes))])
		}
		start := time.Date(2017+cr.IntN(8), time.Month(1+cr.IntN(12)), 1+cr.IntN(28), 0, 0, 0, 0, api.KST)
		it.saleStart, it.saleEnd = start.Format(api.DateLayout), "2099-12-30"
		if cr.IntN(10) == 0 {
			it.saleEnd = start.AddDate(3, 0, 0).Format(api.DateLayout)
		}
		d.items = append(d.items, it)
	}

	scenarioWeights := mapped(scenarios, func(sc scenario) int { return sc.weight })
	// Today's inquiries are cut at now: the day grows without changing earlier rows.
	d.daily(days, perDay, 0, func(r *rand.Rand, day int64) {
		at := day + int64(weighted(r, hourWeights)*3600+r.IntN(3600))
		u := r.Float64()
		item := int32(float64(nItems) * u * u)
		nopt := len(d.items[item].options)
		p := r.IntN(nopt)
		mask := uint8(1 << p)
		if nopt > 1 && r.IntN(10) == 0 {
			for j := range nopt {
				if r.IntN(2) == 0 {
					mask |= 1 << j
				}
			}
		}
		if sc := uint8(weighted(r, scenarioWeights)); at <= now.Unix() {
			d.recs = append(d.recs, record{at: at, item: item, options: mask, primary: uint8(p), kind: sc})
		}
	})

	// Hot inquiries on one option ID, spread uniformly over the days.
	if o.HotInquiries > 0 {
		hotItem := slices.IndexFunc(d.items, func(it catalogItem) bool { return slices.Contains(it.options, o.HotVendorItemID) })
		if hotItem < 0 {
			d.items = append(d.items, catalogItem{name: "스파오(SPAO) 인조가죽 A라인 4부 스커트 SPWH749G22",
				options: []int64{o.HotVendorItemID}, optText: []string{"(49)Khaki, L"}, saleStart: "2017-12-12", saleEnd: "2099-12-30"})
			hotItem = len(d.items) - 1
		}
		hotOpt := slices.Index(d.items[hotItem].options, o.HotVendorItemID)
		// Before today when there are past days, so the rows (and every inquiryId) do not depend on
		// the time of day; with a single day, from midnight to now.
		r := rand.New(rand.NewPCG(uint64(o.Seed), 0x407))
		from, to := d.firstDay.Unix(), d.lastDay.Unix()-1
		if days < 2 {
			to = now.Unix()
		}
		for range o.HotInquiries {
			at := from + r.Int64N(to-from+1)
			d.recs = append(d.recs, record{at: at, item: int32(hotItem), options: 1 << hotOpt, primary: uint8(hotOpt), kind: uint8(weighted(r, scenarioWeights))})
		}
	}
	d.number(d.recs, firstInquiryID, 0, 7)
	d.byOption = make(map[int64][]int32)
	for i, rec := range d.recs {
		for j, opt := range d.items[rec.item].options {
			if rec.options&(1<<j) != 0 {
				d.byOption[opt] = append(d.byOption[opt], int32(i))
			}
		}
	}

	// Product questions: about half as many per day as inquiries, on the whole catalog.
	d.daily(days, perDay/2, 0x0A0A, func(r *rand.Rand, day int64) {
		u := r.Float64()
		rec := record{at: day + int64(8*3600+r.IntN(16*3600)), item: int32(float64(len(d.items)) * u * u)}
		rec.primary = uint8(r.IntN(len(d.items[rec.item].options)))
		rec.kind = uint8(weighted(r, []int{7, 11, 2}))  // answers: 35% none, 55% one, 10% two
		rec.orders = uint8(weighted(r, []int{2, 3, 1})) // a third none, half one, a sixth two
		if rec.at <= now.Unix() {
			d.products = append(d.products, rec)
		}
	})
	d.number(d.products, firstProductInquiryID, 0x9A, 5)
	return d
}

// orderID returns the order number of r, 0 when the inquiry has no order. Cheap: used in filters.
func (d *dataset) orderID(r record) int64 {
	h := splitmix(uint64(d.seed)*31 + uint64(r.id))
	if h%100 < 12 {
		return 0
	}
	return 20000000000000 + int64((h>>8)%70000000000000)
}

// matches applies the list filters to r without rendering it.
func (d *dataset) matches(r record, status string, orderID int64) bool {
	if orderID != 0 && d.orderID(r) != orderID {
		return false
	}
	sc := scenarios[r.kind]
	switch status {
	case api.StatusAnswer:
		return sc.answered()
	case api.StatusNoAnswer:
		return !sc.answered()
	case api.StatusTransfer:
		return slices.Contains(sc.replies, replyTransferWaiting)
	}
	return true
}

var (
	customerTexts = []string{
		"상담이력",
		"주문한 상품이 아직 도착하지 않았습니다.\r\n언제 받을 수 있을까요?",
		"사이즈가 작아서 교환하고 싶습니다.\r\n반품 접수는 어떻게 하나요?",
		"상품에 얼룩이 있습니다. &lt;사진 첨부&gt;\r\n환불 부탁드립니다.",
		"반품 상품을 경비실에 맡겼는데 회수가 되었는지 확인 부탁드립니다.",
		"다른 색상의 상품이 왔어요.\r\n주문한 색상으로 다시 보내주세요.",
		"환불이 아직 안 됐습니다.\r\n언제 처리되나요?",
		"상담사 통화 요청드립니다.\r\n연락 부탁드려요.",
		"세탁 후 줄어들었습니다. 교환 가능한가요?",
		"배송지 변경하고 싶어요.\r\n\r\n아직 출고 전이면 변경 부탁드립니다.",
	}
	categories = []string{
		"기타문의>기타>전상담사통화요청",
		"취소/반품 후단관리>회수확인>고객반송확인",
		"배송문의>배송지연>배송일정문의",
		"교환/반품>반품신청>단순변심",
		"상품문의>상품정보>사이즈문의",
		"취소/환불>환불지연>환불일정문의",
		"배송문의>오배송>다른상품수령",
		"상품문의>불량>제품하자",
	}
	transferTexts = []string{
		"고객 상품 반송하였다고 합니다. 반송장은 경비실에 맡겨서 모른다고 합니다.\n입고 확인후 환불 처리 부탁 드립니다.",
		"고객님께서 배송 일정 문의하셨습니다.\n출고 예정일 안내 부탁드립니다.",
		"오배송 건으로 교환 요청하셨습니다.\n정상 상품 재발송 부탁드립니다.",
		"상품 하자로 반품 원하십니다.\n회수 후 ★환불승인★ 부탁드립니다.",
		"사이즈 교환 요청입니다.\n재고 확인 후 안내 부탁드립니다.",
	}
	vendorTexts = []string{
		"1/3일 입고 된것으로 확인됩니다.\r\n\r\n3영업일이 정상 검수기간으로 시일이 소요되기에 양해 바랍니다.",
		"담당부서측으로 내용 전달 완료 하였습니다.\r\n\r\n금일 내 확인될시 환불진행 하겠으나 , 평균 2영업일 소요되기에 익일까지 양해 바랍니다.",
		"금일 출고 예정입니다.\r\n\r\n배송 지연으로 불편을 드려 죄송합니다.",
		"교환 상품 재발송 처리하였습니다.\r\n송장번호는 문자로 안내드리겠습니다.",
		"회수 확인 후 환불 승인 처리하겠습니다.",
	}
	csNoteTexts = []string{
		"고객님께 반품 절차 안내 완료하였습니다.",
		"배송 조회 결과 안내드렸습니다.",
		"고객 통화 완료, 판매자 확인 필요 건입니다.",
	}
	agentNames  = []string{"김상담", "이상담", "박상담", "최상담"}
	completeWhy = []string{"NONE", "NONE", "NONE", "NONE", "DISPUTE_PROCESS_COMPLETE", "CANCEL"}
)

func (d *dataset) render(rec record) Inquiry {
	it := &d.items[rec.item]
	sc := scenarios[rec.kind]
	r := rand.New(rand.NewPCG(uint64(d.seed)^0x5eed, uint64(rec.id)))
	at := kst(rec.at)
	itemName := it.name + ", " + it.optText[rec.primary]
	// vendorItemId: the primary option first, then the others in catalog order.
	ids := []int64{it.options[rec.primary]}
	for j, opt := range it.options {
		if j != int(rec.primary) && rec.options&(1<<j) != 0 {
			ids = append(ids, opt)
		}
	}
	inq := Inquiry{
		InquiryID:                 rec.id,
		InquiryStatus:             sc.status,
		CSPartnerCounselingStatus: "requestAnswer",
		VendorItemIDs:             ids,
		ItemName:                  itemName,
		Content:                   customerTexts[r.IntN(len(customerTexts))],
		Replies:                   []Reply{},
		InquiryAt:                 at,
		BuyerPhone:                fmt.Sprintf("010-****-%04d", r.IntN(10000)),
		OrderID:                   d.orderID(rec),
		ReceiptCategory:           categories[r.IntN(len(categories))],
		SaleStartedAt:             it.saleStart,
		SaleEndedAt:               it.saleEnd,
	}
	if sc.answered() {
		inq.CSPartnerCounselingStatus = "answered"
	}
	if inq.InquiryStatus == "" {
		inq.InquiryStatus = []string{"progress", "complete"}[r.IntN(2)]
	}
	if inq.OrderID != 0 {
		inq.OrderDate = new(at.Add(-time.Duration(3600+r.IntN(20*86400)) * time.Second))
	}
	offsets := d.offsets(r, rec.at, len(sc.replies), func(k int) int {
		if k == 0 {
			return 60 + r.IntN(3*3600)
		}
		return 600 + r.IntN(86400)
	})
	for k, kind := range sc.replies {
		rep := Reply{
			AnswerID:                      rec.id*4 + int64(k) + 100000000,
			PartnerTransferCompleteReason: "NONE",
			ReplyAt:                       kst(rec.at + offsets[k]),
		}
		switch kind {
		case replyVendor:
			rep.AnswerType = "vendor"
			rep.ReceptionistName = "데모몰"
			rep.Receptionist = "demomall"
			rep.Content = "안녕하세요, \r\n데모몰입니다.\r\n\r\n" + vendorTexts[r.IntN(len(vendorTexts))] + "\r\n\r\n감사합니다.\r\n"
			inq.AnsweredAt = &rep.ReplyAt
		default:
			rep.AnswerType = "csAgent"
			rep.ReceptionistName = agentNames[r.IntN(len(agentNames))]
			rep.Receptionist = fmt.Sprintf("D%06d", r.IntN(1000000))
			rep.PartnerTransferStatus, rep.NeedAnswer = new(string(kind)), kind == replyTransferWaiting
			if kind == replyTransferAnswered {
				rep.PartnerTransferCompleteReason = completeWhy[r.IntN(len(completeWhy))]
			}
			if kind == replyCSNote {
				rep.Content = csNoteTexts[r.IntN(len(csNoteTexts))]
			} else {
				order := ""
				if inq.OrderID != 0 {
					order = fmt.Sprintf("◼주문번호: %d\n", inq.OrderID)
				}
				rep.Content = "[판매자이관]\n" + order + "◼아이템: " + itemName + "\n◼고객명/연락처: <<***/01*-****-****>>\n" +
					"◼문의내용: " + transferTexts[r.IntN(len(transferTexts))] + "\n"
			}
		}
		inq.Replies = append(inq.Replies, rep)
	}
	return inq
}
