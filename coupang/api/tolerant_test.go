package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tolerantRecord is how a decoder uses the tolerant types: fields of a struct read by encoding/json.
type tolerantRecord struct {
	ID     Int64             `json:"id"`
	IDs    Int64s            `json:"ids"`
	Text   String            `json:"text"`
	Flag   Bool              `json:"flag"`
	At     Timestamp         `json:"at"`
	Status *String           `json:"status"`
	When   *Int64            `json:"when"`
	Nested []tolerantRecord  `json:"nested"`
	Extra  map[string]String `json:"extra"`
}

// decodeMember decodes {"<name>": raw} into a tolerantRecord; an error names the member, as the
// decoders report it.
func decodeMember(name, raw string) (tolerantRecord, error) {
	var r tolerantRecord
	err := json.Unmarshal([]byte(`{"`+name+`":`+raw+`}`), &r)
	return r, jsonError(err)
}

func TestInt64ReadsNumbersAndNumericStringsExactly(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]int64{
		`1027082307`: 1027082307, `"1027082307"`: 1027082307, `" 42 "`: 42, `"+5"`: 5, `-7`: -7,
		`"12.00"`: 12, `12.0`: 12, `"3."`: 3, `"-0.0"`: 0, `null`: 0, `""`: 0, `"  "`: 0, `0`: 0,
		// Beyond float64's exact range (2^53+1): never read through float64.
		`9007199254740993`: 9007199254740993, `"9007199254740993"`: 9007199254740993,
		`9223372036854775807`: 9223372036854775807,
	} {
		r, err := decodeMember("id", raw)
		require.NoError(t, err, raw)
		assert.Equal(t, Int64(want), r.ID, raw)
	}
	// null reads as 0 into any Int64, not only a zero one.
	n := Int64(5)
	require.NoError(t, n.UnmarshalJSON([]byte(`null`)))
	assert.Zero(t, n)
	for raw, msg := range map[string]string{
		`1.5`: "1.5 is not an integer", `"x"`: "x is not an integer", `true`: "true is not an integer",
		`"null"`: "null is not an integer", `1e3`: "1e3 is not an integer", `[1]`: "[1] is not an integer",
		`9223372036854775808`: "9223372036854775808 is not an integer", `{"a":1}`: `{"a":1} is not an integer`,
	} {
		_, err := decodeMember("id", raw)
		require.Error(t, err, raw)
		assert.Equal(t, "id: "+msg, err.Error(), raw)
	}
}

func TestInt64sReadsOneValueOrAnArray(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string][]int64{
		`3285906659`: {3285906659}, `"3285906659"`: {3285906659}, `[3285906659]`: {3285906659},
		`[3285906659, "3285906660"]`: {3285906659, 3285906660}, `[1, null, 0, "", "2"]`: {1, 2},
		`null`: {}, `[]`: {}, `""`: {}, `0`: {},
	} {
		r, err := decodeMember("ids", raw)
		require.NoError(t, err, raw)
		assert.Equal(t, Int64s(want), r.IDs, raw)
		assert.NotNil(t, r.IDs, raw)
	}
	_, err := decodeMember("ids", `[1, true]`)
	assert.EqualError(t, err, "ids: [1]: true is not an integer")
	_, err = decodeMember("ids", `{}`)
	assert.ErrorContains(t, err, "is not an integer")
}

func TestStringReadsTextAndLiterals(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`"상담이력"`: "상담이력", `"a\r\nb"`: "a\r\nb", `10000058`: "10000058", `true`: "true", `null`: "",
		`"\ud800x"`: "\uFFFDx", "\"\xff\"": "\uFFFD", // broken surrogates and invalid UTF-8, as encoding/json reads them
	} {
		r, err := decodeMember("text", raw)
		require.NoError(t, err, raw)
		assert.Equal(t, String(want), r.Text, raw)
	}
	_, err := decodeMember("text", `{"a":1}`)
	assert.EqualError(t, err, "text: expected a string, got an object")
	_, err = decodeMember("text", `[]`)
	assert.ErrorContains(t, err, "expected a string, got an array")
}

