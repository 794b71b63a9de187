package main

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
)

// expr is a parsed --where: a comparison of Column with typed Values (int64, string, bool or
// time.Time, matching the column's type), or Args joined by "and" / "or", or negated by "not".
type expr struct {
	Op     string // =, <>, <, <=, >, >=, in, like, ilike, is null, is not null; and, or, not (see booleanTest)
	Column column // of a comparison; nil for and, or and not
	Values []any  // one value, or the IN list; like and ilike hold their pattern as a *regexp.Regexp
	Args   []expr // the operands of and and or; the one operand of not
}

// parseWhere parses the --where flags into one "and" of every condition ANDed at the top. now is
// what now() and current_date stand for: the start of the export, as in one SQL statement.
func parseWhere(t *table, wheres []string, now time.Time) (expr, error) {
	all := expr{Op: "and"}
	for _, w := range wheres {
		p := &whereParser{src: w, lower: lowerASCII(w), table: t, now: now}
		e, err := p.joined("or")
		p.skipSpace()
		if err == nil && p.pos < len(p.src) {
			err = p.unexpected(fmt.Errorf("unexpected %q: join conditions with and / or, and quote values that contain spaces or quotes ('like this')", strings.TrimSpace(p.src[p.pos:])))
		}
		if err != nil {
			return expr{}, fmt.Errorf("bad --where %q: %w", w, err)
		}
		all.add(e)
	}
	return all, nil
}

// whereParser reads one --where by recursive descent: or binds looser than and, and than not.
type whereParser struct {
	src   string
	lower string // src with A to Z lowered, which the patterns read: Postgres folds no other letter
	pos   int
	table *table
	now   time.Time
}

// joined reads operands joined by the word op: or joins and-expressions, and joins unary ones.
func (p *whereParser) joined(op string) (expr, error) {
	next := p.unary
	if op == "or" {
		next = func() (expr, error) { return p.joined("and") }
	}
	e := expr{Op: op}
	for len(e.Args) == 0 || p.keyword(op) {
		operand, err := next()
		if err != nil {
			return expr{}, err
		}
		e.add(operand)
	}
	if len(e.Args) == 1 {
		return e.Args[0], nil
	}
	return e, nil
}

// add appends an operand to an and / or, flattening an operand of the same kind.
func (e *expr) add(operand expr) {
	if operand.Op == e.Op {
		e.Args = append(e.Args, operand.Args...)
	} else {
		e.Args = append(e.Args, operand)
	}
}

func (p *whereParser) unary() (expr, error) {
	if p.keyword("not") {
		operand, err := p.unary()
		return expr{Op: "not", Args: []expr{operand}}, err
	}
	if !p.symbol("(") {
		return p.comparison()
	}
	e, err := p.joined("or")
	if err == nil && !p.symbol(")") {
		err = p.unexpected(fmt.Errorf("a parenthesis is not closed: add ) after %q", strings.TrimSpace(p.src[:p.pos])))
	}
	return e, err
}

// unexpected is the error for what follows a whole condition where and, or or ) should: a cast, a
// test of a whole condition or a collation, which --where does not read, named as such; else err.
func (p *whereParser) unexpected(err error) error {
	p.skipSpace()
	switch rest := shown(strings.TrimSpace(p.src[p.pos:])); {
	case strings.HasPrefix(p.src[p.pos:], "::"):
		return fmt.Errorf("%s: :: is a cast in SQL, which --where does not read: write the value alone, in single quotes for text; it is read as the column's type", rest)
	case p.keyword("is"):
		return fmt.Errorf("%s: is null, is true and is false follow a column, not parentheses or another test: write them right after the column, like need_answer is true", rest)
	case p.keyword("collate"):
		return fmt.Errorf("%s: --where compares as Postgres' C collation and takes no other; write like or ilike for other matches", rest)
	}
	return err
}

