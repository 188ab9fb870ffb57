package csvsplit

import (
	"fmt"
	"testing"
)

func TestLineDelimiter(t *testing.T) {
	for _, c := range []struct {
		line string
		want byte
	}{
		{"numero", 0},
		{"nom;tel;ville", ';'},
		{"id,name,phone", ','},
		{"a\tb", '\t'},
		{"a|b", '|'},
		{`"Dupont; J",tel`, ','}, // a delimiter between quotes is data
		{"a;b,c", ';'},           // a tie goes to ';'
		{"a,b,c;d", ','},
		{`"a;b"`, 0},
	} {
		if got := LineDelimiter([]byte(c.line)); got != c.want {
			t.Errorf("LineDelimiter(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

func TestSplitLine(t *testing.T) {
	for _, c := range []struct {
		line  string
		comma byte
		want  string
		ok    bool
	}{
		{"a;b;c", ';', "[a b c]", true},
		{` a ; "b;c" ;"d""e"`, ';', `[a b;c d"e]`, true},
		{"a;;", ';', "[a  ]", true},
		{`"0612"`, 0, "[0612]", true},
		{`a;"b`, ';', "[a]", false},        // open at the end of the line
		{`a;06"12;c`, ';', "[a]", false},   // a quote inside a field
		{`a;"06"12";c`, ';', "[a]", false}, // a quote that does not pair up
		{"", ',', "[]", true},
	} {
		got, ok := SplitLine([]byte(c.line), c.comma, nil)
		if s := fmt.Sprintf("%s", got); s != c.want || ok != c.ok {
			t.Errorf("SplitLine(%q, %q) = %s, %v; want %s, %v", c.line, c.comma, s, ok, c.want, c.ok)
		}
		// FieldAt agrees with SplitLine on every field of a good line.
		if c.ok {
			for i, f := range got {
				g, present, bad := FieldAt([]byte(c.line), c.comma, i)
				if string(g) != string(f) || !present || bad {
					t.Errorf("FieldAt(%q, %d) = %q, %v, %v; want %q", c.line, i, g, present, bad, f)
				}
			}
			if _, present, _ := FieldAt([]byte(c.line), c.comma, len(got)); present && c.comma != 0 {
				t.Errorf("FieldAt(%q, %d): present past the last field", c.line, len(got))
			}
		}
	}
	if _, present, bad := FieldAt([]byte(`a;"b`), ';', 1); present || !bad {
		t.Errorf(`FieldAt("a;\"b", 1): want bad, not present`)
	}
}

func TestUnquote(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{` "06 12" `, "06 12", true},
		{`"a""b"`, `a"b`, true},
		{"plain", "plain", true},
		{`"open`, `"open`, false},
		{`a"b`, `a"b`, false},
		{`"a"b"`, `"a"b"`, false},
		{`""`, "", true},
	} {
		got, ok := Unquote([]byte(c.in))
		if string(got) != c.want || ok != c.ok {
			t.Errorf("Unquote(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzFieldAt checks FieldAt, quoted lines and its fast path for lines
// without quotes, against SplitLine: field by field, and past the last.
func FuzzFieldAt(f *testing.F) {
	for _, s := range []string{"a;b;c", " 06 12 ; x ;", `"a;b";c`, ";;", "", "a\tb", `a;"b""c";d`, `a;"b`} {
		f.Add(s, byte(';'))
	}
	f.Add("a,b", byte(','))
	f.Fuzz(func(t *testing.T, line string, comma byte) {
		if comma == 0 || comma == '"' {
			return
		}
		fields, ok := SplitLine([]byte(line), comma, nil)
		for i := range len(fields) + 1 {
			g, present, bad := FieldAt([]byte(line), comma, i)
			if !ok {
				break // malformed: TestSplitLine and TestFieldAt cover it
			}
			if n, cok := CountFields([]byte(line), comma); i == 0 && (!cok || n != len(fields)) {
				t.Fatalf("CountFields(%q) = %d, %v; SplitLine has %d fields", line, n, cok, len(fields))
			}
			switch {
			case i < len(fields) && (!present || bad || string(g) != string(fields[i])):
				t.Fatalf("FieldAt(%q, %d) = %q, %v, %v; SplitLine says %q", line, i, g, present, bad, fields[i])
			case i == len(fields) && present:
				t.Fatalf("FieldAt(%q, %d): present past the last of %d fields", line, i, len(fields))
			}
		}
	})
}
