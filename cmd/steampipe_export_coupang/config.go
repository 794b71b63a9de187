package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/turbot/steampipe-plugin-sdk/v5/rate_limiter"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/time/rate"
)

// pluginName is the plugin a connection block must name to be used here.
const pluginName = "coupang"

// defaultConfigDir is where Steampipe keeps its .spc files.
func defaultConfigDir() string {
	if dir := os.Getenv("STEAMPIPE_INSTALL_DIR"); dir != "" {
		return filepath.Join(dir, "config")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".steampipe", "config")
	}
	return filepath.Join(home, ".steampipe", "config")
}

// normalizeConfigHCL lets --config put several attributes on one line, separated by spaces or
// commas, as people write them in a shell: HCL wants one attribute per line, so a newline is put
// before each attribute that does not start a line. The result is checked, and a syntax error
// is reported with its position.
func normalizeConfigHCL(src string) (string, error) {
	data := []byte(src)
	tokens, diags := hclsyntax.LexConfig(data, "--config", hcl.InitialPos)
	if diags.HasErrors() {
		return "", badConfig(diags, func(b int) int { return b })
	}
	var b strings.Builder
	// inserted lists the offsets (in the original) where a newline was added rather than replacing
	// a comma, so that an error in the result can point into what the user typed.
	var inserted []int
	last, depth := 0, 0
	for i, tok := range tokens {
		depth += bracketDepth(tok.Type)
		if depth != 0 {
			continue
		}
		start := tok.Range.Start.Byte
		switch {
		case tok.Type == hclsyntax.TokenComma:
			b.Write(data[last:start])
			b.WriteByte('\n')
			last = tok.Range.End.Byte
		case tok.Type == hclsyntax.TokenIdent && i > 0 && i+1 < len(tokens) &&
			tokens[i+1].Type == hclsyntax.TokenEqual && tokens[i-1].Type != hclsyntax.TokenNewline &&
			tokens[i-1].Type != hclsyntax.TokenComma:
			b.Write(data[last:start])
			b.WriteByte('\n')
			inserted = append(inserted, start)
			last = start
		}
	}
	b.Write(data[last:])
	out := b.String()
	if _, diags := hclsyntax.ParseConfig([]byte(out), "--config", hcl.InitialPos); diags.HasErrors() {
		return "", badConfig(diags, func(off int) int {
			n := 0
			for n < len(inserted) && inserted[n] < off-n {
				n++
			}
			return off - n
		})
	}
	return out, nil
}

// badConfig explains an HCL error in --config by its position in what was typed (character N);
// original maps a byte offset in the parsed text back to one in the flag's value. The flag's text
// itself is never quoted: it may hold the secret key.
func badConfig(diags hcl.Diagnostics, original func(int) int) error {
	d := diags[0]
	where := ""
	if d.Subject != nil {
		where = fmt.Sprintf(" at character %d", original(d.Subject.Start.Byte)+1)
	}
	return fmt.Errorf("bad --config%s: %s (%s); write HCL attributes like 'vendor_id = \"A00012345\" access_key = \"...\" secret_key = \"...\"'",
		where, d.Summary, strings.TrimSuffix(d.Detail, "."))
}

// bracketDepth is how much a token opens (+1) or closes (-1) a nested expression.
func bracketDepth(t hclsyntax.TokenType) int {
	switch t {
	case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
		hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
		return 1
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
		return -1
	}
	return 0
}

// steampipeConfig is what the export takes from Steampipe's configuration.
type steampipeConfig struct {
	// Connection is the connection's plugin arguments as HCL text ("" for the environment variables).
	Connection string
	// Limiters are the limiter blocks of the coupang plugin block, applied as Steampipe applies them.
	Limiters []inprocess.Limiter
}

// limiterOptions hands the limiter blocks to the in-process plugin server, which applies them
// through the SDK's SetRateLimiters exactly as Steampipe's plugin manager does: a limiter named
// like one of the plugin's own (coupang_api) replaces it, any other is added.
func (c steampipeConfig) limiterOptions() []inprocess.Option {
	opts := make([]inprocess.Option, len(c.Limiters))
	for i, l := range c.Limiters {
		opts[i] = inprocess.WithRateLimiter(l)
	}
	return opts
}

