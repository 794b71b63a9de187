package ratelimit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// EnvDir names the environment variable that moves the shared directory (see DefaultDir).
const EnvDir = "COUPANG_RATE_LIMIT_DIR"

// DefaultDir is where the budgets live unless EnvDir says otherwise: one directory for every user, as
// one seller's processes often run as different users (postgres for the FDW, the user for Steampipe
// and exports), and os.TempDir and $XDG_RUNTIME_DIR differ per user on some systems.
func DefaultDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	return "/tmp/steampipe-coupang-ratelimit"
}

// lineLen is one record's length: a send time in Unix nanoseconds, zero-padded to 19 digits (good
// until the year 2262), and a newline. Fixed-length lines tell a torn write from a valid log.
const lineLen = 20

// Budget is one seller's shared budget. It is safe for concurrent use: every check opens and locks
// the state file anew, and flock(2) excludes the open files of one process as it excludes others.
type Budget struct {
	path   string
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	failed atomic.Pointer[error] // a failed record, returned by the next Reserve
	// turn lets one goroutine at a time check the file and sleep until its send: the others queue
	// here, rather than each reopen the file every window (thousands do, for an IN list of IDs),
	// and leave the queue as soon as their context ends, having booked nothing.
	turn chan struct{}
}

// FileName is the state file's name for a seller's keys at an API base URL: a hash, so that the
// directory listing shows neither the seller nor the key.
func FileName(vendorID, accessKey, baseURL string) string {
	sum := sha256.Sum256([]byte("coupang-rate-v1\x00" + vendorID + "\x00" + accessKey + "\x00" + baseURL))
	return hex.EncodeToString(sum[:16]) + ".log"
}

// Open returns the budget of a seller's keys at an API base URL, stored in dir ("" means
// DefaultDir()), creating the directory and the file as needed. The caller must not fall back to
// an unshared limit on error: the processes of one seller could exceed it together.
func Open(dir, vendorID, accessKey, baseURL string) (*Budget, error) {
	dir = cmp.Or(dir, DefaultDir())
	path := filepath.Join(dir, FileName(vendorID, accessKey, baseURL))
	if err := prepareDir(dir); err != nil {
		return nil, unusable(dir, err)
	}
	f, err := openFile(path)
	if err != nil {
		return nil, unusable(path, err)
	}
	f.Close()
	return &Budget{path: path, now: time.Now, sleep: api.Sleep, turn: make(chan struct{}, 1)}, nil
}

func unusable(path string, err error) error {
	return fmt.Errorf("coupang rate limit: cannot use the shared request budget at %s: %w: every process that calls Coupang with the same keys on this machine shares it, so it must be readable and writable by each of their users (the default directory is sticky and world-writable, like /tmp); fix its permissions, or set %s to a directory all of them can write", path, err, EnvDir)
}

// prepareDir creates dir sticky and world-writable, like /tmp, and refuses a symlink or a directory
// anyone may write without the sticky bit (anyone could then replace the files).
func prepareDir(dir string) error {
	if err := os.Mkdir(dir, 0o777); err == nil {
		if err := os.Chmod(dir, 0o777|fs.ModeSticky); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch {
	case !fi.IsDir():
		return errors.New("not a directory (a symlink is refused too)")
	case fi.Mode().Perm()&0o002 != 0 && fi.Mode()&fs.ModeSticky == 0:
		return errors.New("world-writable without the sticky bit")
	}
	return nil
}

// openFile opens the state file, creating it readable and writable by everyone (the directory
// decides who can reach it). It never follows a symlink, and opens an existing file without
// O_CREAT, which Linux's protected_regular refuses for another user's file in a sticky directory.
func openFile(path string) (*os.File, error) {
	for range 3 {
		f, err := os.OpenFile(path, os.O_RDWR|noFollow, 0)
		if errors.Is(err, fs.ErrNotExist) {
			f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow, 0o666)
			if errors.Is(err, fs.ErrExist) {
				continue // another process created it first
			}
			if err == nil {
				err = f.Chmod(0o666) // past the umask
			}
		}
		if err != nil {
			if f != nil {
				f.Close()
			}
			return nil, err
		}
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			f.Close()
			return nil, errors.New("not a regular file")
		}
		return f, nil
	}
	return nil, errors.New("created and removed repeatedly by other processes")
}

