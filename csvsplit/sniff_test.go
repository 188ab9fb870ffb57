package csvsplit

import (
	"strings"
	"testing"
)

var sniffTests = []struct {
	name   string
	sample string
	want   byte
}{
	{"ExcelFrench", "Nom;Prénom;Téléphone;Montant\r\nDupont;Jean;01 23 45 67 89;12,50\r\nMartin;Marie;06 11 22 33 44;7,25\r\n", ';'},
	{"FrenchCommaInAllNumbers", "id;nom;montant;taux\r\n1;Dupont;12,50;3,2\r\n2;Martin;7,25;1,1\r\n3;Petit;0,99;5,5\r\n", ';'},
	{"FrenchCommaInSomeNumbers", "1;Dupont;12,50;x\r\n2;Martin;7;x\r\n3;Petit;1,5,2;y\r\n", ';'},
	{"FrenchCommaInQuoted", "Nom;Adresse;Ville\r\nDupont;\"12, rue de la Paix, bât. A\";Paris\r\nMartin;\"3, place X\";Lyon\r\n", ';'},
	{"US", "first_name,last_name,phone\nJohn,Smith,555-0100\nJane,Doe,555-0101\n", ','},
	{"USSemicolonInQuoted", "name,notes,phone\n\"Smith; John\",\"call; later\",555\n\"Doe; Jane\",x,556\n", ','},
	{"USQuotedMultiline", "a,b,c\n1,\"x;y\nz;w;v\",2\n3,4,5\n", ','},
	{"Tab", "a\tb\tc\n1\t2\t3\n4\t5,5\t6\n", '\t'},
	{"Pipe", "a|b|c\n1|2|3\n", '|'},
	{"PipeWithCommas", "a|b|c\n1,2|3|4\n5|6,7,8|9\n", '|'},
	{"SingleColumn", "phone\n0123456789\n0612345678\n", ','},
	{"SingleColumnWithSpaces", "Téléphone\r\n01 23 45 67 89\r\n06 12 34 56 78\r\n", ','},
	{"Empty", "", ','},
	{"NoNewline", "a;b;c", ';'},
	{"IncompleteLastLineIgnored", "a;b\n1;2\n3,4,5,6,7,8", ';'},
	{"Tie", "a;b,c\n", ';'},
	{"TieCommaTab", "a,b\tc\n", ','},
	{"BOM", "\xEF\xBB\xBFa;b\r\nc;d\r\n", ';'},
	{"MostConsistent", "a,b,c;d\n1,2,3\n4,5,6;7;8\n9,1,2\n", ','},
	{"CROnly", "Nom;Tel;Ville\rA;06,12;Paris\rB;07;Lyon\r", ';'},
	{"CROnlyComma", "Name,Phone\rA,0612345678\rB,0699999999\r", ','},
}

func TestSniffLineBreak(t *testing.T) {
	tests := []struct {
		sample string
		comma  byte
		want   LineBreak
	}{
		{"", ',', LF},
		{"no break", ',', LF},
		{"a,b\nc,d\n", ',', LF},
		{"a,b\r\nc,d\r\n", ',', CRLF},
		{"a,b\rc,d\r", ',', CR},
		{"a,b\r", ',', CR},
		{"Name,Phone\rA,0612345678\nB\n", ',', CR}, // the first break decides
		{"Name,Phone\nA,0612345678\rB\r", ',', LF},
		{"\xEF\xBB\xBFa;b\rc\r", ';', CR},
		{"\"a\rb\",c\nd\n", ',', LF},          // a CR inside quotes is data
		{"\"a\nb\",c\rd\r", ',', CR},          // an LF inside quotes too
		{"\"a\"\"\n\",c\r", ',', CR},          // "" inside quotes
		{"x\"a\nb\"\r", ',', LF},              // a quote inside a field is literal
		{"x;\"a\nb\"\r", ';', CR},             // a quote after the delimiter opens a field
		{"x;\"a\nb\"\r", ',', LF},             // ... but not after another byte
		{"\"open\r\n", ',', LF},               // still open at the end: no break seen
		{"\"a\"b\rc\n", ',', CR},              // text after a closing quote
		{"0612345678\r0145678901\r", ',', CR}, // a registry list
		{"\r\n\r\n", ',', CRLF},
		{"\r\r", ',', CR},
	}
	for _, tt := range tests {
		if got := SniffLineBreak([]byte(tt.sample), tt.comma); got != tt.want {
			t.Errorf("SniffLineBreak(%q, %q) = %v, want %v", tt.sample, tt.comma, got, tt.want)
		}
	}
	if LF.String() != "lf" || CRLF.String() != "crlf" || CR.String() != "cr" || LF.Byte() != '\n' || CRLF.Byte() != '\n' || CR.Byte() != '\r' {
		t.Error("LineBreak.String or Byte")
	}
}

