package csvsplit

import (
	"bytes"
	"unicode/utf8"
)

// sniffCandidates are the delimiters Sniff chooses from, in tie-break order.
var sniffCandidates = [...]byte{';', ',', '\t', '|'}

// sniffMaxRecords bounds the records Sniff looks at.
const sniffMaxRecords = 1000

func sniff(sample []byte) byte {
	if k := bytes.LastIndexByte(sample, '\n'); k >= 0 {
		sample = sample[:k+1]
	}
	best := byte(',')
	bestHit, bestTotal := 0, 1 // best score so far, as the fraction bestHit/bestTotal
	var b Batch
	counts := make(map[int]int)
	for _, c := range sniffCandidates {
		clear(counts)
		r := NewReader(bytes.NewReader(sample), Options{Comma: c, MaxRecordBytes: len(sample) + 1})
		r.bufSize = len(sample) + 1
		total := 0
		// A record cut by the end of the sample (an open quote) ends the count.
		for r.ReadBatch(&b, sniffMaxRecords-total, 0) == nil {
			for i := range b.Len() {
				counts[b.NumFields(i)]++
			}
			total += b.Len()
			if total >= sniffMaxRecords {
				break
			}
		}
		mode, hit := 0, 0
		for n, h := range counts {
			if h > hit || h == hit && n > mode {
				mode, hit = n, h
			}
		}
		if mode <= 1 || total == 0 {
			continue
		}
		if hit*bestTotal > bestHit*total {
			best, bestHit, bestTotal = c, hit, total
		}
	}
	return best
}

func detectEncoding(sample []byte) Encoding {
	if bytes.HasPrefix(sample, []byte(bom)) || utf8.Valid(sample) {
		return UTF8
	}
	// Allow a multi-byte sequence cut by the end of the sample: find the last
	// rune start among the final bytes.
	for k := 1; k < utf8.UTFMax && k <= len(sample); k++ {
		p := len(sample) - k
		if utf8.RuneStart(sample[p]) {
			if !utf8.FullRune(sample[p:]) && utf8.Valid(sample[:p]) {
				return UTF8
			}
			break
		}
	}
	return Windows1252
}
