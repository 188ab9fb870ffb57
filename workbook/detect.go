package workbook

import (
	"bytes"
	"fmt"
	"io"

	"github.com/richardlehane/mscfb"
)

var (
	zipMagic = []byte("PK\x03\x04")
	zipEmpty = []byte("PK\x05\x06")
	zipSpan  = []byte("PK\x07\x08")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// IsWorkbook reports whether a file starting with head is one that Open is
// for: a zip archive (an .xlsx, .xlsm, and also .ods, .xlsb or another zip,
// which Open refuses with a clear error) or an OLE compound file (an .xls,
// or an encrypted .xlsx). head should be at least 8 bytes.
func IsWorkbook(head []byte) bool {
	return bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, zipEmpty) ||
		bytes.HasPrefix(head, zipSpan) || bytes.HasPrefix(head, oleMagic)
}

// openOLE says what an OLE compound file is, as Open's error: an encrypted
// OOXML workbook (Excel stores those in an OLE container, with the
// EncryptionInfo and EncryptedPackage streams), an Excel 97-2003 workbook
// (a Workbook or, before Excel 97, Book stream), or something else.
func openOLE(r io.ReaderAt, name string) error {
	doc, err := mscfb.New(r)
	if err != nil {
		return fmt.Errorf("%s: corrupt or truncated compound file (an .xls or a password-protected workbook?): %v: %w", name, err, ErrCorrupt)
	}
	var encrypted, biff bool
	for _, f := range doc.File {
		switch f.Name {
		case "EncryptionInfo", "EncryptedPackage":
			encrypted = true
		case "Workbook", "Book", "WORKBOOK", "BOOK":
			biff = true
		}
	}
	switch {
	case encrypted:
		return fmt.Errorf("%s: %w", name, ErrEncrypted)
	case biff:
		return fmt.Errorf("%s: %w", name, ErrLegacyExcel)
	}
	return fmt.Errorf("%s: an OLE compound file (a Word, PowerPoint or other document?), %w", name, ErrNotWorkbook)
}
