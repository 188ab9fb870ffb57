package workbook

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// FuzzWriter writes two arbitrary texts (in A1 and C1, B1 empty) and reads
// them back with excelize: the same texts, or an error of WriteRow that the
// texts call for (invalid UTF-8, too long).
func FuzzWriter(f *testing.F) {
	for _, s := range [][2]string{
		{"06 12 34 56 78", "Zoé"},
		{"line\r\nbreak", "_x000D_"},
		{"_x0041_", "_x005F_x0041_"},
		{`<&>"'`, "]]>"},
		{"\x00\x01\x1f", "\ufffe\uffff"},
		{"bad \xff utf-8", ""},
		{"_X00e9_", "__x__x1234_"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, c string) {
		var out bytes.Buffer
		w := NewWriter(&out, "Sheet1")
		err := w.WriteRow([][]byte{[]byte(a), nil, []byte(c)}, []Kind{Text, Empty, Text})
		if err != nil {
			valid := utf8.ValidString(a) && utf8.ValidString(c)
			long := utf16Units(a) > MaxTextLen || utf16Units(c) > MaxTextLen
			if !(errors.Is(err, ErrInvalidUTF8) && !valid || errors.Is(err, ErrTextTooLong) && long) {
				t.Fatalf("WriteRow(%q, %q): %v", a, c, err)
			}
			return
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		book, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatalf("excelize cannot open it: %v", err)
		}
		defer book.Close()
		for ref, want := range map[string]string{"A1": a, "B1": "", "C1": c} {
			got, err := book.GetCellValue("Sheet1", ref)
			if err != nil || got != want {
				t.Errorf("%s: read back %q, %v; want %q", ref, got, err, want)
			}
		}
	})
}

// utf16Units counts s's UTF-16 code units.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}
