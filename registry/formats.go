package registry

import (
	"context"
	"fmt"
)

// Source kinds reported in SourceInfo.Kind: the names of the source
// formats, and the Spec.Format that names one ("wash").
const (
	KindList     = "list"     // one number per line, optional header line (list.go)
	KindCSV      = "csv"      // delimited text with a header naming the number columns (csv.go)
	KindNANP     = "nanp"     // AAA,NNNNNNN area-code files, US DNC and Canada DNCL (nanp.go)
	KindSnapshot = "snapshot" // a snapshot written by WriteSnapshotFile (snapsource.go)
	KindWash     = "wash"     // NUMBER,VERDICT lines a wash service returns (wash.go)
	KindHistory  = "history"  // a contact history: number, called_at, outcome (history.go)
)

// sourceFormat is one format of registry source: how a source is
// recognised as one, and how its numbers are read. Each format lives in its
// own file; formats lists them all.
type sourceFormat interface {
	// kind is the format's name (SourceInfo.Kind).
	kind() string
	// sniff reports whether in, a source whose format was not given, is of
	// this format. It is asked only when every format before it in formats
	// said no; a format that must be given (wash) says no.
	sniff(in *input) (bool, error)
	// read reads in's numbers. Given by name (Spec.Format), a format reads
	// any content as its own, refusing what it cannot read.
	read(ctx context.Context, in *input) (*sourceData, error)
}

// textFormat is a sourceFormat read line by line (readTextSource).
type textFormat interface {
	sourceFormat
	// lines returns the lineFormat that reads the lines of in, whose start
	// is t, and whether t.line is data (false: a header, or a line that
	// is skipped).
	lines(in *input, t *textStart) (lf lineFormat, data bool, err error)
}

// readTextSource reads in with f: its first line, then the others on every
// core (input.readLines).
func readTextSource(ctx context.Context, in *input, f textFormat) (*sourceData, error) {
	t, err := in.start()
	if err != nil {
		return nil, err
	}
	lf, data, err := f.lines(in, t)
	if err != nil {
		return nil, err
	}
	sd, err := in.readLines(ctx, f.kind(), lf, data)
	if err != nil {
		return nil, err
	}
	sd.info.ColumnsIgnored = t.hdr.ignored
	sd.info.codes.cols = t.hdr.codeCols
	sd.info.ConsentedAt, sd.info.WithdrawnAt = t.hdr.consentedAt, t.hdr.withdrawnAt
	sd.recorded = t.hdr.recorded
	return sd, nil
}

// formats are the source formats, in the order a source's content is
// sniffed: a snapshot by its magic bytes; then, from the first line that is
// neither blank nor a comment, an area-code file (a header naming an area
// code column, or an AAA,NNNNNNN line), a CSV (a header of several columns
// naming a number column), and a plain list, which takes any other text.
// A wash result is never sniffed (its lines would read as a CSV's): it is
// given as "wash:PATH"; nor is a contact history, read by LoadHistory only. Adding a format is one file and one row here.
var formats = []sourceFormat{
	snapshotFormat{},
	nanpFormat{},
	csvFormat{},
	listFormat{},
	washFormat{},
	historyFormat{},
}

// formatNamed returns the format a Spec names, nil for "" (sniffed).
func formatNamed(name string) (sourceFormat, error) {
	if name == "" {
		return nil, nil
	}
	for _, f := range formats {
		if f.kind() == name {
			return f, nil
		}
	}
	return nil, fmt.Errorf("unknown source format %q", name)
}

// sniffFormat returns the first format in formats that in's content is of.
func sniffFormat(in *input) (sourceFormat, error) {
	for _, f := range formats {
		ok, err := f.sniff(in)
		if err != nil {
			return nil, err
		}
		if ok {
			return f, nil
		}
	}
	return listFormat{}, nil // cannot be: a list takes any text
}
