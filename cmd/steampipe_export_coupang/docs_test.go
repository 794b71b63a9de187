package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// repoRoot is the repository root, seen from this package.
const repoRoot = "../.."

// sqlBlock is one fenced SQL example of the docs.
type sqlBlock struct {
	File string
	Line int
	Lang string // "postgres" or "sqlite"; plain ```sql blocks are Steampipe's Postgres
	SQL  string
}

func (b sqlBlock) String() string { return fmt.Sprintf("%s:%d (%s)", b.File, b.Line, b.Lang) }

// docFiles are the README and every Markdown file under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{filepath.Join(repoRoot, "README.md")}
	err := filepath.Walk(filepath.Join(repoRoot, "docs"), func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	require.NoError(t, err)
	sort.Strings(files[1:])
	return files
}

// extractSQL returns the fenced sql, sql+postgres and sql+sqlite blocks of a Markdown file.
func extractSQL(t *testing.T, path string) []sqlBlock {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rel, _ := filepath.Rel(repoRoot, path)
	var blocks []sqlBlock
	var cur *sqlBlock
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(fence, "```sql"):
			lang := "postgres"
			if strings.HasSuffix(fence, "+sqlite") {
				lang = "sqlite"
			}
			cur = &sqlBlock{File: rel, Line: n, Lang: lang}
		case cur != nil && fence == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.SQL += line + "\n"
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "%s: unclosed ```sql block", rel)
	return blocks
}

func allSQL(t *testing.T) []sqlBlock {
	var blocks []sqlBlock
	for _, f := range docFiles(t) {
		blocks = append(blocks, extractSQL(t, f)...)
	}
	require.NotEmpty(t, blocks)
	return blocks
}

// pluginSchema is the plugin's schema, from the in-process runner.
func pluginSchema(t *testing.T) map[string]*proto.TableSchema {
	t.Helper()
	r, err := inprocess.New(context.Background(), connectionName, "")
	require.NoError(t, err)
	return r.Schema()
}

// statement returns a block's single statement without its final semicolon.
func statement(t *testing.T, b sqlBlock) string {
	s := strings.TrimSpace(b.SQL)
	s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	require.NotContains(t, s, ";", "%s: one statement per block", b)
	return s
}

// tableRef finds what a from or join reads; a name followed by "(" is a table-valued function
// (json_each), not a table.
var tableRef = regexp.MustCompile(`(?i)\b(?:from|join)\s+([a-z_][a-z0-9_.]*)(\s*\()?`)

// cteName finds the names a block defines with `with NAME (...) as [materialized] (` (a recipe's own
// list, such as a seller's products, or a step of the query), which its from and join may read
// besides the plugin's tables.
var cteName = regexp.MustCompile(`(?i)(?:\bwith|,)\s*([a-z_][a-z0-9_]*)\s*(?:\([^()]*\))?\s*as\s*(?:not\s+)?(?:materialized\s*)?\(`)

// TestDocsSQLNamesRealTables needs no database: every table a docs query reads is one of the plugin's.
func TestDocsSQLNamesRealTables(t *testing.T) {
	t.Parallel()
	schema := pluginSchema(t)
	for _, b := range allSQL(t) {
		refs := tableRef.FindAllStringSubmatch(b.SQL, -1)
		assert.NotEmpty(t, refs, "%s: no table", b)
		local := map[string]bool{}
		for _, m := range cteName.FindAllStringSubmatch(b.SQL, -1) {
			local[strings.ToLower(m[1])] = true
		}
		plugin := 0
		for _, m := range refs {
			name := m[1][strings.LastIndex(m[1], ".")+1:]
			if local[strings.ToLower(m[1])] || m[2] != "" {
				continue
			}
			_, ok := schema[name]
			assert.True(t, ok, "%s: unknown table %s", b, m[1])
			plugin++
		}
		assert.Positive(t, plugin, "%s: reads no table of the plugin", b)
	}
}

