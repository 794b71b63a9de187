package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
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
		return "", badConfig(diags)
	}
	var b strings.Builder
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
			last = start
		}
	}
	b.Write(data[last:])
	out := b.String()
	if _, diags := hclsyntax.ParseConfig([]byte(out), "--config", hcl.InitialPos); diags.HasErrors() {
		return "", badConfig(diags)
	}
	return out, nil
}

func badConfig(diags hcl.Diagnostics) error {
	return fmt.Errorf("bad --config: %s; write HCL attributes like 'vendor_id = \"A00012345\" access_key = \"...\" secret_key = \"...\"'", diags.Error())
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

// connectionConfig returns the attributes of `connection "NAME"` from the .spc files in dir,
// as HCL text to hand to the plugin.
func connectionConfig(dir, name string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.spc"))
	if err != nil {
		return "", fmt.Errorf("listing %s: %w", dir, err)
	}
	if len(files) == 0 {
		return "", fmt.Errorf("connection %q: no .spc files in %s; run `make install` or pass --config-dir", name, dir)
	}
	sort.Strings(files)
	var found []string
	var config string
	for _, file := range files {
		src, ok, err := connectionInFile(file, name)
		if err != nil {
			return "", err
		}
		if ok {
			found = append(found, file)
			config = src
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("connection %q not found in %s/*.spc: add a `connection %q { plugin = \"coupang\" ... }` block, or pass --config", name, dir, name)
	case 1:
		return config, nil
	}
	return "", fmt.Errorf("connection %q is defined more than once: %s", name, strings.Join(found, ", "))
}

// connectionInFile looks for the connection block in one file.
func connectionInFile(file, name string) (config string, ok bool, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", file, err)
	}
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	if diags.HasErrors() {
		return "", false, fmt.Errorf("parsing %s: %s", file, diags.Error())
	}
	body, isSyntax := f.Body.(*hclsyntax.Body)
	if !isSyntax {
		return "", false, fmt.Errorf("parsing %s: unexpected HCL body", file)
	}
	for _, block := range body.Blocks {
		if block.Type != "connection" || len(block.Labels) != 1 || block.Labels[0] != name {
			continue
		}
		config, err := connectionAttributes(data, file, block)
		return config, err == nil, err
	}
	return "", false, nil
}

// Attributes of a connection block that belong to Steampipe, not to the plugin.
var steampipeAttributes = map[string]bool{"plugin": true, "type": true, "import_schema": true, "connections": true}

// connectionAttributes checks the block is a coupang connection and returns its plugin attributes as text.
func connectionAttributes(data []byte, file string, block *hclsyntax.Block) (string, error) {
	name := block.Labels[0]
	if err := checkConnectionPlugin(block, file); err != nil {
		return "", err
	}
	if kind := staticString(block.Body.Attributes["type"]); kind == "aggregator" {
		return "", fmt.Errorf("connection %q in %s is an aggregator: export one connection at a time (--connection with one of its connections)", name, file)
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
	return strings.Join(lines, "\n"), nil
}

func checkConnectionPlugin(block *hclsyntax.Block, file string) error {
	name := block.Labels[0]
	attr, ok := block.Body.Attributes["plugin"]
	if !ok {
		return fmt.Errorf("connection %q in %s has no plugin attribute: add plugin = \"coupang\"", name, file)
	}
	plugin := staticString(attr)
	if pluginBaseName(plugin) != pluginName {
		return fmt.Errorf("connection %q in %s uses plugin %q, not coupang", name, file, plugin)
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
