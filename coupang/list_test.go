package coupang

import (
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/query"
	"github.com/stretchr/testify/assert"
)

// TestHoldbackUnderUpperBound: under a pushed LIMIT, rows surely kept stream at once and rows in
// doubt under an upper bound wait for the flush, oldest first, so that the rows Postgres keeps in
// any session TimeZone come before those it may drop.
func TestHoldbackUnderUpperBound(t *testing.T) {
	t.Parallel()
	bound := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	f := &query.Filter{Upper: &query.Bound{Op: query.OpLt, Value: bound}}
	var got []time.Duration
	h := &holdback[time.Time]{limited: true, at: func(t time.Time) time.Time { return t },
		emit: func(t time.Time) bool { got = append(got, t.Sub(bound)); return true }}
	emit := h.emitter(f)
	for _, d := range []time.Duration{time.Hour, -time.Hour, -20 * time.Hour} { // as listed: newest first
		assert.True(t, emit(bound.Add(d)))
	}
	assert.Equal(t, []time.Duration{-20 * time.Hour}, got, "only the sure row streams before the flush")
	h.flush()
	assert.Equal(t, []time.Duration{-20 * time.Hour, -time.Hour, time.Hour}, got)
}

// TestInquiryHasStatus: an inquiry read by ID is listed under TRANSFER only while a CS agent's
// transfer waits for the seller (needAnswer and partnerTransferStatus requestAnswer), as the
// sandbox lists it (sandbox.MatchesStatus).
func TestInquiryHasStatus(t *testing.T) {
	t.Parallel()
	waiting, answered := "requestAnswer", "answered"
	for _, tt := range []struct {
		name  string
		reply api.Reply
		want  bool
	}{
		{"transfer waiting", api.Reply{AnswerType: "csAgent", NeedAnswer: true, PartnerTransferStatus: &waiting}, true},
		{"no answer needed", api.Reply{AnswerType: "csAgent", NeedAnswer: false, PartnerTransferStatus: &waiting}, false},
		{"transfer answered", api.Reply{AnswerType: "csAgent", NeedAnswer: true, PartnerTransferStatus: &answered}, false},
		{"seller's reply", api.Reply{AnswerType: "vendor", NeedAnswer: true, PartnerTransferStatus: &waiting}, false},
		{"no transfer status", api.Reply{AnswerType: "csAgent", NeedAnswer: true}, false},
	} {
		inq := api.Inquiry{Replies: []api.Reply{tt.reply}}
		assert.Equal(t, tt.want, inquiryHasStatus(inq, api.StatusTransfer), tt.name)
	}
}
