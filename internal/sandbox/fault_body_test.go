package sandbox_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// TestFaultBody checks that a KindBody fault answers exactly the given status, type and bytes, even
// bytes that are not UTF-8, and is logged as a fault.
func TestFaultBody(t *testing.T) {
	t.Parallel()
	s, base := startServer(t, sandbox.Options{Days: -1})
	body := []byte("{\"code\":\"200\",\"x\":\"\xff\xfe\"}")
	s.SetFault(func(int64, *http.Request) *sandbox.Fault {
		return sandbox.FaultBody(http.StatusTeapot, body)
	})
	resp, err := http.Get(base + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTeapot || string(got) != string(body) || resp.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), got)
	}
	s.SetFault(func(int64, *http.Request) *sandbox.Fault {
		return &sandbox.Fault{Kind: sandbox.KindBody, Status: 200, Body: []byte("<html>"), ContentType: "text/html"}
	})
	resp2, err := http.Get(base + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.Header.Get("Content-Type") != "text/html" {
		t.Fatalf("content type %q", resp2.Header.Get("Content-Type"))
	}
	log := s.Log()
	if len(log) != 2 || log[0].Fault != "body" || log[0].Status != http.StatusTeapot {
		t.Fatalf("log %+v", log)
	}
}