// comparison reads `col OP value`, `col [not] in (v1, v2)`, `col [not] between v1 and v2`,
// `col [not] [i]like pattern [escape c]`, `col is [not] null`, or a BOOLEAN col alone or `is [not]
// true` (or false).
func (p *whereParser) comparison() (expr, error) {
	if p.skipSpace(); !identPattern.MatchString(p.lower[p.pos:]) || timePattern.MatchString(p.lower[p.pos:]) {
		return p.valueFirst()
	}
	name := p.matchLower(identPattern) // not "": valueFirst reads what no name starts
	col, err := p.table.lookupColumn(name)
	if err != nil && (name == "true" || name == "false" || name == "null") {
		err = fmt.Errorf("%s before a column is not read: write the column first, like need_answer = true or answered_at is null", name)
	}
	if err != nil {
		return expr{}, err
	}
	op := strings.Join(strings.Fields(p.matchLower(operatorPattern)), " ")
	if op == "!=" { // as Postgres reads it
		op = "<>"
	}
	op, negated := strings.CutPrefix(op, "not ") // not in, not between: as Postgres reads them, not (...)
	e, isTest := expr{Column: col, Op: op}, strings.HasSuffix(op, "true") || strings.HasSuffix(op, "false")
	switch {
	case col.Type == proto.ColumnType_BOOL && (isTest || op == "" && p.atStop(false)): // past the spaces, as match skips them
		return booleanTest(col, op), nil
	case isTest:
		return expr{}, fmt.Errorf("%s is %s: %s tests BOOLEAN columns only", col.Name, typeName[col.Type], op)
	case op == "":
		return expr{}, fmt.Errorf("bad operator %q after %s: use one of =, !=, <, <=, >, >=, in (v1, v2), between v1 and v2, like, ilike (or not in, not between, not like, not ilike), is null, is not null (and is [not] true or false)", p.match(wordPattern), name)
	case op == "is null" || op == "is not null":
		return e, nil
	case col.Type == proto.ColumnType_JSON:
		return expr{}, fmt.Errorf("column %s is JSONB: --where compares scalar columns only (is null works); use Steampipe for JSON operators", col.Name)
	case col.Type == proto.ColumnType_BOOL && op != "=" && op != "<>" && op != "in":
		return expr{}, fmt.Errorf("operator %s is not valid for %s, a BOOLEAN column: use = or != with true or false, is [not] true, or the column alone", op, col.Name)
	case strings.HasSuffix(op, "like") && col.Type != proto.ColumnType_STRING:
		return expr{}, fmt.Errorf("%s is %s: %s compares text columns only, as in Postgres; compare %s with =, <, > or between", col.Name, typeName[col.Type], op, col.Name)
	}
	if err = p.values(&e); err == nil && op == "between" { // as Postgres reads it: col >= low and col <= high
		e = expr{Op: "and", Args: []expr{{Op: ">=", Column: col, Values: e.Values[:1]}, {Op: "<=", Column: col, Values: e.Values[1:]}}}
	}
	if negated {
		e = expr{Op: "not", Args: []expr{e}}
	}
	return e, err
}

// mirrored is the operator of a comparison written the other way round: a < b is b > a.
var mirrored = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// valueFirst reads a comparison whose value comes first ('2024-05-01' <= inquiry_at, 5 = order_id,
// now() - interval '1 day' < inquiry_at) as Postgres does: as the column compared with the value the
// other way round, which comparison then reads with every check of its own.
func (p *whereParser) valueFirst() (expr, error) {
	start := p.pos
	if _, quote, _ := p.quoted("'"); quote == "" {
		if _, ok, _ := p.timeExpr(); !ok {
			p.match(integerPattern)
		}
	}
	value := strings.TrimSpace(p.src[start:p.pos])
	op, name := mirrored[p.match(symbolPattern)], ""
	if p.skipSpace(); !timePattern.MatchString(p.lower[p.pos:]) { // current_date = current_date compares no column
		name = p.match(identPattern)
	}
	switch {
	case value == "":
		return expr{}, fmt.Errorf("expected a column name, like \"inquiry_at >= '2024-05-01'\"")
	case op == "" || name == "":
		return expr{}, fmt.Errorf("expected a comparison with a column after %s: a value comes first only in quotes, as a whole number or as now() or current_date, and with =, !=, <, <=, > or >=, like '2024-05-01' <= inquiry_at", shown(value))
	}
	src := name + " " + op + " " + value
	return (&whereParser{src: src, lower: lowerASCII(src), table: p.table, now: p.now}).comparison()
}

