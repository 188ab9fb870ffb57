package csvsplit

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestAppendField lists the quoting rule: a field is quoted when it holds
// the delimiter, a quote, CR or LF, and only then; whatever is written reads
// back, through the Reader and through encoding/csv, as the one field given.
func TestAppendField(t *testing.T) {
	for _, c := range []struct {
		v     string
		comma byte
		want  string
	}{
		{"", ',', ``},
		{"registered", ',', `registered`},
		{"a,b", ',', `"a,b"`},
		{"a;b", ';', `"a;b"`},
		{"a\tb", '\t', "\"a\tb\""},
		{"a|b", '|', `"a|b"`},
		// Another file's delimiter is data.
		{"a;b", ',', `a;b`},
		{"a,b", ';', `a,b`},
		{"a\tb", '|', "a\tb"},
		{"a|b", '\t', `a|b`},
		{`say "hi"`, ',', `"say ""hi"""`},
		{`"`, ';', `""""`},
		{`""`, ';', `""""""`},
		{`a"`, ';', `"a"""`},
		{"a\rb", ',', "\"a\rb\""},
		{"a\nb", ';', "\"a\nb\""},
		{"two\nlines", ',', "\"two\nlines\""},
		{"a\r\nb", '\t', "\"a\r\nb\""},
		{" lead", ',', ` lead`},
		{"trail ", ';', `trail `},
		{"  ", ',', `  `},
		{"sirene+bloctel", ';', `sirene+bloctel`},
		{"Téléphone", ',', `Téléphone`},
	} {
		got := string(AppendField([]byte("x"), c.v, c.comma))
		if got != "x"+c.want {
			t.Errorf("AppendField(%q, %q) = %q, want %q", c.v, c.comma, got[1:], c.want)
			continue
		}
		if q := NeedsQuotes(c.v, c.comma); q != (c.want != c.v) {
			t.Errorf("NeedsQuotes(%q, %q) = %v", c.v, c.comma, q)
		}
		// Read back as the second field of a record, between two others.
		rec := "a" + string(c.comma) + c.want + string(c.comma) + "z\n"
		res := readAll(t, []byte(rec), c.comma, readConfig{lb: SniffLineBreak([]byte(rec), c.comma)})
		if res.err != nil || len(res.fields) != 1 || len(res.fields[0]) != 3 || res.fields[0][1] != c.v {
			t.Errorf("AppendField(%q, %q): the Reader reads %q back as %q (%v)", c.v, c.comma, rec, res.fields, res.err)
		}
		cr := csv.NewReader(bytes.NewReader([]byte(rec)))
		cr.Comma = rune(c.comma)
		got2, err := cr.Read()
		if err != nil || len(got2) != 3 || got2[1] != normCRLF(c.v) {
			t.Errorf("AppendField(%q, %q): encoding/csv reads %q back as %q (%v)", c.v, c.comma, rec, got2, err)
		}
	}
}

// normCRLF is v as encoding/csv returns it from a quoted field: CRLF as LF.
func normCRLF(v string) string { return strings.ReplaceAll(v, "\r\n", "\n") }

func TestAppendQuoted(t *testing.T) {
	for _, c := range []struct{ v, want string }{
		{"", `""`},
		{"a", `"a"`},
		{" a ", `" a "`},
		{`a"b"c`, `"a""b""c"`},
		{`"`, `""""`},
	} {
		if got := string(AppendQuoted(nil, c.v)); got != c.want {
			t.Errorf("AppendQuoted(%q) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestAppendFieldAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = AppendField(buf[:0], `a "b", c`, ',') }); n != 0 {
		t.Errorf("AppendField allocates %v times", n)
	}
}