// TestDocsTableExamples checks each table page has its examples in both dialects.
func TestDocsTableExamples(t *testing.T) {
	t.Parallel()
	schema := pluginSchema(t)
	minimum := map[string]int{"coupang_callcenter_inquiry": 6, "coupang_callcenter_inquiry_reply": 5,
		"coupang_product_inquiry": 5, "coupang_product_inquiry_comment": 3}
	for name := range schema {
		path := filepath.Join(repoRoot, "docs", "tables", name+".md")
		blocks := extractSQL(t, path)
		counts := map[string]int{}
		for _, b := range blocks {
			counts[b.Lang]++
		}
		text, err := os.ReadFile(path)
		require.NoError(t, err)
		// An example SQLite cannot answer (IDs above 2^31) says "Postgres only:" and why, instead of a wrong query.
		assert.Equal(t, counts["postgres"], counts["sqlite"]+strings.Count(string(text), "Postgres only:"),
			"%s: every example needs sql+postgres and sql+sqlite, or says Postgres only", path)
		assert.GreaterOrEqual(t, counts["postgres"], minimum[name], path)
		for _, want := range []string{"---\ntitle:", "\ndescription:", "## Table Usage Guide", "**Important Notes**", "## Examples"} {
			assert.Contains(t, string(text), want, path)
		}
	}
}

// TestDocsConfigExample checks README.md and docs/index.md show config/coupang.spc as it is.
func TestDocsConfigExample(t *testing.T) {
	t.Parallel()
	spc, err := os.ReadFile(filepath.Join(repoRoot, "config", "coupang.spc"))
	require.NoError(t, err)
	for _, doc := range []string{"README.md", "docs/index.md"} {
		text, err := os.ReadFile(filepath.Join(repoRoot, doc))
		require.NoError(t, err)
		assert.Contains(t, string(text), "```hcl\n"+string(spc)+"```", "%s must show config/coupang.spc unchanged", doc)
	}
}

// inquiryAtBound finds where the bound of an inquiry_at condition starts, as EXPLAIN VERBOSE writes
// it; functionCall matches a bound that is a call.
var (
	inquiryAtBound = regexp.MustCompile(`\.inquiry_at (=|<|<=|>|>=) `)
	functionCall   = regexp.MustCompile(`^[A-Za-z_]+\(`)
)

// fdwDrops reports whether a filter of EXPLAIN VERBOSE holds an inquiry_at condition that Turbot's
// FDW never passes to the plugin, which would then read only the default window (docs/index.md,
// "Conditions the plugin sees"): the column cast, or a bound whose outermost part is a function call,
// which Postgres writes as name(...) or, for timezone(), (x AT TIME ZONE y).
func fdwDrops(filter string) bool {
	if strings.Contains(filter, ".inquiry_at)::") {
		return true
	}
	for _, m := range inquiryAtBound.FindAllStringIndex(filter, -1) {
		bound, depth := filter[m[1]:], 0
		if functionCall.MatchString(bound) {
			return true
		}
		for i, r := range bound { // the first group's own text, nested groups left out
			if depth == 1 && strings.HasPrefix(bound[i:], " AT TIME ZONE ") {
				return true
			}
			if r == '(' {
				depth++
			} else if r == ')' {
				depth--
			}
			if depth == 0 {
				break
			}
		}
	}
	return false
}

// planNode is a node of EXPLAIN (VERBOSE, FORMAT JSON): its filters, what a join links its inputs
// by, and what it reads.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	Filter       string     `json:"Filter"`
	HashCond     string     `json:"Hash Cond"`
	MergeCond    string     `json:"Merge Cond"`
	JoinFilter   string     `json:"Join Filter"`
	Parent       string     `json:"Parent Relationship"` // Outer and Inner are a join's inputs; InitPlan a CTE's
	Plans        []planNode `json:"Plans"`
}

// passThrough are the nodes that hand a join their one input unchanged; a Subquery Scan is none: a
// plugin table inside a subquery gets its conditions from the subquery alone.
var passThrough = []string{"Hash", "Sort", "Incremental Sort", "Materialize", "Memoize"}

