package csvsplit

import (
	"bytes"
	"strings"
	"testing"
)

// TestAppendRecord checks that appended records read as their fields, and
// that their Raw bytes, read back by a Reader, are the same fields.
func TestAppendRecord(t *testing.T) {
	rows := [][]string{
		{"Nom", "Téléphone", "Ville"},
		{"Dupont", "06 12 34 56 78", "Paris"},
		{"", "", ""},
		{`a "quoted" one`, "x;y", "two\r\nlines"},
		{"lone\rcr", "lf\nonly", ""},
		{"one"},
	}
	var b Batch
	b.Reset()
	var raw []byte
	for i, r := range rows {
		var fields [][]byte
		var tags []byte
		for j, f := range r {
			fields = append(fields, []byte(f))
			tags = append(tags, byte(10*i+j))
		}
		if !b.AppendRecord(';', 2*i+3, fields, tags) {
			t.Fatalf("row %d not appended", i)
		}
	}
	if b.Len() != len(rows) {
		t.Fatalf("Len = %d, want %d", b.Len(), len(rows))
	}
	for i, r := range rows {
		if got := b.Line(i); got != 2*i+3 {
			t.Errorf("Line(%d) = %d, want %d", i, got, 2*i+3)
		}
		if b.NumFields(i) != len(r) {
			t.Fatalf("NumFields(%d) = %d, want %d", i, b.NumFields(i), len(r))
		}
		for j, f := range r {
			if got := string(b.Field(i, j)); got != f {
				t.Errorf("Field(%d,%d) = %q, want %q", i, j, got, f)
			}
			if got := b.Tag(i, j); got != byte(10*i+j) {
				t.Errorf("Tag(%d,%d) = %d, want %d", i, j, got, 10*i+j)
			}
		}
		if !bytes.HasSuffix(b.Raw(i), []byte("\r\n")) || !bytes.Equal(b.Raw(i)[:len(b.Content(i))], b.Content(i)) {
			t.Errorf("Raw(%d) = %q, Content %q", i, b.Raw(i), b.Content(i))
		}
		if i > 0 && !b.Adjacent(i) {
			t.Errorf("record %d not adjacent", i)
		}
		raw = append(raw, b.Raw(i)...)
	}
	if !bytes.Equal(b.RawRun(0, len(rows)), raw) {
		t.Errorf("RawRun differs from the Raw records")
	}

	r := NewReader(bytes.NewReader(raw), Options{Comma: ';', LineBreak: CRLF})
	var back Batch
	if err := r.ReadBatch(&back, 0, 0); err != nil {
		t.Fatal(err)
	}
	if back.Len() != len(rows) {
		t.Fatalf("read back %d records, want %d", back.Len(), len(rows))
	}
	for i, row := range rows {
		var got []string
		for j := range back.NumFields(i) {
			got = append(got, string(back.Field(i, j)))
			if back.Tag(i, j) != 0 {
				t.Errorf("a parsed field has tag %d", back.Tag(i, j))
			}
		}
		if strings.Join(got, "|") != strings.Join(row, "|") {
			t.Errorf("record %d read back as %q, want %q", i, got, row)
		}
	}

	// Reset forgets the records and their tags.
	b.Reset()
	if b.Len() != 0 {
		t.Fatalf("Len after Reset = %d", b.Len())
	}
	b.AppendRecord(',', 7, [][]byte{[]byte("a")}, nil)
	if b.Tag(0, 0) != 0 || b.Line(0) != 7 {
		t.Errorf("after Reset: Tag %d, Line %d", b.Tag(0, 0), b.Line(0))
	}
}
