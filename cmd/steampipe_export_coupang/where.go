package main

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// The operators a --where condition may use.
const (
	opEq      = "="
	opNe      = "!="
	opLt      = "<"
	opLe      = "<="
	opGt      = ">"
	opGe      = ">="
	opIn      = "in"
	opBetween = "between"
)

const operatorHelp = "use one of =, !=, <, <=, >, >=, in (v1, v2), between v1 and v2"

// condition is one parsed --where flag: a column, an operator and typed values
// (int64, float64, string, bool or time.Time, matching the column's type).
type condition struct {
	Column column
	Op     string
	Values []any // one value, or the IN list, or BETWEEN's low and high bounds
	Source string
}

// rawValue is a value as written, before it is typed.
type rawValue struct {
	Text   string
	Quoted bool
}

// parseConditions parses every --where flag against the table's columns.
func parseConditions(t *table, wheres []string) ([]condition, error) {
	conds := make([]condition, 0, len(wheres))
	for _, w := range wheres {
		c, err := parseCondition(t, w)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return conds, nil
}

// parseCondition parses `col OP value`, `col in (v1, v2)` or `col between v1 and v2`.
func parseCondition(t *table, src string) (condition, error) {
	s := &scanner{src: src}
	name := strings.ToLower(s.identifier())
	if name == "" {
		return condition{}, fmt.Errorf("bad --where %q: expected a column name first, like \"inquiry_at >= '2024-05-01'\"", src)
	}
	col, err := t.lookupColumn(name)
	if err != nil {
		return condition{}, fmt.Errorf("bad --where %q: %w", src, err)
	}
	op := s.operator()
	if op == "" {
		return condition{}, fmt.Errorf("bad --where %q: bad operator %q after %s: %s", src, s.nextWord(), name, operatorHelp)
	}
	if err := checkOperator(col, op); err != nil {
		return condition{}, fmt.Errorf("bad --where %q: %w", src, err)
	}
	raws, err := s.values(op)
	if err != nil {
		return condition{}, fmt.Errorf("bad --where %q: %w", src, err)
	}
	values := make([]any, len(raws))
	for i, raw := range raws {
		if values[i], err = typedValue(col, raw); err != nil {
			return condition{}, fmt.Errorf("bad --where %q: %w", src, err)
		}
	}
	return condition{Column: col, Op: op, Values: values, Source: src}, nil
}

// checkOperator rejects operators that make no sense for a column's type.
func checkOperator(col column, op string) error {
	switch col.Type {
	case proto.ColumnType_JSON:
		return fmt.Errorf("column %s is JSONB: --where works on scalar columns only; use Steampipe for JSON operators", col.Name)
	case proto.ColumnType_BOOL:
		if op != opEq && op != opNe && op != opIn {
			return fmt.Errorf("operator %s is not valid for %s, a BOOLEAN column: use = or != with true or false", op, col.Name)
		}
	}
	return nil
}

// scanner reads a condition left to right.
type scanner struct {
	src string
	pos int
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.src) && unicode.IsSpace(rune(s.src[s.pos])) {
		s.pos++
	}
}

func (s *scanner) atEnd() bool {
	s.skipSpace()
	return s.pos >= len(s.src)
}

func (s *scanner) peek() byte {
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

func isIdentByte(b byte, first bool) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (!first && b >= '0' && b <= '9')
}

// identifier reads a SQL identifier, or returns "" if there is none.
func (s *scanner) identifier() string {
	s.skipSpace()
	start := s.pos
	for s.pos < len(s.src) && isIdentByte(s.src[s.pos], s.pos == start) {
		s.pos++
	}
	return s.src[start:s.pos]
}

// nextWord returns the text up to the next space, for error messages.
func (s *scanner) nextWord() string {
	s.skipSpace()
	rest := s.src[s.pos:]
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		return rest[:i]
	}
	return rest
}