// spcFile is one parsed .spc file.
type spcFile struct {
	name string
	data []byte
	body *hclsyntax.Body
}

// readSpcFiles parses the .spc files of dir, in name order; a missing dir has none.
func readSpcFiles(dir string) ([]spcFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.spc"))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	sort.Strings(names)
	files := make([]spcFile, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		f, diags := hclsyntax.ParseConfig(data, name, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("parsing %s: %s", name, diags.Error())
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			return nil, fmt.Errorf("parsing %s: unexpected HCL body", name)
		}
		files = append(files, spcFile{name: name, data: data, body: body})
	}
	return files, nil
}

// readConfigDir reads connection "NAME" (none when name is "") and the coupang plugin's limiter
// blocks from the .spc files in dir.
func readConfigDir(dir, name string) (steampipeConfig, error) {
	files, err := readSpcFiles(dir)
	if err != nil {
		return steampipeConfig{}, err
	}
	var cfg steampipeConfig
	instance := pluginName
	if name != "" {
		if cfg.Connection, instance, err = connectionConfig(files, dir, name); err != nil {
			return cfg, err
		}
	}
	cfg.Limiters, err = limitersOf(files, instance)
	return cfg, err
}

// pluginLimiters returns the limiter blocks of the coupang plugin block in dir's .spc files.
func pluginLimiters(dir string) ([]inprocess.Limiter, error) {
	files, err := readSpcFiles(dir)
	if err != nil {
		return nil, err
	}
	return limitersOf(files, pluginName)
}

// connectionConfig returns the attributes of `connection "NAME"`, as HCL text to hand to the
// plugin, and the plugin it names.
func connectionConfig(files []spcFile, dir, name string) (config, plugin string, err error) {
	example := fmt.Sprintf("connection %q { plugin = \"local/coupang\" vendor_id = \"...\" access_key = \"...\" secret_key = \"...\" }", name)
	if len(files) == 0 {
		return "", "", fmt.Errorf("connection %q: no .spc files in %s: create %s with %s (config/coupang.spc is an example), pass --config-dir DIR, or pass the arguments with --config",
			name, dir, filepath.Join(dir, "coupang.spc"), example)
	}
	var found []string
	for _, f := range files {
		for _, block := range f.body.Blocks {
			if block.Type != "connection" || len(block.Labels) != 1 || block.Labels[0] != name {
				continue
			}
			if config, plugin, err = connectionAttributes(f.data, f.name, block); err != nil {
				return "", "", err
			}
			found = append(found, f.name)
		}
	}
	switch len(found) {
	case 0:
		return "", "", fmt.Errorf("connection %q not found in %s/*.spc: add %s, or pass --config", name, dir, example)
	case 1:
		return config, plugin, nil
	}
	return "", "", fmt.Errorf("connection %q is defined more than once: %s: keep one", name, strings.Join(found, ", "))
}

// limiterBlock is a `limiter "NAME" { ... }` block, with the attributes Steampipe reads.
type limiterBlock struct {
	Name           string   `hcl:"name,label"`
	BucketSize     *int64   `hcl:"bucket_size,optional"`
	FillRate       *float32 `hcl:"fill_rate,optional"`
	MaxConcurrency *int64   `hcl:"max_concurrency,optional"`
	Scope          []string `hcl:"scope,optional"`
	Where          *string  `hcl:"where,optional"`
}