// Reserve waits for b's turn, then until the budget allows one more request under r (every process
// of the seller waits on its lock, or until ctx ends), and returns holding both; the caller calls sent
// once the request is written, which records that moment (true even if the process was descheduled
// since the permission) and releases both. It errs only when ctx ends or the file cannot be used.
func (b *Budget) Reserve(ctx context.Context, r Rate) (sent func(), err error) {
	if r.Unlimited() {
		return func() {}, nil
	}
	select {
	case b.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() {
		if err != nil {
			<-b.turn // nothing booked: the next goroutine's turn
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		wait, record, err := b.check(ctx, r)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("coupang rate limit: %s: %w", b.path, err)
		}
		if record != nil {
			return func() { record(); <-b.turn }, nil
		}
		if err := b.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// check locks the budget, unless ctx ends first, and applies r: it returns sent, which records the
// send and unlocks, or how long to wait, unlocked.
func (b *Budget) check(ctx context.Context, r Rate) (wait time.Duration, sent func(), err error) {
	if failed := b.failed.Swap(nil); failed != nil {
		return 0, nil, *failed
	}
	f, buf, err := openLocked(ctx, b.path, maxLog*lineLen) // a longer file is no log
	if err != nil {
		return 0, nil, err
	}
	now := b.now().UnixNano()
	log, ok := parse(buf)
	if !ok {
		// A file this code did not write (or a torn write): take the window as full as of now,
		// which costs one window's wait and never exceeds the budget.
		log = slices.Repeat([]int64{now}, r.Requests)
	}
	wait, read := admit(slices.Clone(log), now, r)
	if wait == 0 { // read ends with now: record appends the moment of the send instead
		return 0, func() { b.record(f, read[:len(read)-1], len(buf)) }, nil
	}
	defer f.Close() // unlocks
	if !ok || !slices.Equal(read, log) {
		// A foreign file, or send times after now (the clock stepped back), which admit read as now:
		// left in the file, they would make every later check wait another window.
		return wait, nil, write(f, read, len(buf))
	}
	return wait, nil, nil
}

// record adds a send at the current time to log, which admit left room for, writes it over the
// file's size bytes and unlocks. A write error is returned by the next Reserve: the request is sent.
func (b *Budget) record(f *os.File, log []int64, size int) {
	defer f.Close()
	log = append(log, b.now().UnixNano())
	slices.Sort(log)
	if err := write(f, log, size); err != nil {
		err = fmt.Errorf("recording a send: %w", err)
		b.failed.Store(&err)
	}
}

// openLocked opens path, takes its lock (or gives up when ctx ends) and reads it, at most max+1
// bytes (one more than a valid file holds). Closing f releases the lock. A directory removed since
// Open (by a /tmp cleaner, while the process sat idle) is made again.
func openLocked(ctx context.Context, path string, max int) (*os.File, []byte, error) {
	f, err := openFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err = prepareDir(filepath.Dir(path)); err == nil {
			f, err = openFile(path)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open: %w", err)
	}
	if err := lockContext(ctx, f); err != nil {
		return nil, nil, fmt.Errorf("lock: %w", err)
	}
	buf := make([]byte, max+1)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, nil, fmt.Errorf("read: %w", err)
	}
	return f, buf[:n], nil
}

// lockContext takes f's lock, waiting until its holder (another process or open file) releases it or
// ctx ends: a holder stopped with Ctrl-Z, or stuck on an unreachable gateway, must not keep a cancelled
// query waiting. f is closed on error; when ctx ends, once the abandoned wait returns (freeing its lock).
func lockContext(ctx context.Context, f *os.File) error {
	done, abandoned := make(chan error), make(chan struct{})
	go func() {
		err := lockFile(f)
		select {
		case done <- err:
		case <-abandoned:
			f.Close()
		}
	}()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
		}
		return err
	case <-ctx.Done():
		close(abandoned)
		return ctx.Err()
	}
}

// write replaces the file's content, size bytes, with log.
func write(f *os.File, log []int64, size int) error {
	buf := make([]byte, 0, len(log)*lineLen)
	for _, t := range log {
		buf = fmt.Appendf(buf, "%019d\n", t)
	}
	return replace(f, buf, size)
}

// replace writes content over the file's size bytes; a file keeps its length once it holds a
// window's sends, so it truncates only a file that was longer.
func replace(f *os.File, content []byte, size int) error {
	_, err := f.WriteAt(content, 0)
	if err == nil && len(content) < size {
		err = f.Truncate(int64(len(content)))
	}
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// maxNote bounds a seller's note: a longer file is read as no note.
const maxNote = 4096

// Note reads the seller's note (a ".note" file beside the ".log") under its lock and writes back what
// update returns: what one process of the seller learned that every other must respect. update gets an
// empty note for a missing or oversized file; returning nil leaves the file as it was.
func (b *Budget) Note(update func(note []byte) []byte) error {
	path := strings.TrimSuffix(b.path, ".log") + ".note"
	f, note, err := openLocked(context.Background(), path, maxNote)
	if err == nil {
		defer f.Close() // unlocks
		size := len(note)
		if size > maxNote {
			note = nil
		}
		if next := update(note); next != nil && !bytes.Equal(next, note) {
			err = replace(f, next, size)
		}
	}
	if err != nil {
		return fmt.Errorf("coupang rate limit: %s: %w", path, err)
	}
	return nil
}

// parse reads the log; ok is false when buf is not a log this package wrote.
func parse(buf []byte) (log []int64, ok bool) {
	for line := range bytes.Lines(buf) {
		if len(line) != lineLen || line[lineLen-1] != '\n' {
			return nil, false
		}
		t, err := strconv.ParseInt(string(line[:lineLen-1]), 10, 64)
		if err != nil || t < 0 {
			return nil, false
		}
		log = append(log, t)
	}
	return log, true
}
