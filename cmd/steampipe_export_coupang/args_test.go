package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want options
	}{
		{[]string{"t"}, options{Table: "t", Limit: -1, Output: "csv"}},
		{[]string{"--where", "a = 1", "T", "--where=b = 2", "--limit", "5", "--output=JSON"},
			options{Table: "t", Where: []string{"a = 1", "b = 2"}, Limit: 5, Output: "json"}},
		{[]string{"t", "--select", "a, B", "-select=c", "--limit=0", "-output", "jsonl"},
			options{Table: "t", Select: []string{"a", "b", "c"}, Limit: 0, Output: "jsonl"}},
		{[]string{"t", "--config", `vendor_id = "A1"`}, options{Table: "t", Limit: -1, Output: "csv", Config: `vendor_id = "A1"`}},
		{[]string{"t", "--connection", "c", "--config-dir", "/x", "--verbose"},
			options{Table: "t", Limit: -1, Output: "csv", Connection: "c", ConfigDir: "/x", Verbose: true}},
		{[]string{"--help"}, options{Limit: -1, Output: "csv", Help: true}},
		{[]string{"-h", "t"}, options{Table: "t", Limit: -1, Output: "csv", Help: true}},
		{[]string{"--", "t"}, options{Table: "t", Limit: -1, Output: "csv"}},
	}
	for _, tt := range tests {
		got, err := parseArgs(tt.args)
		require.NoError(t, err, tt.args)
		assert.Equal(t, tt.want, got, tt.args)
	}
}

func TestParseArgsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "missing TABLE"},
		{[]string{"a", "b"}, "one TABLE only, got a b"},
		{[]string{"--", "t", "--limit", "1"}, "one TABLE only, got t --limit 1"}, // no flags after --
		{[]string{"t", "--limit", "-1"}, `bad --limit "-1"`},
		{[]string{"t", "--limit", "x"}, `bad --limit "x"`},
		{[]string{"t", "--limit"}, "flag --limit needs a value"},
		{[]string{"t", "--limit", "abc", "--limit", "3"}, `bad --limit "abc"`},
		{[]string{"t", "--limit", "3", "--limit", "-2"}, `bad --limit "-2"`},
		{[]string{"t", "--bom=yes"}, "--bom takes no value (or =true/=false)"},
		{[]string{"t", "--verbose=yes"}, "--verbose takes no value (or =true/=false)"},
		{[]string{"t", "---where", "a = 1"}, `unknown flag "---where" (see --help)`},
		{[]string{"--config", "--", "t", "--verbose"}, `flag --config needs a value, got "--"`},
		{[]string{"t", "--output", "--", "u"}, `flag --output needs a value, got "--"`},
		{[]string{"t", "--output", "xml"}, `unknown --output "xml": use csv, json, jsonl or xlsx`},
		{[]string{"t", "--output", "xlsx", "--bom"}, "--bom is for --output csv only"},
		{[]string{"t", "--output=JSON", "--bom=true"}, "--bom is for --output csv only"},
		{[]string{"t", "--bogus"}, `unknown flag "--bogus"`},
		{[]string{"t", "--config", "x", "--connection", "c"}, "either --config or --connection"},
		{[]string{"t", "--config", "", "--connection", "c"}, "flag --config is empty: give it a value, or leave it out (without --config, the COUPANG_* variables are used)"},
		{[]string{"t", "--config= "}, "flag --config is empty: give it a value, or leave it out (without --config, the COUPANG_* variables are used)"},
		{[]string{"t", "--config-dir", "/x"}, "--config-dir needs --connection"},
		// A second --config replaced the first whole: its arguments fell back to the COUPANG_* variables,
		// maybe another seller's (--where flags add up; these do not).
		{[]string{"t", "--config", `vendor_id = "A1"`, "--config", `default_lookback_days = 1`}, "flag --config is given twice: write every argument in one --config"},
		{[]string{"t", "--connection", "a", "--connection", "b"}, "flag --connection is given twice: name one connection"},
		// An empty name, as an unset shell variable gives, never selects every column or drops one.
		{[]string{"t", "--select", ","}, `bad --select ",": a column name is empty`},
		{[]string{"t", "--select", ""}, `bad --select "": a column name is empty`},
		{[]string{"t", "--select", " "}, `bad --select " ": a column name is empty`},
		{[]string{"t", "--select", "a,,b"}, `bad --select "a,,b": a column name is empty`},
		{[]string{"t", "--select", "a,b,"}, `bad --select "a,b,": a column name is empty`},
		{[]string{"t", "--select", "a,A"}, `bad --select "a,A": column a is selected twice`},
		{[]string{"t", "--select", "a", "--select", "b, a"}, `bad --select "b, a": column a is selected twice`},
		// An empty --connection would fall back to the COUPANG_* variables, an empty --config-dir to the default.
		{[]string{"t", "--connection", ""}, "flag --connection is empty"},
		{[]string{"t", "--connection="}, "flag --connection is empty"},
		{[]string{"t", "--connection", " "}, "flag --connection is empty"},
		{[]string{"t", "--connection", "c", "--config-dir", ""}, "flag --config-dir is empty: give it a value, or leave it out (without --config-dir, $STEAMPIPE_INSTALL_DIR/config or else ~/.steampipe/config is read)"},
	}
	for _, tt := range tests {
		_, err := parseArgs(tt.args)
		assert.ErrorContains(t, err, tt.want, tt.args)
	}
}
