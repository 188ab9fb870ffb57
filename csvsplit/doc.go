// Package csvsplit splits delimited text (CSV as Excel and databases export
// it) into records and fields without copying or re-encoding the record bytes,
// so that a record can be written back out exactly as it was read.
//
// # Format
//
// Records are read as RFC 4180 as Excel writes them. Fields are separated by
// Options.Comma. A field starting with a double quote is quoted: it may hold
// the delimiter, CR and LF, and "" stands for one quote. Records end with LF
// or CRLF, or, in a file whose Options.LineBreak is CR (old Mac files,
// Excel's "CSV (Macintosh)"), with CR. The convention is the file's, decided
// once from its start by SniffLineBreak: outside quotes, a line break of the
// other kind (a CR not followed by LF in an LF file, an LF in a CR file) is
// an ErrMixedLineEndings error, since a row would otherwise be swallowed
// into the one before it. (An LF file is checked for bare CRs in its first
// 64 KiB only; see lfCheckBytes.) The last record may lack a terminator.
//
// Bytes are never decoded: the delimiter, the quote, CR and LF are ASCII and
// the encodings read (UTF-8, Windows-1252) are ASCII-compatible. A UTF-8 BOM
// at the very start of the input belongs to the first record's Raw and
// Content but not to its first field (a line holding only the BOM is thus a
// record with one empty field, so the BOM is written back out with it).
//
// Blank lines ("\n" or "\r\n" where a record would start, "\r" in CR mode) are skipped and
// counted by Reader.BlankLines. A line of spaces or of delimiters only is a
// record. The Raw bytes of the records and the skipped blank lines, in order,
// are the input byte for byte.
//
// Given (with Comma ';' and CRLF line ends)
//
//	Nom;Prénom;"Adresse"
//	Dupont;Jean;"12, rue ""Haute""
//	Bât. A"
//
//	;;
//
// ReadBatch yields three records, and counts one blank line:
//
//	Line 1: {`Nom`, `Prénom`, `Adresse`}
//	Line 2: {`Dupont`, `Jean`, "12, rue \"Haute\"\r\nBât. A"}
//	Line 5: {``, ``, ``}
//
// and Raw(1) is "Dupont;Jean;\"12, rue \"\"Haute\"\"\r\nBât. A\"\r\n".
//
// # Leniency
//
// Sloppy quoting, which encoding/csv rejects unless LazyQuotes is set, is read
// as follows (a quote is special only at the very start of a field):
//
//   - A quote inside an unquoted field is literal: a"b;c" gives {`a"b`, `c"`}.
//     A field starting with a space is unquoted: ` "x"` stays ` "x"`.
//   - A quote inside a quoted field that is neither doubled nor followed by
//     the delimiter or a line end closes the field anyway, and the text after
//     it, up to the next delimiter or line end, is appended verbatim (quotes
//     in it are literal): "a"b;"c"""d"e gives {`ab`, `c"d"e`}, and
//     "x" ;y gives {`x `, `y`}.
//
// encoding/csv (with LazyQuotes false) rejects all of these. On every input
// it accepts, csvsplit reads the same records and fields (a property checked
// by FuzzReadBatch), apart from bare CRs outside quotes, which encoding/csv
// reads as data and csvsplit refuses, and encoding/csv's own rewriting of the data: it
// turns CRLF inside quoted fields into LF, drops a CR at the very end of the
// input, and keeps a BOM in the first field.
//
// Errors are *ParseError values. A quoted field still open at the end of the
// input is an ErrQuote error located at its opening quote (the text after it
// cannot be split reliably). A record longer than Options.MaxRecordBytes
// (terminator included) fails with "record exceeds N bytes", located at the
// first byte past the limit; the Reader stops buffering at that limit, so a
// huge field or an endless line (a decompression bomb) never makes it hold
// much more than MaxRecordBytes. (A valid record close to the limit is held
// in the Reader's buffer and copied into a Batch, its unescaped values into
// the Batch's side buffer: a few times its size in all.) Errors are final:
// the Reader returns the same error from then on.
//
// # Batches
//
// ReadBatch copies whole records into a Batch's own buffer, so a Batch can be
// handed to another goroutine while the Reader fills the next one. Values of
// unquoted fields and of quoted fields without "" or trailing text are
// sub-slices of the copied record; the others are unescaped into a second
// buffer of the Batch. Both buffers and the field offsets are reused, so
// reading into the same Batches does not allocate once they have grown to the
// batch size.
package csvsplit