// planProblems lists what the FDW would get wrong in the plan below n: an inquiry_at bound it never
// passes to the plugin (fdwDrops), and a join that reads a plugin table directly and links it to
// its other input by more than one condition, of which Turbot's FDW makes Postgres check only one
// (docs/index.md, "Joins, ID lists and the latest N").
func planProblems(n planNode, plugin map[string]*proto.TableSchema) []string {
	var found []string
	for _, filter := range []string{n.Filter, n.JoinFilter} {
		if fdwDrops(filter) {
			found = append(found, "the FDW would not pass this inquiry_at bound to the plugin (add + interval '0 days' or write a constant): "+filter)
		}
	}
	if links := conjuncts(n.HashCond) + conjuncts(n.MergeCond) + conjuncts(n.JoinFilter); links > 1 {
		for _, child := range n.Plans {
			for slices.Contains(passThrough, child.NodeType) && len(child.Plans) == 1 {
				child = child.Plans[0]
			}
			if (child.Parent == "Outer" || child.Parent == "Inner") && plugin[child.RelationName] != nil {
				found = append(found, fmt.Sprintf("%s reads %s by %d conditions; through the FDW Postgres would check only one: "+
					"put the plugin table in a lateral subquery with offset 0, or join materialized CTEs", n.NodeType, child.RelationName, links))
			}
		}
	}
	for _, child := range n.Plans {
		found = append(found, planProblems(child, plugin)...)
	}
	return found
}

// conjuncts counts the conditions ANDed at the top of an EXPLAIN condition such as
// ((a = b) AND (c > d)); "" has none.
func conjuncts(cond string) int {
	if cond == "" {
		return 0
	}
	n, depth := 1, 0
	for i, r := range cond {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case depth == 1 && strings.HasPrefix(cond[i:], " AND "):
			n++
		}
	}
	return n
}

// TestDocsSQLPostgres EXPLAINs every Postgres example in a real PostgreSQL, against tables with the
// plugin's columns and types: each statement must parse and name only real tables, columns and
// functions, give every inquiry_at bound in a form the FDW passes on, and join a plugin table read
// directly by one condition only.
func TestDocsSQLPostgres(t *testing.T) {
	t.Parallel()
	pg := startPostgres(t)
	schema := pluginSchema(t)
	ddl := createTables(schema, postgresType)
	// The aggregator connection of docs/index.md ("Multiple Connections") has the same tables.
	pg.exec(t, ddl+"CREATE SCHEMA coupang_all;\n"+strings.ReplaceAll(ddl, "CREATE TABLE ", "CREATE TABLE coupang_all."))
	for _, b := range allSQL(t) {
		if b.Lang != "postgres" {
			continue
		}
		out, err := pg.run("\\pset format unaligned\n\\pset tuples_only on\nEXPLAIN (VERBOSE, FORMAT JSON) " + statement(t, b))
		var plans []struct{ Plan planNode }
		if err == nil {
			err = json.Unmarshal([]byte(out), &plans)
		}
		if err != nil {
			t.Errorf("%s: %v\n%s\n%s", b, err, out, b.SQL)
			continue
		}
		for _, problem := range planProblems(plans[0].Plan, schema) {
			t.Errorf("%s: %s", b, problem)
		}
	}
}

// TestDocsSQLSQLite prepares every SQLite example in sqlite3 against the same tables.
func TestDocsSQLSQLite(t *testing.T) {
	t.Parallel()
	sqlite := findTool(t, "sqlite3")
	ddl := createTables(pluginSchema(t), sqliteType)
	for _, b := range allSQL(t) {
		if b.Lang != "sqlite" {
			continue
		}
		cmd := exec.Command(sqlite, "-bail", ":memory:")
		cmd.Stdin = strings.NewReader(ddl + "EXPLAIN QUERY PLAN " + statement(t, b) + ";\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s\n%s", b, err, out, b.SQL)
		}
	}
}

// createTables is the DDL of the plugin's tables, columns in schema order.
func createTables(schema map[string]*proto.TableSchema, typeOf func(proto.ColumnType) string) string {
	names := make([]string, 0, len(schema))
	for name := range schema {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		cols := make([]string, 0, len(schema[name].Columns))
		for _, c := range schema[name].Columns {
			cols = append(cols, c.Name+" "+typeOf(c.Type))
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (%s);\n", name, strings.Join(cols, ", "))
	}
	return b.String()
}

func postgresType(ct proto.ColumnType) string { return typeName[ct] }

// sqliteType follows Steampipe's SQLite extension: JSON and timestamps as text.
func sqliteType(ct proto.ColumnType) string {
	switch ct {
	case proto.ColumnType_INT, proto.ColumnType_BOOL:
		return "INTEGER"
	}
	return "TEXT"
}

// findTool finds a command on PATH or in Debian's PostgreSQL folders. Missing, it fails the test
// under CI (CI=true, where .ci/run installs it) and skips it elsewhere.
func findTool(t *testing.T, name string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		sort.Strings(matches)
		return matches[len(matches)-1]
	}
	msg := fmt.Sprintf("%s not found: install it (Debian: apt-get install -y postgresql sqlite3) to check the docs' SQL", name)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI requires it")
	}
	t.Skip(msg)
	return ""
}

