package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRefusalStopsLaterExports: each export is a process of its own, and a cron job or a dashboard
// starts many of them. After Coupang refused one (here a wrong secret key: 401), the seller's next
// exports on the machine send nothing for a minute and fail naming the refusal, where each sent
// one more error before; an export with the corrected key sends at once.
func TestRefusalStopsLaterExports(t *testing.T) {
	t.Parallel()
	s, _, config := startSandboxWith(t, smallDataSet)
	wrong := strings.Replace(config, s.SecretKey(), "wrong-secret-key-0000", 1)
	export := func(config string) (code int, stderr string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at between '2026-01-14' and '2026-01-15 23:59:59'")
		cmd.Env = append(os.Environ(), asCommandEnv+"=1")
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		err := cmd.Run()
		if exit, ok := errors.AsType[*exec.ExitError](err); ok {
			return exit.ExitCode(), errOut.String()
		}
		require.NoError(t, err)
		return 0, errOut.String()
	}
	code, stderr := export(wrong)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "Invalid signature.")
	require.EqualValues(t, 1, s.Requests(), "the first export asks once")
	for range 3 {
		code, stderr := export(wrong)
		require.Equal(t, 1, code, stderr)
		assert.Contains(t, stderr, "not sent: Coupang refused a request of this seller from this machine")
		assert.Contains(t, stderr, "Invalid signature.", "the refusal's own message")
	}
	assert.EqualValues(t, 1, s.Requests(), "the later exports send nothing")

	code, stderr = export(config)
	require.Equal(t, 0, code, stderr)
	assert.Greater(t, s.Requests(), int64(1), "the corrected key sends at once")
}