// booleanTest is a BOOLEAN column alone (need_answer, true when it is true) or tested with is [not]
// true or false, which, unlike =, is never NULL: need_answer is true is need_answer is not null and
// need_answer = true, and is not true its not.
func booleanTest(col column, op string) expr {
	e := expr{Op: "and", Args: []expr{{Op: "is not null", Column: col}, {Op: "=", Column: col, Values: []any{!strings.HasSuffix(op, "false")}}}}
	switch {
	case op == "":
		return e.Args[1]
	case strings.Contains(op, "not"):
		return expr{Op: "not", Args: []expr{e}}
	}
	return e
}

// values reads the operator's values onto e.Values: `(v1, v2, ...)`, `low and high`, or one.
func (p *whereParser) values(e *expr) error {
	switch e.Op {
	case "in":
		if !p.symbol("(") {
			return fmt.Errorf("in needs a list in parentheses, like in (1, 2)")
		}
		for {
			if err := p.appendValue(e, true); err != nil || p.symbol(")") {
				return err
			}
			if !p.symbol(",") {
				return fmt.Errorf("in list is not closed: expected , or ) like in (1, 2)")
			}
		}
	case "like", "ilike":
		return p.likePattern(e)
	case "between":
		if p.keyword("symmetric") {
			return fmt.Errorf("between symmetric is not supported: write the lower value first, or (col between a and b or col between b and a)")
		}
		p.keyword("asymmetric") // the default, as in SQL
		if err := p.appendValue(e, false); err != nil {
			return err
		}
		if !p.keyword("and") {
			return fmt.Errorf("between needs two values joined by and, like between '2024-05-01' and '2024-05-31 23:59:59'")
		}
	}
	return p.appendValue(e, false)
}

// likePattern reads the pattern of a like or ilike, and any escape clause, onto e.Values as a regular
// expression, as Postgres reads the pattern: % is any text, _ any one character, and the escape
// character (\ unless escape names another; none for an empty escape) makes the next one stand for itself.
// ilike matches the lower case of the text (see eval) with the pattern's own: Postgres lowers both, each
// character as its lower() does in a UTF-8 database, not by Unicode's case folding (ſ is not s).
func (p *whereParser) likePattern(e *expr) error {
	if err := p.appendValue(e, false); err != nil {
		return err
	}
	pattern, escape := e.Values[0].(string), `\`
	if p.keyword("escape") {
		text, quote, err := p.quoted("'")
		if err == nil && (quote == "" || utf8.RuneCountInString(text) > 1) {
			err = errors.New("escape takes one character in single quotes, like escape '!', or '' for none")
		}
		if err != nil {
			return err
		}
		escape = text
	}
	if !utf8.ValidString(pattern) {
		return fmt.Errorf("%s pattern %s is not valid UTF-8, which Postgres refuses", e.Op, shown(pattern))
	}
	re, escaping := "^", false
	for _, r := range pattern {
		char, literal := string(r), string(r)
		if e.Op == "ilike" {
			literal = strings.ToLower(char)
		}
		switch {
		case escaping:
			re, escaping = re+regexp.QuoteMeta(literal), false
		case char == escape:
			escaping = true
		case r == '%':
			re += ".*"
		case r == '_':
			re += "."
		default:
			re += regexp.QuoteMeta(literal)
		}
	}
	if escaping {
		return fmt.Errorf("%s pattern %s ends with its escape character %s: write it twice to match it", e.Op, shown(pattern), escape)
	}
	e.Values[0] = regexp.MustCompile("(?s)" + re + "$") // valid: every character but % and _ is quoted
	return nil
}

// sqlSpaces are the spaces of Postgres' scanner: ASCII only, so that no byte of a multi-byte
// character (갠 ends in 0xA0, U+00A0 read alone) counts as one; TrimLeft reads whole characters.
// Postgres 15 does not count \v, which its date and interval input do (literalSpaces).
const sqlSpaces = " \t\n\r\f"

// literalSpaces are the spaces Postgres' date, time and interval input skip: C's isspace, ASCII
// only (U+00A0 and U+3000 are refused).
const literalSpaces = sqlSpaces + "\v"

// lowerASCII lowers A to Z only, byte for byte, as Postgres folds keywords, names and interval units:
// strings.ToLower would read mİnutes as minutes, and Go's (?i) iſ as is and a Kelvin sign as k.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (p *whereParser) skipSpace() {
	p.pos = len(p.src) - len(strings.TrimLeft(p.src[p.pos:], sqlSpaces))
}

func (p *whereParser) symbol(s string) bool {
	p.skipSpace()
	rest, ok := strings.CutPrefix(p.src[p.pos:], s)
	p.pos = len(p.src) - len(rest)
	return ok
}

// symbols are the comparison operators written as symbols, longest first.
const symbols = `<=|>=|!=|<>|=|<|>`

var (
	identPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`)
	operatorPattern = regexp.MustCompile(`^(` + symbols + `|(?:not\s+)?(?:in|between|i?like)|is\s+(?:not\s+)?(?:null|true|false)\b)`)
	daysPattern     = regexp.MustCompile(`^[-+]?\s*[0-9]+`)
	integerPattern  = regexp.MustCompile(`^[-+]?[0-9]+`)
	symbolPattern   = regexp.MustCompile(`^(` + symbols + `)`)
	wordPattern     = regexp.MustCompile(`^\S*`)
	bareWord        = regexp.MustCompile(`^[\pL\pN_$]+$`) // a name or number in Postgres' scanner, which bare text stands for
	funcCall        = regexp.MustCompile(`^[\pL_][\pL\pN_$.]*\s*\(`)
	quotedPattern   = regexp.MustCompile(`^'(?:[^']|'')*'|^"(?:[^"]|"")*"`)
	timePattern     = regexp.MustCompile(`^(?:now\s*\(\s*\)|current_timestamp\b|current_date\b)`)
)