func TestBoolReadsFlagsInAnySpelling(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		`true`: true, `"true"`: true, `"Y"`: true, `"yes"`: true, `1`: true, `" TRUE "`: true,
		`false`: false, `"N"`: false, `"no"`: false, `0`: false, `""`: false, `null`: false,
	} {
		r, err := decodeMember("flag", raw)
		require.NoError(t, err, raw)
		assert.Equal(t, Bool(want), r.Flag, raw)
	}
	_, err := decodeMember("flag", `"maybe"`)
	assert.EqualError(t, err, "flag: maybe is not a boolean")
}

func TestTimestampReadsCoupangLayoutsInKST(t *testing.T) {
	t.Parallel()
	want := kst("2018-01-08 16:56:16")
	for _, raw := range []string{`"2018-01-08 16:56:16"`, `"2018-01-08T16:56:16"`, `"2018-01-08T16:56:16+09:00"`,
		`"2018-01-08T07:56:16Z"`, `"2018-01-08T16:56:16.000+09:00"`, `" 2018-01-08 16:56:16 "`, `"2018-01-08 07:56:16Z"`} {
		r, err := decodeMember("at", raw)
		require.NoError(t, err, raw)
		require.NotNil(t, r.At.Time, raw)
		assert.True(t, want.Equal(*r.At.Time), "%s: got %s", raw, r.At.Time)
		assert.Equal(t, KST, r.At.Time.Location(), raw)
	}
	r, err := decodeMember("at", `"2017-12-12"`)
	require.NoError(t, err)
	assert.Equal(t, "2017-12-12T00:00:00+09:00", r.At.Time.Format(time.RFC3339), "a date alone is midnight KST")
	for _, raw := range []string{`null`, `""`} {
		r, err := decodeMember("at", raw)
		require.NoError(t, err, raw)
		assert.Nil(t, r.At.Time, raw)
	}
	_, err = decodeMember("at", `"yesterday"`)
	assert.ErrorContains(t, err, `"yesterday" is not a time in a known layout`)
	_, err = decodeMember("at", `20180108`)
	assert.EqualError(t, err, "at: expected a time string, got a number")
	_, err = decodeMember("at", `true`)
	assert.EqualError(t, err, "at: expected a time string, got a boolean")
}

// A pointer to a tolerant type tells null (or absence) from the zero value, as
// Reply.PartnerTransferStatus relies on.
func TestPointersTellNullFromZero(t *testing.T) {
	t.Parallel()
	r, err := decodeMember("status", `null`)
	require.NoError(t, err)
	assert.Nil(t, r.Status, "null")
	r, err = decodeMember("text", `"x"`)
	require.NoError(t, err)
	assert.Nil(t, r.Status, "missing")
	r, err = decodeMember("status", `""`)
	require.NoError(t, err)
	require.NotNil(t, r.Status)
	assert.Equal(t, String(""), *r.Status)
	r, err = decodeMember("when", `"9007199254740993"`)
	require.NoError(t, err)
	require.NotNil(t, r.When)
	assert.Equal(t, Int64(9007199254740993), *r.When, "the inner type's tolerance applies")
	_, err = decodeMember("when", `"x"`)
	assert.EqualError(t, err, "when: x is not an integer", "and so do its errors")
}

// The types work at any depth of a document encoding/json reads, and in maps.
func TestTolerantTypesNest(t *testing.T) {
	t.Parallel()
	var r tolerantRecord
	require.NoError(t, json.Unmarshal([]byte(`{"id":"1","nested":[{"id":2,"ids":"3","flag":"Y","extra":{"k":5}}]}`), &r))
	assert.Equal(t, Int64(1), r.ID)
	require.Len(t, r.Nested, 1)
	assert.Equal(t, tolerantRecord{ID: 2, IDs: Int64s{3}, Flag: true, Extra: map[string]String{"k": "5"}}, r.Nested[0])
	_, err := decodeMember("nested", `[{"id":1},{"id":"x"}]`)
	assert.EqualError(t, err, "nested.id: x is not an integer", "an error names the member's path")
}
