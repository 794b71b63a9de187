package coupang

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotFoundRunExpires: maxNotFound unknown IDs within notFoundWindow stop reads for
// notFoundWindow; after it, or when they are spread more thinly, reads go on.
func TestNotFoundRunExpires(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	r := &refusal{note: memoryNote(), now: func() time.Time { return now }}
	read := func(id int64) error { // as the client asks the gate, and tells it of a 404
		err := allowErr(r, api.InquiryPath(id))
		if err == nil {
			r.failed(&api.Error{Kind: api.KindNotFound, Path: api.InquiryPath(id)})
		}
		return err
	}
	for id := range int64(maxNotFound) {
		require.NoError(t, read(id+1), "read %d is sent", id+1)
	}
	require.ErrorContains(t, read(100), "not found for this seller")

	now = now.Add(notFoundWindow + time.Second)
	require.NoError(t, read(101), "the refusal ends a minute after the last unknown ID")
	assert.NoError(t, read(102), "one unknown ID after it does not renew the refusal")

	// Later, twenty more, 7 s apart: never ten within a minute.
	now = now.Add(2 * notFoundWindow)
	for id := range int64(2 * maxNotFound) {
		now = now.Add(7 * time.Second)
		require.NoError(t, read(200+id), "sparse unknown ID %d", id)
	}
}

// memoryNote is a seller's note kept in memory, as ratelimit.Budget.Note keeps it in a file.
func memoryNote() func(func([]byte) []byte) error {
	var note []byte
	return func(update func([]byte) []byte) error {
		if next := update(note); next != nil {
			note = next
		}
		return nil
	}
}

// TestRefusalSharedBySellerOnMachine: two connections of one seller (two processes: an FDW backend
// and an export) share the note in the budget's directory. Unknown IDs count together, a refusal
// stops both unless the other's secret key differs, a note no version wrote reads as empty, and a
// refusal dated ahead of the clock by more than the minute (the clock stepped back) stops nothing.
func TestRefusalSharedBySellerOnMachine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	connection := func(secretKey string) *refusal {
		b, err := ratelimit.Open(dir, "A00012345", "access-key", "https://api-gateway.coupang.com")
		require.NoError(t, err)
		return &refusal{note: b.Note, key: keyFingerprint(secretKey), now: func() time.Time { return now }}
	}
	a, b, other := connection("secret"), connection("secret"), connection("another secret")
	for id := range int64(maxNotFound) {
		r := []*refusal{a, b}[id%2]
		require.NoError(t, allowErr(r, api.InquiryPath(id+1)))
		r.failed(&api.Error{Kind: api.KindNotFound, Path: api.InquiryPath(id + 1)})
	}
	require.ErrorContains(t, allowErr(a, api.InquiryPath(100)), "10 inquiry IDs asked for within a minute were not found")
	require.ErrorContains(t, allowErr(other, api.InquiryPath(100)), "were not found", "unknown IDs are the seller's, whatever the key")
	require.NoError(t, allowErr(a, api.ListPath("A00012345")), "listings go on")

	now = now.Add(notFoundWindow + time.Second)
	refused := &api.Error{Kind: api.KindAuth, Method: "GET", Path: api.ListPath("A00012345"), StatusCode: 401, Message: "Invalid signature."}
	a.failed(refused)
	err := allowErr(b, api.ListPath("A00012345"))
	require.ErrorContains(t, err, "not sent: Coupang refused a request of this seller from this machine 0s ago")
	assert.ErrorContains(t, err, "(authentication failed (HTTP 401): Invalid signature.)")
	assert.NotContains(t, err.Error(), "A00012345", "the note holds no path, which names the seller")
	assert.NoError(t, allowErr(other, api.ListPath("A00012345")), "another secret key sends at once")
	other.failed(refused) // a second wrong key: each key stops after its own refusal
	assert.ErrorContains(t, allowErr(other, api.ListPath("A00012345")), "not sent")
	assert.ErrorContains(t, allowErr(b, api.ListPath("A00012345")), "not sent", "the other key's refusal does not replace this one's")
	assert.NoError(t, allowErr(connection("a third secret"), api.ListPath("A00012345")))

	now = now.Add(-refusedFor - time.Second) // the clock stepped back past the minute
	assert.NoError(t, allowErr(b, api.ListPath("A00012345")))

	notes, err := filepath.Glob(filepath.Join(dir, "*.note"))
	require.NoError(t, err)
	require.Len(t, notes, 1)
	require.NoError(t, os.WriteFile(notes[0], []byte("{torn"), 0o666))
	assert.NoError(t, allowErr(b, api.InquiryPath(100)), "a note no version wrote is no refusal")
	b.failed(refused)
	assert.ErrorContains(t, allowErr(a, api.InquiryPath(100)), "not sent", "and is rewritten")
}

// TestThrottledHoldsTheSeller: a 429 retried after a delay holds every connection of the seller on
// the machine as long; a shorter one does not shorten the hold, and a hold further ahead than the
// refusal's minute (a clock stepped back) holds nothing.
func TestThrottledHoldsTheSeller(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	connection := func() *refusal {
		b, err := ratelimit.Open(dir, "A00012345", "access-key", "https://api-gateway.coupang.com")
		require.NoError(t, err)
		return &refusal{note: b.Note, key: keyFingerprint("secret"), now: time.Now}
	}
	a, b := connection(), connection()
	held, err := b.allow(api.ListPath("A00012345"))
	require.NoError(t, err)
	assert.Zero(t, held, "no 429 yet")

	a.throttled(30 * time.Second)
	a.throttled(time.Second)
	held, err = b.allow(api.ListPath("A00012345"))
	require.NoError(t, err)
	assert.Greater(t, held, 29*time.Second, "the longer retry holds")
	assert.LessOrEqual(t, held, 30*time.Second)

	a.throttled(refusedFor + time.Minute)
	held, err = b.allow(api.ListPath("A00012345"))
	require.NoError(t, err)
	assert.Zero(t, held, "a hold beyond the minute is a clock stepped back")
	a.throttled(time.Second)
	held, err = b.allow(api.ListPath("A00012345"))
	require.NoError(t, err)
	assert.Positive(t, held, "the next 429 replaces a hold beyond the minute")
}

// allowErr is r's gate answer for a request of path, without the hold.
func allowErr(r *refusal, path string) error {
	_, err := r.allow(path)
	return err
}