// match reads what re matches in lower case after any spaces, as written; "" if none.
func (p *whereParser) match(re *regexp.Regexp) string {
	p.skipSpace()
	m := p.src[p.pos : p.pos+len(re.FindString(p.lower[p.pos:]))]
	p.pos += len(m)
	return m
}

// matchLower is match lowered A to Z, as Postgres reads keywords and names.
func (p *whereParser) matchLower(re *regexp.Regexp) string {
	m := p.match(re)
	return p.lower[p.pos-len(m) : p.pos]
}

// keyword reads the whole word w, in any case, if it comes next.
func (p *whereParser) keyword(w string) bool {
	save := p.pos
	if p.matchLower(identPattern) == w {
		return true
	}
	p.pos = save
	return false
}

// appendValue reads a value of e.Column's type onto e.Values: quoted, a time expression, or bare: the
// text up to the word and / or, a ), the end, or, inside an in list, a comma.
func (p *whereParser) appendValue(e *expr, inList bool) error {
	col := e.Column
	text, quote, err := p.quoted(`'"`)
	if err != nil {
		return err
	}
	if quote == "" {
		switch t, ok, err := p.timeExpr(); {
		case err != nil:
			return err
		case ok && col.Type != proto.ColumnType_TIMESTAMP:
			return fmt.Errorf("%s is %s: now() and current_date compare with timestamp columns only", col.Name, typeName[col.Type])
		case ok:
			e.Values = append(e.Values, t)
			return nil
		}
		start, depth := p.pos, 0 // a ) closing a ( of the value is part of it: upper(x), (5)
		for ; p.pos < len(p.src) && (depth > 0 || !p.atStop(inList)); p.pos++ {
			switch p.src[p.pos] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if text = strings.TrimSpace(p.src[start:p.pos]); text == "" {
			return fmt.Errorf("missing value: write it bare (123, 2024-05-01) or quoted ('TRANSFER')")
		}
	}
	if err := p.checkWord(text, quote, col, inList); err != nil {
		return err
	}
	v, err := typedValue(col, text)
	e.Values = append(e.Values, v)
	return err
}

// checkWord refuses a bare or double-quoted value (quote "" or `"`) that SQL reads as something else,
// where comparing with the text would keep other rows than Postgres: a column's name (SQL compares
// with the column), null (a comparison with NULL is never true, nor is its not), a bare value with a
// quote in it (E'a\nb') or one that starts like an operator (=> 'a'), text of more than one word
// (select a, a || b).
func (p *whereParser) checkWord(text, quote string, col column, inList bool) error {
	if quote == "'" { // a string, always a value
		return nil
	}
	name, bare := text, quote == ""
	if bare { // Postgres folds an unquoted name to lower case, A to Z only
		name = lowerASCII(text)
	}
	if _, err := p.table.lookupColumn(name); err == nil {
		return fmt.Errorf("%s is a column: --where compares a column with values only; for the text, write '%s'", text, text)
	}
	switch {
	case !bare:
		return nil
	case name == "null" && inList:
		return fmt.Errorf("null in an in list: x in (null, 1) keeps the rows of x in (1), and x not in (null, 1) keeps no row; leave null out, and test it with col is null")
	case name == "null":
		return fmt.Errorf("a comparison with null is never true in SQL, nor is its not: write col is null or col is not null")
	case text[0] == '(':
		return fmt.Errorf("bad value %s: a value in parentheses is not read: write it alone, in single quotes for text", shown(text))
	case funcCall.MatchString(text):
		return fmt.Errorf("bad value %s: SQL reads name(...) as a call of a function, not as this text: write the value alone, in single quotes for text", shown(text))
	case strings.ContainsAny(text[:1], "=<>!"):
		return fmt.Errorf("bad value %s: a value cannot start with %c; the operators are =, !=, <>, <, <=, >, >=", shown(text), text[0])
	case strings.ContainsAny(text, `'"`):
		return fmt.Errorf("bad value %s: write a value whole in single quotes, a quote in it doubled ('it''s'), with nothing around it: E'...' and date '...' are not read", shown(text))
	case text[0] == '$':
		return fmt.Errorf("bad value %s: SQL reads $$...$$ as a dollar-quoted string and $1 as a parameter, not as this text: write the value in single quotes", shown(text))
	case strings.Contains(text, "::"):
		return fmt.Errorf("bad value %s: :: is a cast in SQL, not part of the value: write the value alone, in single quotes for text", shown(text))
	case slices.Contains([]string{"current_user", "session_user", "user", "current_role", "current_catalog", "current_schema"}, name):
		return fmt.Errorf("%s is a value of the session in SQL (its user, role, database or schema), not this text: for the text, write '%s'", text, text)
	case col.Type == proto.ColumnType_STRING && !bareWord.MatchString(text):
		return fmt.Errorf("bad value %s: SQL reads a bare value of more than one word (select ..., a || b, 010-1234) as an expression, not as this text: write the text in single quotes", shown(text))
	}
	return nil
}

// shown is a written value as an error shows it: as written when it is valid UTF-8 without control
// characters, else quoted with Go's escapes, so that the error stays one clean line.
func shown(text string) string {
	if utf8.ValidString(text) && !strings.ContainsFunc(text, unicode.IsControl) {
		return text
	}
	return strconv.Quote(text)
}

// atStop reports whether a bare value or a condition ends here: at the end, a ), the word and / or
// after a space, or, inside an in list, a comma.
func (p *whereParser) atStop(inList bool) bool {
	if p.pos == len(p.src) || p.src[p.pos] == ')' || inList && p.src[p.pos] == ',' {
		return true
	}
	if p.pos == 0 || strings.IndexByte(sqlSpaces, p.src[p.pos-1]) < 0 {
		return false
	}
	word := identPattern.FindString(p.lower[p.pos:])
	return word == "and" || word == "or"
}

// quoted reads a value in one of the quotes, if one comes next, and the quote; a doubled quote stands
// for one. quote is "" when no quote comes next.
func (p *whereParser) quoted(quotes string) (text, quote string, err error) {
	p.skipSpace()
	if p.pos == len(p.src) || !strings.ContainsRune(quotes, rune(p.src[p.pos])) {
		return "", "", nil
	}
	q := p.src[p.pos : p.pos+1]
	m := p.match(quotedPattern)
	if m == "" {
		return "", q, fmt.Errorf("unterminated quote %s", q)
	}
	return strings.ReplaceAll(m[1:len(m)-1], q+q, q), q, nil
}

// interval is a Postgres interval: months, days and seconds, kept apart as Postgres keeps them. The
// seconds are not a time.Duration, which overflows past 292 years (3000000 hours).
type interval struct{ months, days, secs int64 }

// intervalUnits are the units of an interval, each one of that unit; days and longer count Korean
// calendar days.
var intervalUnits = map[string]interval{
	"second": {secs: 1}, "minute": {secs: 60}, "hour": {secs: 3600},
	"day": {days: 1}, "week": {days: 7}, "month": {months: 1}, "year": {months: 12},
}

// timeExpr reads now(), current_timestamp or current_date (Korean midnight), then any ± interval
// '7 days', or ± a number of days while it is still a date (current_date - 7), as Postgres does; ok
// is false if none comes next.
func (p *whereParser) timeExpr() (t time.Time, ok bool, err error) {
	word := p.matchLower(timePattern)
	if word == "" {
		return t, false, nil
	}
	t, isDate := p.now, word == "current_date"
	if isDate {
		t = api.KoreanDate(p.now)
	}
	for {
		sign := 1
		if p.symbol("-") {
			sign = -1
		} else if !p.symbol("+") {
			return t, true, nil
		}
		var text, quote string
		if !p.keyword("interval") {
			if text = strings.Join(strings.Fields(p.match(daysPattern)), ""); text == "" || !isDate {
				return t, true, fmt.Errorf("+ and - after %s take interval '7 days', or a whole number of days right after current_date (a date, as in current_date - 7)", word)
			}
			text += " days"
		} else if text, quote, err = p.quoted("'"); quote == "" {
			return t, true, fmt.Errorf("interval needs a quoted amount, like now() - interval '7 days'")
		} else if err != nil {
			return t, true, err
		} else {
			isDate = false // date + interval is a timestamp
		}
		if t, err = addInterval(t, text, sign); err != nil {
			return t, true, err
		}
	}
}

// maxIntervalSecs is the most seconds a Postgres interval holds: it keeps months and days as 32-bit
// numbers and the rest as 64-bit microseconds.
const maxIntervalSecs = math.MaxInt64 / 1_000_000

// addInterval adds an interval's quoted text, like '7 days' or '1 month 12 hours', times sign, to t as
// Postgres adds one to a timestamp, here in Korean time: the months first, a day past the end of the
// month becoming its last day (Jan 31 + 1 month is Feb 28), then the days, then the duration,
// whatever order the text names them in.
func addInterval(t time.Time, text string, sign int) (time.Time, error) {
	var sum interval
	seen := map[string]bool{}
	outOfRange := func() error {
		return fmt.Errorf("bad interval %q: an amount is out of range: Postgres holds at most %d months or days and %d seconds", text, math.MaxInt32, maxIntervalSecs)
	}
	fields := strings.FieldsFunc(lowerASCII(text), func(r rune) bool { return strings.ContainsRune(literalSpaces, r) })
	if len(fields) == 0 || len(fields)%2 != 0 {
		return t, fmt.Errorf("bad interval %q: write an amount and a unit, like '7 days' or '1 day 12 hours'", text)
	}
	for i := 0; i < len(fields); i += 2 {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		name := strings.TrimSuffix(fields[i+1], "s")
		unit, known := intervalUnits[name]
		if err != nil && !errors.Is(err, strconv.ErrRange) || !known {
			return t, fmt.Errorf("bad interval %q: write whole amounts of seconds, minutes, hours, days, weeks, months or years, like '7 days'", text)
		}
		if seen[name] {
			return t, fmt.Errorf("bad interval %q: %ss come twice, which Postgres refuses: write each unit once, like '8 days'", text, name)
		}
		seen[name] = true
		n *= int64(sign)
		if err != nil || n > maxIntervalSecs || n < -maxIntervalSecs { // so that no product below overflows
			return t, outOfRange()
		}
		sum.months += n * unit.months
		sum.days += n * unit.days
		sum.secs += n * unit.secs
	}
	if max(sum.months, -sum.months, sum.days, -sum.days) > math.MaxInt32 || max(sum.secs, -sum.secs) > maxIntervalSecs {
		return t, outOfRange()
	}
	t = t.In(api.KST)
	m := t.AddDate(0, int(sum.months), 0)
	if m.Day() != t.Day() { // AddDate ran on past the end of the month (Jan 31 + 1 month, Mar 3): back to its last day
		m = m.AddDate(0, 0, -m.Day())
	}
	t = m.AddDate(0, 0, int(sum.days))
	t = time.Unix(t.Unix()+sum.secs, int64(t.Nanosecond())).In(api.KST)
	if y := t.Year(); y < -4712 || y > 294276 {
		return t, fmt.Errorf("bad interval %q: the time it gives is out of range: Postgres' timestamps run from 4713 BC to 294276 AD", text)
	}
	return t, nil
}

// typedValue converts a written value to the Go type of the column.
func typedValue(col column, text string) (any, error) {
	switch col.Type {
	case proto.ColumnType_INT:
		n, err := strconv.ParseInt(text, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) && integerPattern.FindString(text) == text: // ParseInt finds the overflow before a bad character
			return nil, fmt.Errorf("number %s is out of range for %s (BIGINT, at most 19 digits): no ID is that long", text, col.Name)
		case err != nil:
			return nil, fmt.Errorf("bad number %q for %s (BIGINT): write a whole number, like 1234567890", text, col.Name)
		}
		return n, nil
	case proto.ColumnType_BOOL:
		switch strings.ToLower(text) { // as Postgres spells them
		case "true", "t", "yes", "y", "on", "1":
			return true, nil
		case "false", "f", "no", "n", "off", "0":
			return false, nil
		}
		return nil, fmt.Errorf("bad boolean %q for %s: write true or false", text, col.Name)
	case proto.ColumnType_TIMESTAMP:
		t, err := parseTimestamp(text)
		if err != nil {
			return nil, fmt.Errorf("bad timestamp %q for %s: %w", text, col.Name, err)
		}
		return t, nil
	}
	return text, nil
}