// postgres is a throwaway PostgreSQL server on a Unix socket in a temporary folder.
type postgres struct {
	dir, psql string
	asUser    []string // runuser prefix when running as root
}

// startPostgres initialises and starts a server for one test and stops it at the end. As root it
// runs the server as the postgres user (PostgreSQL refuses to run as root).
func startPostgres(t *testing.T) *postgres {
	t.Helper()
	pgctl := findTool(t, "pg_ctl")
	pg := &postgres{psql: findTool(t, "psql")}
	dir, err := os.MkdirTemp("", "docs-pg-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	pg.dir = dir
	if os.Geteuid() == 0 {
		pg.asUser = runAsPostgres(t, dir)
	}
	serve(t, pg.command("sh", "-c", pgGuard, pgctl, dir, fmt.Sprintf("-k %s -c listen_addresses='' -p 5432 -c fsync=off", dir)))
	return pg
}

// pgGuard initialises and starts the server ("$0" is pg_ctl, "$1" the folder, "$2" the server's
// options), says "started", and when its standard input ends stops the server and removes the
// folder. Only the test process holds that input open and the kernel closes it on any exit, so this
// happens even when the test binary dies without running its cleanups (go test's timeout, a kill),
// where pg_ctl alone would leave the server running, detached. The guard ignores the terminal's
// interrupt, which reaches the whole process group, and the broken pipe of a test that has died.
const pgGuard = `trap '' INT TERM HUP PIPE
"$0" initdb -s -D "$1/data" -o "-U postgres -A trust --no-sync -E UTF8" || exit 1
"$0" -D "$1/data" -l "$1/log" -w -o "$2" start >/dev/null || { cat "$1/log" >&2; exit 1; }
echo started
cat >/dev/null
"$0" -D "$1/data" -m immediate stop >/dev/null
rm -rf "$1"`

// serve runs guard, waits until it says "started" and ends its input when the test ends.
func serve(t *testing.T, guard *exec.Cmd) {
	t.Helper()
	held, err := guard.StdinPipe()
	require.NoError(t, err)
	said, err := guard.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	guard.Stderr = &stderr
	require.NoError(t, guard.Start())
	stop := func() {
		held.Close()
		_ = guard.Wait()
	}
	if line, _ := bufio.NewReader(said).ReadString('\n'); line != "started\n" {
		stop()
		t.Fatalf("PostgreSQL did not start: %s", stderr.String())
	}
	t.Cleanup(stop)
}

// runAsPostgres hands dir to the postgres user and returns the command prefix to act as it.
func runAsPostgres(t *testing.T, dir string) []string {
	u, err := user.Lookup("postgres")
	if err != nil {
		findToolMissing(t, "a postgres user (created by the Debian postgresql package)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	require.NoError(t, os.Chown(dir, uid, gid))
	runuser := findTool(t, "runuser")
	return []string{runuser, "-u", "postgres", "--"}
}

func findToolMissing(t *testing.T, what string) {
	msg := what + " is needed to check the docs' SQL as root"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func (pg *postgres) command(name string, args ...string) *exec.Cmd {
	full := append(append(append([]string(nil), pg.asUser...), name), args...)
	cmd := exec.Command(full[0], full[1:]...)
	cmd.Dir = pg.dir
	return cmd
}

// run runs one SQL statement and returns psql's output.
func (pg *postgres) run(sql string) (string, error) {
	cmd := pg.command(pg.psql, "-X", "-q", "-h", pg.dir, "-p", "5432", "-U", "postgres", "-d", "postgres",
		"-v", "ON_ERROR_STOP=1", "-f", "-")
	cmd.Stdin = strings.NewReader(sql + ";\n")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (pg *postgres) exec(t *testing.T, sql string) {
	t.Helper()
	out, err := pg.run(strings.TrimSuffix(strings.TrimSpace(sql), ";"))
	require.NoError(t, err, out)
}
