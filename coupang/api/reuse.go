package api

// Reuse lets a Client answer a call from data fetched moments ago instead of asking Coupang
// again, and refuse a call outright. The policy (what is fresh enough, for whom) belongs to the
// caller; the Client only asks before each call and reports each answer. Implementations must be
// safe for concurrent use, and must not modify what they hand out or are handed: pages and
// inquiries are shared read-only.
type Reuse interface {
	// Page returns a page to use instead of sending req, or ok false.
	Page(req ListRequest) (page *Page, ok bool)
	// Listed records a page Coupang returned for req.
	Listed(req ListRequest, page *Page)
	// Inquiry returns an inquiry to use instead of reading it, or nil to read it; a non-nil error
	// refuses the call without sending it.
	Inquiry(id int64) (*Inquiry, error)
	// Read records the outcome of a single-inquiry read that was sent.
	Read(id int64, err error)
}

// WithReuse returns a copy of c that consults r before every call (see Reuse). The copy shares
// c's HTTP client and wait hook.
func (c *Client) WithReuse(r Reuse) *Client {
	cp := *c
	cp.reuse = r
	return &cp
}
