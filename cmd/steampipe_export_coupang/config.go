package main

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/rate_limiter"
	"golang.org/x/time/rate"
)

// pluginName is the plugin a connection block must name.
const pluginName = "coupang"

// rewrittenRange is where an HCL detail points into the rewritten --config (" at --config:2,1-11"),
// which is not what was typed; nextAttribute matches the start of an attribute, `name =`. HCL's
// details quote the text they concern (`The symbol "q" is not a valid escape sequence selector`),
// which may be part of a key: api.Unquoted takes it out.
var (
	rewrittenRange = regexp.MustCompile(` at --config:[0-9,-]+`)
	nextAttribute  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*[ \t]*=($|[^=])`)
)

// defaultConfigDir is where Steampipe keeps its .spc files.
func defaultConfigDir() string {
	if dir := os.Getenv("STEAMPIPE_INSTALL_DIR"); dir != "" {
		return filepath.Join(dir, "config")
	}
	home, _ := os.UserHomeDir() // without a home, .steampipe/config in the working directory
	return filepath.Join(home, ".steampipe", "config")
}

// normalizeConfigHCL lets --config put several attributes on one line, separated by spaces or
// commas, as people write them in a shell, where HCL wants one per line: where HCL stops at a comma
// or at the next `name =`, a line break is put there (a line break before it already means an
// attribute given twice). Any other error names its position in what was typed.
func normalizeConfigHCL(src string) (string, error) {
	var inserted []int // offsets of the added line breaks, in order
	for {
		_, diags := hclsyntax.ParseConfig([]byte(src), "--config", hcl.InitialPos)
		if !diags.HasErrors() {
			return src, nil
		}
		d, at := diags[0], -1
		if d.Subject != nil {
			at = d.Subject.Start.Byte
		}
		switch {
		case at >= 0 && strings.HasPrefix(src[at:], ","):
			src = src[:at] + "\n" + src[at+1:]
		case at > 0 && src[at-1] != '\n' && nextAttribute.MatchString(src[at:]):
			src = src[:at] + "\n" + src[at:]
			inserted = append(inserted, at)
		default:
			// The error names its position in what was typed, never the text: it may hold the secret key.
			where := ""
			if at >= 0 {
				where = fmt.Sprintf(" at character %d", at-sort.SearchInts(inserted, at)+1)
			}
			return "", fmt.Errorf("bad --config%s: %s (%s); write HCL attributes like 'vendor_id = \"A00012345\" access_key = \"...\" secret_key = \"...\"'",
				where, d.Summary, strings.TrimSuffix(api.Unquoted(rewrittenRange.ReplaceAllString(d.Detail, "")), "."))
		}
	}
}

// steampipeConfig is what the export takes from Steampipe's configuration.
type steampipeConfig struct {
	Connection string              // the plugin's arguments as HCL text ("" for the environment variables)
	Limiters   []inprocess.Limiter // of the coupang plugin block
}

// resolveConfig returns the connection config (--config, --connection, or none: COUPANG_* variables)
// and the limiter blocks of the config directory, which apply whichever way the connection is given.
func resolveConfig(opts options) (steampipeConfig, error) {
	conn, err := normalizeConfigHCL(opts.Config) // "" without --config, which excludes --connection
	if err != nil {
		return steampipeConfig{}, err
	}
	cfg, err := readConfigDir(cmp.Or(opts.ConfigDir, defaultConfigDir()), opts.Connection)
	cfg.Connection = cmp.Or(conn, cfg.Connection)
	return cfg, err
}

// readConfigDir reads connection "NAME" (none when name is "") and the coupang plugin's limiter
// blocks from the .spc files in dir, in name order; a missing dir has none.
func readConfigDir(dir, name string) (steampipeConfig, error) {
	// Not filepath.Glob(dir + "/*.spc"), which reads *, ? and [ in dir's own name as a pattern (a
	// folder "shop [A]" had no files). As Glob, a directory that cannot be read has none.
	entries, _ := os.ReadDir(dir)
	var blocks hclsyntax.Blocks // the top-level blocks of every file, in name order (ReadDir's)
	parser := hclparse.NewParser()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".spc") {
			continue
		}
		file := filepath.Join(dir, e.Name())
		f, diags := parser.ParseHCLFile(file)
		if diags.HasErrors() {
			return steampipeConfig{}, fmt.Errorf("parsing %s: %s", file, api.Unquoted(diags.Error()))
		}
		blocks = append(blocks, f.Body.(*hclsyntax.Body).Blocks...)
	}
	var cfg steampipeConfig
	var err error
	instance, byReference := pluginName, false
	if name != "" {
		if cfg.Connection, instance, byReference, err = connectionConfig(blocks, parser.Files(), dir, name); err != nil {
			return cfg, err
		}
	}
	cfg.Limiters, err = limitersOf(blocks, instance, byReference)
	return cfg, err
}

// connectionConfig returns the attributes of `connection "NAME"`, as HCL text to hand to the
// plugin (without those that belong to Steampipe, not to the plugin), and the plugin it names;
// byReference reports plugin = plugin.NAME, where plugin is NAME, the label of that plugin block.
func connectionConfig(blocks hclsyntax.Blocks, files map[string]*hcl.File, dir, name string) (config, plugin string, byReference bool, err error) {
	example := fmt.Sprintf("connection %q { plugin = \"local/coupang\" vendor_id = \"...\" access_key = \"...\" secret_key = \"...\" }", name)
	if len(files) == 0 {
		return "", "", false, fmt.Errorf("connection %q: no .spc files in %s: create %s with %s (config/coupang.spc is an example), pass --config-dir DIR, or pass the arguments with --config",
			name, dir, filepath.Join(dir, "coupang.spc"), example)
	}
	var found []string
	for _, block := range blocks {
		if block.Type != "connection" || len(block.Labels) != 1 || block.Labels[0] != name {
			continue
		}
		file, attrs := block.DefRange().Filename, block.Body.Attributes
		found = append(found, file)
		plugin = staticString(attrs["plugin"])
		source, via := plugin, ""
		if attrs["plugin"] != nil && plugin == "" {
			// plugin = plugin.NAME names the plugin block labelled NAME, as Steampipe reads it: its
			// source (default NAME) is the plugin, and NAME is the instance whose limiters apply.
			ref, ok := pluginReference(attrs["plugin"].Expr)
			if !ok {
				return "", "", false, fmt.Errorf("connection %q in %s: plugin is neither a quoted plugin name (\"local/coupang\") nor a reference to a plugin block (plugin.NAME): write plugin = \"local/coupang\"", name, file)
			}
			i := slices.IndexFunc(blocks, func(b *hclsyntax.Block) bool {
				return b.Type == "plugin" && len(b.Labels) == 1 && b.Labels[0] == ref
			})
			if i < 0 {
				return "", "", false, fmt.Errorf("connection %q in %s has plugin = plugin.%s, but no .spc file in %s has a plugin %q block: add plugin %q { source = \"local/coupang\" }, or write plugin = \"local/coupang\"", name, file, ref, dir, ref, ref)
			}
			plugin, source, via = ref, cmp.Or(staticString(blocks[i].Body.Attributes["source"]), ref), fmt.Sprintf(" (plugin block %q)", ref)
			byReference = true
		}
		switch {
		case attrs["plugin"] == nil:
			return "", "", false, fmt.Errorf("connection %q in %s has no plugin attribute: add plugin = \"local/coupang\"", name, file)
		case pluginBaseName(source) != pluginName:
			return "", "", false, fmt.Errorf("connection %q in %s uses plugin %q%s, not coupang: pick a connection with plugin = \"local/coupang\"", name, file, source, via)
		case staticString(attrs["type"]) == "aggregator":
			return "", "", false, fmt.Errorf("connection %q in %s is an aggregator: export one connection at a time (--connection with one of its connections)", name, file)
		}
		var lines []string
		for _, attr := range slices.SortedFunc(maps.Values(attrs), func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte }) {
			if !slices.Contains([]string{"plugin", "type", "import_schema", "connections"}, attr.Name) { // those are Steampipe's
				lines = append(lines, string(attr.SrcRange.SliceBytes(files[file].Bytes)))
			}
		}
		config = strings.Join(lines, "\n")
	}
	switch len(found) {
	case 0:
		return "", "", false, fmt.Errorf("connection %q not found in %s/*.spc: add %s, or pass --config", name, dir, example)
	case 1:
		return config, plugin, byReference, nil
	}
	return "", "", false, fmt.Errorf("connection %q is defined more than once: %s: keep one", name, strings.Join(found, ", "))
}

// pluginReference returns NAME when expr is the traversal plugin.NAME.
func pluginReference(expr hclsyntax.Expression) (string, bool) {
	t, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != "plugin" {
		return "", false
	}
	attr, ok := t.Traversal[1].(hcl.TraverseAttr)
	return attr.Name, ok
}

// limitersOf returns the limiter blocks of `plugin "INSTANCE" { ... }` and, unless only (a connection
// that names its plugin block, whose limiters alone Steampipe applies), of any plugin block for
// coupang (by label or source): INSTANCE is always coupang's, as connectionConfig accepts no other.
func limitersOf(blocks hclsyntax.Blocks, instance string, only bool) ([]inprocess.Limiter, error) {
	var out []inprocess.Limiter
	for _, block := range blocks {
		if block.Type != "plugin" || len(block.Labels) != 1 {
			continue
		}
		source := cmp.Or(staticString(block.Body.Attributes["source"]), block.Labels[0])
		if block.Labels[0] != instance && (only || pluginBaseName(source) != pluginName) {
			continue
		}
		for _, lb := range block.Body.Blocks {
			if lb.Type != "limiter" {
				continue
			}
			l, err := decodeLimiter(lb)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: limiter block: %w", lb.TypeRange.Filename, lb.TypeRange.Start.Line, err)
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// decodeLimiter reads a limiter block and checks it with the SDK's rules (its where clause is checked
// when inprocess.New sets the limiters).
func decodeLimiter(lb *hclsyntax.Block) (inprocess.Limiter, error) {
	if len(lb.Labels) != 1 {
		return inprocess.Limiter{}, errors.New(`name it: limiter "NAME" { ... }`)
	}
	l := inprocess.Limiter{Name: lb.Labels[0]}
	if diags := gohcl.DecodeBody(lb.Body, nil, &l); diags.HasErrors() {
		return inprocess.Limiter{}, diags
	}
	def := rate_limiter.Definition{Name: l.Name, FillRate: rate.Limit(l.FillRate), BucketSize: l.BucketSize, MaxConcurrency: l.MaxConcurrency}
	if problems := def.Validate(); len(problems) > 0 {
		return inprocess.Limiter{}, fmt.Errorf("limiter %q: %s: set fill_rate and bucket_size (like fill_rate = 2, bucket_size = 2), or max_concurrency", l.Name, strings.Join(problems, "; "))
	}
	// A negative value stalls every query for good, where Steampipe reads it as no limit.
	if l.FillRate < 0 || l.BucketSize < 0 || l.MaxConcurrency < 0 {
		return inprocess.Limiter{}, fmt.Errorf("limiter %q: fill_rate, bucket_size and max_concurrency must not be negative", l.Name)
	}
	// coupang_api also sizes the seller's budget shared by every process on the machine, which must
	// stay a rate Coupang accepts: without fill_rate (max_concurrency alone) it would be no limit.
	if l.Name == coupang.RateLimiterName && !(l.FillRate > 0 && l.FillRate <= coupang.MaxRateLimit && l.BucketSize >= 1) {
		return inprocess.Limiter{}, fmt.Errorf("limiter %q: it sets the seller's requests per second: give fill_rate above 0 and at most %d (Coupang's limit) and bucket_size 1 or more, like fill_rate = 2, bucket_size = 1; to cap concurrent requests, add a limiter of another name with max_concurrency",
			l.Name, coupang.MaxRateLimit)
	}
	return l, nil
}

// pluginBaseName reduces "coupang", "local/coupang" or "hub.example/org/coupang@latest" to "coupang".
func pluginBaseName(ref string) string {
	base, _, _ := strings.Cut(path.Base(ref), "@")
	return base
}

// staticString is the value of an attribute that must be a literal string; "" otherwise.
func staticString(attr *hclsyntax.Attribute) (s string) {
	if attr != nil {
		_ = gohcl.DecodeExpression(attr.Expr, nil, &s) // s stays "" on error
	}
	return s
}
