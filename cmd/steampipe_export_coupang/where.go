package main

import (
	"fmt"
	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"strconv"
	"strings"
	"time"
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
	// opIsNull and opIsNotNull take no value.
	opIsNull    = "is null"
	opIsNotNull = "is not null"
)

const operatorHelp = "use one of =, !=, <, <=, >, >=, in (v1, v2), between v1 and v2, is null, is not null"

// The ways expressions combine.
const (
	kindCond = "condition"
	kindAnd  = "and"
	kindOr   = "or"
	kindNot  = "not"
)

// condition is one comparison of a --where flag: a column, an operator and typed values
// (int64, float64, string, bool or time.Time, matching the column's type).
type condition struct {
	Column column
	Op     string
	Values []any // one value, or the IN list, or BETWEEN's low and high bounds
	Source string
}

// expr is a parsed --where: one condition, or conditions joined with and, or and not.
type expr struct {
	Kind string // kindCond, kindAnd, kindOr or kindNot
	Cond condition
	Args []expr // the operands of and and or; the one operand of not
}

// rawValue is a value as written, before it is typed. A time expression (now(), current_date,
// with or without an interval) is already evaluated: Time is set.
type rawValue struct {
	Text   string
	Quoted bool
	Time   *time.Time
}

// parseWhere parses every --where flag against the table's columns; the flags are ANDed. now is
// the instant now() and current_date stand for (the start of the export, as in one SQL statement).
func parseWhere(t *table, wheres []string, now time.Time) (expr, error) {
	all := expr{Kind: kindAnd}
	for _, w := range wheres {
		p := &whereParser{scanner: scanner{src: w}, table: t, now: now}
		e, err := p.or()
		if err == nil && !p.atEnd() {
			err = p.unexpected()
		}
		if err != nil {
			return expr{}, fmt.Errorf("bad --where %q: %w", w, err)
		}
		all.Args = append(all.Args, e)
	}
	return all, nil
}

// whereParser reads one --where: or binds looser than and, and than not, as in SQL.
type whereParser struct {
	scanner
	table *table
	now   time.Time
}

func (p *whereParser) or() (expr, error) {
	return p.joined(kindOr, p.and)
}

func (p *whereParser) and() (expr, error) {
	return p.joined(kindAnd, p.unary)
}

// joined reads operands of next joined by the word kind ("and" or "or").
func (p *whereParser) joined(kind string, next func() (expr, error)) (expr, error) {
	first, err := next()
	if err != nil {
		return expr{}, err
	}
	e := expr{Kind: kind, Args: []expr{first}}
	for p.keyword(kind) {
		operand, err := next()
		if err != nil {
			return expr{}, err
		}
		e.Args = append(e.Args, operand)
	}
	if len(e.Args) == 1 {
		return first, nil
	}
	return e, nil
}

func (p *whereParser) unary() (expr, error) {
	if p.keyword(kindNot) {
		operand, err := p.unary()
		return expr{Kind: kindNot, Args: []expr{operand}}, err
	}
	if p.atEnd() || p.peek() != '(' {
		c, err := p.comparison()
		return expr{Kind: kindCond, Cond: c}, err
	}
	p.pos++
	e, err := p.or()
	if err != nil {
		return expr{}, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		return expr{}, fmt.Errorf("a parenthesis is not closed: add ) after %q", strings.TrimSpace(p.src[:p.pos]))
	}
	p.pos++
	return e, nil
}

// unexpected reports text left after a complete expression.
func (p *whereParser) unexpected() error {
	return fmt.Errorf("unexpected %q: join conditions with and / or, and quote values that contain spaces or quotes ('like this')", strings.TrimSpace(p.src[p.pos:]))
}