func TestSniff(t *testing.T) {
	for _, tt := range sniffTests {
		if got := Sniff([]byte(tt.sample)); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	tests := []struct {
		sample string
		want   Encoding
	}{
		{"", UTF8},
		{"plain ascii;x\r\n", UTF8},
		{"T\xc3\xa9l\xc3\xa9phone", UTF8},
		{"\xEF\xBB\xBFT\xe9l", UTF8}, // the BOM wins
		{"T\xe9l\xe9phone;Pr\xe9nom", Windows1252},
		{"prix \x80", Windows1252},
		{"abc \xe2\x82", UTF8},             // "€" cut by the end of the sample
		{"abc \xf0\x9f\x98", UTF8},         // emoji cut
		{"abc \xe2", UTF8},                 // cut after the lead byte
		{"abc \xe2\x82 x", Windows1252},    // not at the end
		{"abc \xe9 \xe2\x82", Windows1252}, // invalid before the cut
		{"abc \xc3\xa9\x80", Windows1252},  // a stray continuation byte is not a cut
		{"abc \xe0\x80", Windows1252},      // not a possible prefix (overlong)
	}
	for _, tt := range tests {
		if got := DetectEncoding([]byte(tt.sample)); got != tt.want {
			t.Errorf("DetectEncoding(%q) = %v, want %v", tt.sample, got, tt.want)
		}
	}
}

func TestDetectEncodingDetail(t *testing.T) {
	tests := []struct {
		name         string
		sample       string
		want         Encoding
		invalid, off int
		mixed        bool
	}{
		{"Valid", "T\xc3\xa9l;Nom\nA;Zo\xc3\xa9\n", UTF8, 0, -1, false},
		{"OneBadByteInData", "T\xc3\xa9l;Nom\n06;Zo\xe9\n", UTF8, 1, 14, false},
		{"OneBadByteAsciiHeader", "Tel;Nom\n06;Zo\xc3\xa9\n07;H\xe9l\xc3\xa8ne\r\n", UTF8, 1, 20, false},
		{"BadBytesCRFile", "T\xc3\xa9l\r\xc3\xa9\r\xff\r", UTF8, 1, 8, false},
		{"BOMWithBadByte", "\xEF\xBB\xBFTel\nx\xe9\n", UTF8, 1, 8, false},
		{"AllWindows1252", "T\xe9l;Nom\n06;Zo\xe9\n", Windows1252, 0, -1, false},
		{"Windows1252DataOnly", "Tel;Nom\n06;Zo\xe9\n07;H\xe9l\xe8ne\n", Windows1252, 0, -1, false},
		{"BadHeader", "T\xe9l;Nom\n06;Zo\xc3\xa9;\xc3\xa9\n", Windows1252, 0, -1, false},
		{"MoreBadThanGood", "T\xc3\xa9l\n\xe9\xe8\n", Windows1252, 0, -1, false},
		{"CutAtTheEnd", "T\xc3\xa9l\nx\xe9\n\xe2\x82", UTF8, 1, 6, false},
		// A header that mixes UTF-8 and other bytes: its names are read one by one.
		{"MixedHeader", "Nom\xff;T\xc3\xa9l\nA;06\n", Windows1252, 0, -1, true},
		{"MixedHeaderCRLF", "Pr\xe9nom;T\xc3\xa9l\r\nA;06\r\n", Windows1252, 0, -1, true},
		{"MixedInDataOnly", "Tel;Nom\n06;Zo\xe9\n07;H\xc3\xa9\xe8\xe8ne\n", Windows1252, 0, -1, false},
	}
	for _, tt := range tests {
		g := DetectEncodingDetail([]byte(tt.sample))
		if g.Encoding != tt.want || g.Invalid != tt.invalid || g.FirstInvalid != tt.off || g.MixedHeader != tt.mixed {
			t.Errorf("%s: DetectEncodingDetail(%q) = %+v, want %v, %d invalid, first at %d", tt.name, tt.sample, g, tt.want, tt.invalid, tt.off)
		}
	}
}

func TestDecodeName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"T\xc3\xa9l", "Tél"},   // valid UTF-8: as is
		{"T\xe9l", "Tél"},       // not UTF-8: Windows-1252
		{"Nom\xff", "Nomÿ"},     // one bad byte: the cell alone is Windows-1252
		{"\xc3\xa9\xe9", "Ã©é"}, // a cell that is not UTF-8 is Windows-1252 throughout
		{"Phone", "Phone"},
		{"", ""},
	} {
		if got := DecodeName([]byte(tt.in)); got != tt.want {
			t.Errorf("DecodeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeString(t *testing.T) {
	tests := []struct {
		e    Encoding
		in   string
		want string
	}{
		{Windows1252, "T\xe9l\xe9phone", "Téléphone"},
		{Windows1252, "Pr\xe9nom", "Prénom"},
		{Windows1252, "\x80 \x9c\x8a", "€ œŠ"},
		{Windows1252, "ascii", "ascii"},
		{UTF8, "Téléphone", "Téléphone"},
		{UTF8, "T\xe9l", "T\xe9l"},
	}
	for _, tt := range tests {
		if got := DecodeString(tt.e, []byte(tt.in)); got != tt.want {
			t.Errorf("DecodeString(%v, %q) = %q, want %q", tt.e, tt.in, got, tt.want)
		}
	}
	if UTF8.String() != "utf-8" || Windows1252.String() != "windows-1252" || !strings.HasPrefix(Encoding(7).String(), "Encoding(") {
		t.Error("Encoding.String")
	}
}

// TestMixedLineEndingsMessage checks that the error of a stray line break
// names the file's own convention: LF, CRLF, or a bare CR.
func TestMixedLineEndingsMessage(t *testing.T) {
	for _, tt := range []struct {
		text string
		want string
	}{
		{"a;b\nc;d\re;f\n", "a bare CR (not followed by LF) ends a line of a file whose lines end with LF:"},
		{"a;b\r\nc;d\re;f\r\n", "a bare CR (not followed by LF) ends a line of a file whose lines end with CRLF:"},
		{"a;b\rc;d\ne;f\r", "an LF ends a line of a file whose first line ends with a bare CR"},
	} {
		lb := SniffLineBreak([]byte(tt.text), ';')
		r := NewReader(strings.NewReader(tt.text), Options{Name: "f", Comma: ';', LineBreak: lb})
		var b Batch
		var err error
		for err == nil {
			err = r.ReadBatch(&b, 10, 1<<20)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q (%v): error %q, want it to say %q", tt.text, lb, err, tt.want)
		}
	}
}
