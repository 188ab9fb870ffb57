package scrub

import (
	"bytes"
	"fmt"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/workbook"
)

// sampleSize is how much of the input's start its format is sniffed from.
const sampleSize = 64 << 10

// textFormat is how the input's text is read: given by Options, or sniffed
// from its first sampleSize bytes.
type textFormat struct {
	comma   byte
	lb      csvsplit.LineBreak
	enc     csvsplit.Encoding
	perCell bool   // header names decoded each on its own (see chooseEncoding)
	note    string // why text read as UTF-8 is not quite that; "" when it is
}

// sniffText refuses an input that is not delimited text and decides its
// delimiter (Options.Delimiter, else sniffed), line breaks and encoding.
func sniffText(in *input, o Options) (textFormat, error) {
	sample, _ := in.text.Peek(sampleSize)
	if err := checkText(in.name, sample); err != nil {
		return textFormat{}, err
	}
	tf := textFormat{comma: o.Delimiter}
	if tf.comma == 0 {
		tf.comma = csvsplit.Sniff(sample)
	}
	tf.lb = csvsplit.SniffLineBreak(sample, tf.comma)
	var err error
	tf.enc, tf.perCell, tf.note, err = chooseEncoding(in.name, o.Encoding, sample, tf.lb)
	return tf, err
}

// checkText refuses inputs that are not delimited text at all, which would
// otherwise come out as rows of garbage: compressed workbooks, UTF-16
// exports, binary.
func checkText(name string, sample []byte) error {
	switch {
	case workbook.IsWorkbook(sample):
		// A workbook given as itself never gets here (openRows): this
		// one was compressed.
		return fmt.Errorf("%s: a gzip-compressed workbook: decompress it (gunzip) and give the workbook itself", name)
	case bytes.HasPrefix(sample, []byte("\xff\xfe")) || bytes.HasPrefix(sample, []byte("\xfe\xff")):
		return fmt.Errorf("%s: UTF-16 text (Excel's \"Unicode text\"): save it as CSV UTF-8", name)
	}
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		line := 1 + bytes.Count(sample[:i], []byte("\n"))
		return fmt.Errorf("%s:%d: NUL byte: binary data, not delimited text", name, line)
	}
	return nil
}

// chooseEncoding resolves --encoding. With auto, a sample kept as UTF-8
// although some of its bytes are not valid UTF-8 gets a note saying where
// the first is (its line, never its bytes, which may be a phone number);
// and a header that mixes UTF-8 with bytes that are not has its names read
// each on its own (perCell: csvsplit.DecodeName), with a note, so that one
// bad byte in a name does not turn Tél into TÃ©l.
func chooseEncoding(file, name string, sample []byte, lb csvsplit.LineBreak) (_ csvsplit.Encoding, perCell bool, note string, _ error) {
	switch name {
	case "", "auto":
		g := csvsplit.DetectEncodingDetail(sample)
		switch {
		case g.Invalid > 0:
			line := 1 + bytes.Count(sample[:g.FirstInvalid], []byte{lb.Byte()})
			note = fmt.Sprintf("%s:%d: %d byte(s) in the first %d bytes are not valid UTF-8: read as UTF-8 all the same, as the header and the rest are (give --encoding to decide)",
				file, line, g.Invalid, len(sample))
		case g.MixedHeader:
			note = fmt.Sprintf("%s:1: the header mixes UTF-8 and bytes that are not: each header name was read on its own, as UTF-8 where it is valid and as Windows-1252 elsewhere (give --encoding to decide)", file)
		}
		return g.Encoding, g.MixedHeader, note, nil
	case "utf-8", "utf8", "UTF-8":
		return csvsplit.UTF8, false, "", nil
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return csvsplit.Windows1252, false, "", nil
	}
	return 0, false, "", usageErrorf("--encoding %q: want auto, utf-8 or windows-1252", name)
}

func encodingName(e csvsplit.Encoding) string {
	if e == csvsplit.Windows1252 {
		return "windows-1252"
	}
	return "utf-8"
}
