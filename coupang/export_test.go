package coupang

import "github.com/seller-sql/steampipe-plugin-coupang/coupang/api"

// SetClientTuning lets end-to-end tests shrink the client's retry backoffs; it returns a function
// restoring the previous tuning. Clients already cached by a connection keep theirs.
func SetClientTuning(f func(*api.Config)) (restore func()) {
	prev := clientTuning
	clientTuning = f
	return func() { clientTuning = prev }
}