// operator reads a comparison symbol or the words IN and BETWEEN; "" if none.
func (s *scanner) operator() string {
	s.skipSpace()
	for _, sym := range []string{"<=", ">=", "!=", "<>", "=", "<", ">"} {
		if strings.HasPrefix(s.src[s.pos:], sym) {
			s.pos += len(sym)
			if sym == "<>" {
				return opNe
			}
			return sym
		}
	}
	save := s.pos
	word := strings.ToLower(s.identifier())
	if word == opIn || word == opBetween {
		return word
	}
	s.pos = save
	return ""
}

// values reads what follows the operator.
func (s *scanner) values(op string) ([]rawValue, error) {
	switch op {
	case opIn:
		return s.list()
	case opBetween:
		return s.between()
	}
	v, err := s.value("")
	if err != nil {
		return nil, err
	}
	if !s.atEnd() {
		return nil, fmt.Errorf("unexpected %q after the value: quote values that contain spaces or quotes", s.src[s.pos:])
	}
	return []rawValue{v}, nil
}

// list reads `(v1, v2, ...)`.
func (s *scanner) list() ([]rawValue, error) {
	s.skipSpace()
	if s.peek() != '(' {
		return nil, fmt.Errorf("in needs a list in parentheses, like in (1, 2)")
	}
	s.pos++
	var out []rawValue
	for {
		v, err := s.value(",)")
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		s.skipSpace()
		switch s.peek() {
		case ',':
			s.pos++
			continue
		case ')':
			s.pos++
			if !s.atEnd() {
				return nil, fmt.Errorf("unexpected %q after the in list", s.src[s.pos:])
			}
			return out, nil
		}
		return nil, fmt.Errorf("in list is not closed: expected , or ) like in (1, 2)")
	}
}

// between reads `low and high`.
func (s *scanner) between() ([]rawValue, error) {
	low, err := s.value("and")
	if err != nil {
		return nil, err
	}
	if strings.ToLower(s.identifier()) != "and" {
		return nil, fmt.Errorf("between needs two values joined by and, like between '2024-05-01' and '2024-05-30'")
	}
	high, err := s.value("")
	if err != nil {
		return nil, err
	}
	if !s.atEnd() {
		return nil, fmt.Errorf("unexpected %q after the between values", s.src[s.pos:])
	}
	return []rawValue{low, high}, nil
}

// value reads a quoted value, or a bare one up to a stop: a byte of stops, or,
// when stops is "and", the word AND on its own.
func (s *scanner) value(stops string) (rawValue, error) {
	s.skipSpace()
	if q := s.peek(); q == '\'' || q == '"' {
		return s.quoted(q)
	}
	start := s.pos
	for s.pos < len(s.src) && !s.atStop(stops) {
		s.pos++
	}
	text := strings.TrimSpace(s.src[start:s.pos])
	if text == "" {
		return rawValue{}, fmt.Errorf("missing value: write it bare (123, 2024-05-01) or quoted ('TRANSFER')")
	}
	return rawValue{Text: text}, nil
}

func (s *scanner) atStop(stops string) bool {
	if stops == "and" {
		rest := s.src[s.pos:]
		return s.pos > 0 && unicode.IsSpace(rune(s.src[s.pos-1])) && len(rest) >= 3 &&
			strings.EqualFold(rest[:3], "and") && (len(rest) == 3 || unicode.IsSpace(rune(rest[3])))
	}
	return strings.IndexByte(stops, s.src[s.pos]) >= 0
}

// quoted reads a value in quotes; a doubled quote stands for one.
func (s *scanner) quoted(q byte) (rawValue, error) {
	s.pos++
	var b strings.Builder
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		s.pos++
		if c != q {
			b.WriteByte(c)
			continue
		}
		if s.peek() == q {
			b.WriteByte(q)
			s.pos++
			continue
		}
		return rawValue{Text: b.String(), Quoted: true}, nil
	}
	return rawValue{}, fmt.Errorf("unterminated quote %c", q)
}