// timestampLayouts are what --where reads: the layouts Coupang sends, a time to the minute, and an
// offset as psql prints it (+09, +0900, Z).
var timestampLayouts = slices.Concat(api.TimeLayouts, []string{
	"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00",
	"2006-01-02 15:04Z07", "2006-01-02T15:04Z07", "2006-01-02 15:04:05Z07", "2006-01-02T15:04:05Z07",
	"2006-01-02 15:04:05Z0700", "2006-01-02T15:04:05Z0700"})

// minute60 matches an offset with 60 minutes, which Go reads and Postgres refuses.
var minute60 = regexp.MustCompile(`[+-][0-9]{2}:?60$`)

// parseTimestamp reads a timestampLayouts time, as Postgres would; no offset means Korean time.
func parseTimestamp(s string) (time.Time, error) {
	var t time.Time
	var err error
	text := strings.Trim(s, literalSpaces)
	for _, layout := range timestampLayouts { // the first that reads text
		if t, err = time.ParseInLocation(layout, text, api.KST); err == nil {
			break
		}
	}
	_, offset := t.Zone()
	switch {
	case err != nil:
		return time.Time{}, fmt.Errorf("use RFC 3339 (2024-05-01T09:00:00+09:00), '2024-05-01 09:00:00+09', 2024-05-01 or '2024-05-01 09:00:00' (no offset means Korean time, UTC+9)")
	case t.Nanosecond()%1000 != 0: // Postgres rounds to microseconds, which Go does not
		return time.Time{}, fmt.Errorf("write at most six digits after the second: Postgres keeps microseconds")
	case strings.Contains(s, ","): // Go reads a comma before the fraction, Postgres does not
		return time.Time{}, fmt.Errorf("write the fraction of a second after a point, like '2024-05-01 09:00:00.5'")
	case offset >= 16*3600 || offset <= -16*3600 || minute60.MatchString(text): // Go reads +09:60 as +10:00
		return time.Time{}, fmt.Errorf("the offset is out of range: Postgres takes offsets from -15:59 to +15:59")
	case t.Year() < 1:
		return time.Time{}, fmt.Errorf("there is no year 0: Postgres' years run 4713 BC, ..., 1 BC, 1 AD")
	}
	return t, nil
}

// formatTimestamp writes an instant as RFC 3339 in Korean time.
func formatTimestamp(t time.Time) string {
	return t.In(api.KST).Format(time.RFC3339Nano)
}