// comparison reads `col OP value`, `col in (v1, v2)`, `col between v1 and v2` or `col is [not] null`.
func (p *whereParser) comparison() (condition, error) {
	name := strings.ToLower(p.identifier())
	if name == "" {
		return condition{}, fmt.Errorf("expected a column name, like \"inquiry_at >= '2024-05-01'\"")
	}
	col, err := p.table.lookupColumn(name)
	if err != nil {
		return condition{}, err
	}
	op := p.operator()
	if op == "" {
		return condition{}, fmt.Errorf("bad operator %q after %s: %s", p.nextWord(), name, operatorHelp)
	}
	if err := checkOperator(col, op); err != nil {
		return condition{}, err
	}
	raws, err := p.values(op)
	if err != nil {
		return condition{}, err
	}
	values := make([]any, len(raws))
	for i, raw := range raws {
		if values[i], err = typedValue(col, raw); err != nil {
			return condition{}, err
		}
	}
	return condition{Column: col, Op: op, Values: values, Source: p.src}, nil
}

// checkOperator rejects operators that make no sense for a column's type.
func checkOperator(col column, op string) error {
	if op == opIsNull || op == opIsNotNull {
		return nil
	}
	switch col.Type {
	case proto.ColumnType_JSON:
		return fmt.Errorf("column %s is JSONB: --where compares scalar columns only (is null works); use Steampipe for JSON operators", col.Name)
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

// keyword reads the word w (any case) if it comes next, as a whole word.
func (s *scanner) keyword(w string) bool {
	save := s.pos
	if strings.EqualFold(s.identifier(), w) {
		return true
	}
	s.pos = save
	return false
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

// operator reads a comparison symbol or the words IN, BETWEEN, IS [NOT] NULL; "" if none.
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
	switch word := strings.ToLower(s.identifier()); word {
	case opIn, opBetween:
		return word
	case "is":
		not := s.keyword("not")
		if s.keyword("null") {
			if not {
				return opIsNotNull
			}
			return opIsNull
		}
	}
	s.pos = save
	return ""
}

// values reads what follows the operator.
func (p *whereParser) values(op string) ([]rawValue, error) {
	switch op {
	case opIsNull, opIsNotNull:
		return nil, nil
	case opIn:
		return p.list()
	case opBetween:
		return p.between()
	}
	v, err := p.value(false)
	if err != nil {
		return nil, err
	}
	return []rawValue{v}, nil
}

// list reads `(v1, v2, ...)`.
func (p *whereParser) list() ([]rawValue, error) {
	p.skipSpace()
	if p.peek() != '(' {
		return nil, fmt.Errorf("in needs a list in parentheses, like in (1, 2)")
	}
	p.pos++
	var out []rawValue
	for {
		v, err := p.value(true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ')':
			p.pos++
			return out, nil
		}
		return nil, fmt.Errorf("in list is not closed: expected , or ) like in (1, 2)")
	}
}

// between reads `low and high`.
func (p *whereParser) between() ([]rawValue, error) {
	low, err := p.value(false)
	if err != nil {
		return nil, err
	}
	if !p.keyword("and") {
		return nil, fmt.Errorf("between needs two values joined by and, like between '2024-05-01' and '2024-05-31 23:59:59'")
	}
	high, err := p.value(false)
	if err != nil {
		return nil, err
	}
	return []rawValue{low, high}, nil
}

// value reads a quoted value, a time expression (now(), current_date, current_timestamp, each
// optionally ± interval '...'), or a bare value: the text up to the words and / or, a closing
// parenthesis, the end, or, inside an in list, a comma.
func (p *whereParser) value(inList bool) (rawValue, error) {
	p.skipSpace()
	if q := p.peek(); q == '\'' || q == '"' {
		return p.quoted(q)
	}
	if t, ok, err := p.timeExpr(); ok || err != nil {
		return rawValue{Time: &t}, err
	}
	start := p.pos
	for p.pos < len(p.src) && !p.atStop(inList) {
		p.pos++
	}
	text := strings.TrimSpace(p.src[start:p.pos])
	if text == "" {
		return rawValue{}, fmt.Errorf("missing value: write it bare (123, 2024-05-01) or quoted ('TRANSFER')")
	}
	return rawValue{Text: text}, nil
}

// atStop reports whether a bare value ends here.
func (s *scanner) atStop(inList bool) bool {
	c := s.src[s.pos]
	if c == ')' || (inList && c == ',') {
		return true
	}
	if s.pos == 0 || !unicode.IsSpace(rune(s.src[s.pos-1])) {
		return false
	}
	rest := s.src[s.pos:]
	for _, w := range []string{"and", "or"} {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) &&
			(len(rest) == len(w) || !isIdentByte(rest[len(w)], false)) {
			return true
		}
	}
	return false
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

// timeExpr reads now(), current_timestamp or current_date (midnight, Korean time), then any
// `+ interval '...'` or `- interval '...'` (current_date also takes ± a number of days), as
// Postgres reads them; ok is false, with nothing read, when no time expression comes next.
func (p *whereParser) timeExpr() (t time.Time, ok bool, err error) {
	save := p.pos
	switch strings.ToLower(p.identifier()) {
	case "now":
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "()") {
			p.pos = save
			return t, false, nil
		}
		p.pos += 2
		t = p.now
	case "current_timestamp":
		t = p.now
	case "current_date":
		n := p.now.In(api.KST)
		t = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, api.KST)
	default:
		p.pos = save
		return t, false, nil
	}
	for {
		p.skipSpace()
		sign := p.peek()
		if sign != '+' && sign != '-' {
			return t, true, nil
		}
		p.pos++
		if t, err = p.addInterval(t, sign == '-'); err != nil {
			return t, true, err
		}
	}
}