// limitersOf returns the limiter blocks of `plugin "INSTANCE" { ... }` blocks: the block whose
// label is the connection's plugin, as Steampipe matches them, or a block for coupang (by label or
// source) when the connection names the plugin by its image ("local/coupang").
func limitersOf(files []spcFile, instance string) ([]inprocess.Limiter, error) {
	var out []inprocess.Limiter
	for _, f := range files {
		for _, block := range f.body.Blocks {
			if block.Type != "plugin" || len(block.Labels) != 1 || !pluginBlockFor(block, instance) {
				continue
			}
			for _, lb := range block.Body.Blocks {
				if lb.Type != "limiter" {
					continue
				}
				l, err := decodeLimiter(lb)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: limiter block: %w", f.name, lb.TypeRange.Start.Line, err)
				}
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// pluginBlockFor reports whether a plugin block configures the plugin a connection names.
func pluginBlockFor(block *hclsyntax.Block, instance string) bool {
	label := block.Labels[0]
	if label == instance {
		return true
	}
	source := staticString(block.Body.Attributes["source"])
	if source == "" {
		source = label
	}
	return pluginBaseName(instance) == pluginName && pluginBaseName(source) == pluginName
}

// decodeLimiter reads a limiter block and checks it with the SDK's own rules.
func decodeLimiter(block *hclsyntax.Block) (inprocess.Limiter, error) {
	var lb limiterBlock
	if diags := gohcl.DecodeBody(block.Body, nil, &lb); diags.HasErrors() {
		return inprocess.Limiter{}, errors.New(diags.Error())
	}
	lb.Name = block.Labels[0]
	l := inprocess.Limiter{Name: lb.Name, Scope: lb.Scope}
	if lb.FillRate != nil {
		l.FillRate = *lb.FillRate
	}
	if lb.BucketSize != nil {
		l.BucketSize = *lb.BucketSize
	}
	if lb.MaxConcurrency != nil {
		l.MaxConcurrency = *lb.MaxConcurrency
	}
	if lb.Where != nil {
		l.Where = *lb.Where
	}
	// The SDK checks the where clause when the limiters are set (inprocess.New reports it).
	def := rate_limiter.Definition{Name: l.Name, FillRate: rate.Limit(l.FillRate), BucketSize: l.BucketSize, MaxConcurrency: l.MaxConcurrency}
	if problems := def.Validate(); len(problems) > 0 {
		return l, fmt.Errorf("limiter %q: %s: set fill_rate and bucket_size (like fill_rate = 2, bucket_size = 2), or max_concurrency", l.Name, strings.Join(problems, "; "))
	}
	return l, nil
}

// Attributes of a connection block that belong to Steampipe, not to the plugin.
var steampipeAttributes = map[string]bool{"plugin": true, "type": true, "import_schema": true, "connections": true}

// connectionAttributes checks the block is a coupang connection and returns its plugin attributes as text.
func connectionAttributes(data []byte, file string, block *hclsyntax.Block) (config, plugin string, err error) {
	name := block.Labels[0]
	if err := checkConnectionPlugin(block, file); err != nil {
		return "", "", err
	}
	if kind := staticString(block.Body.Attributes["type"]); kind == "aggregator" {
		return "", "", fmt.Errorf("connection %q in %s is an aggregator: export one connection at a time (--connection with one of its connections)", name, file)
	}
	attrs := make([]*hclsyntax.Attribute, 0, len(block.Body.Attributes))
	for attrName, attr := range block.Body.Attributes {
		if !steampipeAttributes[attrName] {
			attrs = append(attrs, attr)
		}
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
	lines := make([]string, len(attrs))
	for i, attr := range attrs {
		lines[i] = string(attr.SrcRange.SliceBytes(data))
	}
	return strings.Join(lines, "\n"), staticString(block.Body.Attributes["plugin"]), nil
}

func checkConnectionPlugin(block *hclsyntax.Block, file string) error {
	name := block.Labels[0]
	attr, ok := block.Body.Attributes["plugin"]
	if !ok {
		return fmt.Errorf("connection %q in %s has no plugin attribute: add plugin = \"local/coupang\"", name, file)
	}
	plugin := staticString(attr)
	if pluginBaseName(plugin) != pluginName {
		return fmt.Errorf("connection %q in %s uses plugin %q, not coupang: pick a connection with plugin = \"local/coupang\"", name, file, plugin)
	}
	return nil
}

// pluginBaseName reduces "coupang", "local/coupang" or "hub.example/org/coupang@latest" to "coupang".
func pluginBaseName(ref string) string {
	ref = path.Base(ref)
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

// staticString evaluates an attribute that must be a literal string; "" otherwise.
func staticString(attr *hclsyntax.Attribute) string {
	if attr == nil {
		return ""
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !v.Type().Equals(cty.String) || v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}
