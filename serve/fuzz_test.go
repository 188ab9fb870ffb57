package serve

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseJSONBatch checks the batch parser against encoding/json: it
// accepts what json.Unmarshal reads as an array of strings, with the same
// strings, and nothing else.
func FuzzParseJSONBatch(f *testing.F) {
	for _, s := range []string{`[]`, ` [ "a" , "b" ] `, `["\u00e9\n\"x\\"]`, `["\ud83d\ude00"]`, "[\"\xff\"]",
		`["a",]`, `[1]`, `["a"] x`, `{}`, `[`, `["a`, `["\x"]`, "[\"a\tb\"]", `[null]`, `["0612345678","+33 6 12"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, err := parseJSONBatch(body, 1000)
		var want []string
		jerr := json.Unmarshal([]byte(body), &want)
		if jerr == nil && err != nil && strings.Contains(body, "null") {
			return // json reads null (and a null element) without error; the parser wants strings
		}
		switch {
		case errors.Is(err, errTooMany):
			if jerr == nil && len(want) <= 1000 {
				t.Fatalf("%q: too many, json reads %d", body, len(want))
			}
		case (err == nil) != (jerr == nil):
			t.Fatalf("%q: parse error %v, json error %v", body, err, jerr)
		case err == nil && !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0):
			t.Fatalf("%q: %q, json %q", body, got, want)
		}
	})
}

// FuzzAppendJSONString checks that a string written by appendJSONString
// reads back with encoding/json as itself (invalid UTF-8 as U+FFFD).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "0612345678", `a"b\c`, "\x00\x1f\n\r\t", "é\u2028\u2029", "\xff\xfe", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q: %s does not read: %v", s, b, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); got != want && !utf8.ValidString(s) {
			// ToValidUTF8 merges a run of invalid bytes into one U+FFFD;
			// encoding/json replaces each byte.
			if strings.ReplaceAll(got, "\uFFFD", "") != strings.ReplaceAll(want, "\uFFFD", "") {
				t.Fatalf("%q: reads back %q", s, got)
			}
		} else if got != want {
			t.Fatalf("%q: reads back %q", s, got)
		}
	})
}

// FuzzAppendAnswerText checks a text line against encoding/csv: it reads
// back as the four fields written.
func FuzzAppendAnswerText(f *testing.F) {
	for _, s := range []string{"0612345678", "a,b", `say "hi"`, `"`, ",", "a\rb", " x "} {
		f.Add(s, "not-a-number", "bloctel+internal")
	}
	f.Fuzz(func(t *testing.T, number, reason, source string) {
		if strings.ContainsAny(number+reason+source, "\n\r") || !utf8.ValidString(number+reason+source) {
			return // a line of a text batch holds no line end
		}
		a := answer{number: number, status: iInvalid, reason: reason, source: source}
		line := appendAnswerText(nil, &a)
		r := csv.NewReader(strings.NewReader(string(line)))
		r.LazyQuotes = false
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if want := []string{number, StatusInvalid, reason, source}; !slices.Equal(rec, want) {
			// encoding/csv trims nothing but reads a lone empty line as none.
			if !(number == "" && reason == "" && source == "") {
				t.Fatalf("%q reads %q, want %q", line, rec, want)
			}
		}
	})
}

func TestParseTextBatch(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"a\r\nb\r\n", []string{"a", "b"}},
		{"a\n\nb", []string{"a", "", "b"}},
		{"\n", []string{""}},
		{"a\rb\n", []string{"a\rb"}},
	} {
		got, err := parseTextBatch(tt.body, 10)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%q: %q %v, want %q", tt.body, got, err, tt.want)
		}
	}
	if _, err := parseTextBatch("a\nb\nc", 2); !errors.Is(err, errTooMany) {
		t.Errorf("3 lines, max 2: %v", err)
	}
	if got, err := parseTextBatch("a\nb\n", 2); err != nil || len(got) != 2 {
		t.Errorf("2 lines, max 2: %q %v", got, err)
	}
}