// addInterval reads `interval '7 days'` (or a bare number of days) and adds or subtracts it.
func (p *whereParser) addInterval(t time.Time, minus bool) (time.Time, error) {
	var text string
	if p.keyword("interval") {
		p.skipSpace()
		if p.peek() != '\'' {
			return t, fmt.Errorf("interval needs a quoted amount, like now() - interval '7 days'")
		}
		v, err := p.quoted('\'')
		if err != nil {
			return t, err
		}
		text = v.Text
	} else {
		start := p.pos
		p.skipSpace()
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		text = strings.TrimSpace(p.src[start:p.pos]) + " days"
	}
	return addInterval(t, text, minus)
}

// intervalUnits are the units an interval may use, singular or plural.
var intervalUnits = map[string]func(t time.Time, n int) time.Time{
	"second": func(t time.Time, n int) time.Time { return t.Add(time.Duration(n) * time.Second) },
	"minute": func(t time.Time, n int) time.Time { return t.Add(time.Duration(n) * time.Minute) },
	"hour":   func(t time.Time, n int) time.Time { return t.Add(time.Duration(n) * time.Hour) },
	"day":    func(t time.Time, n int) time.Time { return t.In(api.KST).AddDate(0, 0, n) },
	"week":   func(t time.Time, n int) time.Time { return t.In(api.KST).AddDate(0, 0, 7*n) },
	"month":  func(t time.Time, n int) time.Time { return t.In(api.KST).AddDate(0, n, 0) },
	"year":   func(t time.Time, n int) time.Time { return t.In(api.KST).AddDate(n, 0, 0) },
}

// addInterval adds (or subtracts) an interval such as "7 days" or "1 day 12 hours"; days, months
// and years count in Korean calendar days.
func addInterval(t time.Time, text string, minus bool) (time.Time, error) {
	fields := strings.Fields(strings.ToLower(text))
	if len(fields) == 0 || len(fields)%2 != 0 {
		return t, fmt.Errorf("bad interval %q: write an amount and a unit, like '7 days' or '1 day 12 hours'", text)
	}
	for i := 0; i < len(fields); i += 2 {
		n, err := strconv.Atoi(fields[i])
		add, known := intervalUnits[strings.TrimSuffix(fields[i+1], "s")]
		if err != nil || !known {
			return t, fmt.Errorf("bad interval %q: write whole amounts of seconds, minutes, hours, days, weeks, months or years, like '7 days'", text)
		}
		if minus {
			n = -n
		}
		t = add(t, n)
	}
	return t, nil
}
