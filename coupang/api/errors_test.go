package api

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

var update = flag.Bool("update", false, "rewrite the generated section of docs/index.md")

// docsIndex is the user documentation page holding the errors table.
var docsIndex = filepath.Join("..", "..", "docs", "index.md")

const (
	docsErrorsHeading = "## Errors and what to do"
	docsBegin         = "<!-- BEGIN generated from coupang/api.ErrorClasses: go generate ./coupang/api -->"
	docsEnd           = "<!-- END generated -->"
)

// docsErrorsSection is the section's generated body, between the markers.
func docsErrorsSection() string {
	return docsBegin + "\n" + errorsTableMarkdown() + docsEnd + "\n"
}

// TestDocsErrorsTable checks that docs/index.md holds exactly the table generated from
// ErrorClasses; `go generate ./coupang/api` (or -update) rewrites it, appending the section at the
// end of the page when it is absent.
func TestDocsErrorsTable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(docsIndex)
	if err != nil && !(*update && os.IsNotExist(err)) {
		t.Fatalf("read %s: %v (run go generate ./coupang/api)", docsIndex, err)
	}
	page := string(raw)
	got, ok := between(page, docsBegin, docsEnd)
	want := docsErrorsSection()
	if *update {
		if err := os.WriteFile(docsIndex, []byte(replaceSection(page, ok, got, want)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !ok || !strings.Contains(page, docsErrorsHeading+"\n") {
		t.Fatalf("%s has no %q section with the generated table: run go generate ./coupang/api", docsIndex, docsErrorsHeading)
	}
	if got != want {
		t.Fatalf("%s's errors table is stale: run go generate ./coupang/api\nwant:\n%s\ngot:\n%s", docsIndex, want, got)
	}
}

// between returns page from the begin marker to the end of the line of the end marker.
func between(page, begin, end string) (string, bool) {
	i := strings.Index(page, begin)
	if i < 0 {
		return "", false
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		return "", false
	}
	k := i + j + len(end)
	if k < len(page) && page[k] == '\n' {
		k++
	}
	return page[i:k], true
}

// replaceSection swaps the old generated text for the new one, or appends the heading and the
// table at the end of the page.
func replaceSection(page string, found bool, old, section string) string {
	if found {
		return strings.Replace(page, old, section, 1)
	}
	if page != "" && !strings.HasSuffix(page, "\n") {
		page += "\n"
	}
	if page != "" {
		page += "\n"
	}
	return page + docsErrorsHeading + "\n\n" + section
}

// TestErrorClassesDriveHints checks that every class is reachable: a failure of its kind with its
// message (or an HTML page) gets its hint, and each kind has exactly one fallback class, last.
func TestErrorClassesDriveHints(t *testing.T) {
	t.Parallel()
	fallbacks := map[ErrorKind]int{}
	for i, c := range ErrorClasses {
		msg := "something else"
		if len(c.Match) > 0 {
			msg = "Coupang says: " + strings.ToUpper(c.Match[0])
		}
		if got := hintFor(c.Kind, msg, c.HTML && len(c.Match) == 0); got != c.Hint {
			t.Errorf("class %d (%s %s): hint %q, want %q", i, c.Status, c.Response, got, c.Hint)
		}
		if len(c.Match) == 0 && !c.HTML {
			fallbacks[c.Kind]++
			for _, later := range ErrorClasses[i+1:] {
				if later.Kind == c.Kind {
					t.Errorf("class %d is %s's fallback but is not its last class", i, c.Kind)
				}
			}
		}
	}
	for k := KindBadRequest; k <= KindDecode; k++ {
		if fallbacks[k] != 1 {
			t.Errorf("kind %s has %d fallback classes, want 1", k, fallbacks[k])
		}
	}
	if !strings.Contains(hintFor(KindForbidden, "", true), "probably blocked") {
		t.Error("an HTML 403 page must get the blocked hint")
	}
}

// errorsTableMarkdown renders ErrorClasses as the Markdown table of docs/index.md's "Errors and
// what to do" section.
func errorsTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| HTTP status | what came back | error says | retried | what to do |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, c := range ErrorClasses {
		retried := "no"
		if c.Kind.Retryable() {
			retried = fmt.Sprintf("yes, up to %d attempts", DefaultMaxAttempts)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(c.Status), cell(c.Response), cell(c.Kind.String()), retried, cell(c.Hint))
	}
	return b.String()
}

// cell escapes a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// TestErrorKindString: a kind outside the list, as KindOf returns for other errors, reads "error".
func TestErrorKindString(t *testing.T) {
	t.Parallel()
	for k, want := range map[ErrorKind]string{-1: "error", 0: "error", KindDecode: "unexpected response", KindDecode + 1: "error"} {
		assert.Equal(t, want, k.String(), "kind %d", int(k))
	}
}

// TestStatusErrorMessage: the message of a non-2xx answer is Coupang's, from whichever member holds
// a non-blank one, or where a redirect led; it is one line of bounded length, with a signature
// redacted before it is shortened, so that not even its start is shown.
func TestStatusErrorMessage(t *testing.T) {
	t.Parallel()
	sig := Signature("abc123", "700101T000000Z", "GET", "/path", "x=1")
	long := strings.Repeat("x", 290)
	for _, c := range []struct {
		name     string
		status   int
		location string
		body     string
		want     string // the message starts with it
		absent   string
	}{
		{"error member", 400, "", `{"error":"Invalid vendorItemId"}`, "Invalid vendorItemId", ""},
		{"blank message", 400, "", `{"message":" ","errorMessage":"Invalid vendorItemId"}`, "Invalid vendorItemId", ""},
		{"one line", 500, "", `{"message":"first\nsecond"}`, "first second", "\n"},
		{"signature at the limit", 500, "", `{"message":"` + long + ` ` + sig + `"}`, long + " [redact", sig[:8]},
		{"redirect", 302, "/blocked\n" + strings.Repeat("y", 200), "", `redirected to "/blocked yyy`, "\n"},
	} {
		e := statusError(c.status, c.location, []byte(c.body))
		assert.True(t, strings.HasPrefix(e.Message, c.want), "%s: %q", c.name, e.Message)
		assert.LessOrEqual(t, len([]rune(e.Message)), 301, c.name)
		if c.absent != "" {
			assert.NotContains(t, e.Message, c.absent, c.name)
		}
	}
}
