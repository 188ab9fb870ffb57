package registry

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
)

// attempt is one expected history attempt.
type attempt struct {
	e164    string
	at      string // RFC 3339
	refused bool
}

// historyProbe is a policy under which a number is blocked exactly while
// one of its attempts (attempt-limit) or refusals (refused-recently) is in
// the hour before: asked at an attempt's second and the one before, it
// tells whether the attempt is there, at that second, and refused.
var historyProbe = func() *policy.Policy {
	day := `["00:00-24:00"]`
	p, err := policy.Parse([]byte(`{"name":"probe","windows":{"monday":` + day + `,"tuesday":` + day + `,"wednesday":` + day +
		`,"thursday":` + day + `,"friday":` + day + `,"saturday":` + day + `,"sunday":` + day +
		`},"attempt_limit":1,"attempt_window":"1h","refusal_cooldown":"1h"}`))
	if err != nil {
		panic(err)
	}
	return p
}()

// keyOf returns the key of an E.164 number.
func keyOf(t testing.TB, e164 string) normalize.Key {
	t.Helper()
	k, err := policy.KeyOf(e164)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sameHistory fails unless got holds the attempts want does: as many
// lines, and the same answer from historyProbe for each number at each
// attempt's second, the second before and the hour after.
func sameHistory(t *testing.T, got *policy.History, want []attempt) {
	t.Helper()
	var b policy.HistoryBuilder
	for _, a := range want {
		at, err := time.Parse(time.RFC3339Nano, a.at)
		if err != nil {
			t.Fatal(err)
		}
		b.Add(keyOf(t, a.e164), at, a.refused)
	}
	ref, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines() != ref.Lines() || got.Numbers() != ref.Numbers() {
		t.Fatalf("%d attempts of %d numbers, want %d of %d", got.Lines(), got.Numbers(), ref.Lines(), ref.Numbers())
	}
	keys := map[string]normalize.Key{}
	for _, a := range want {
		keys[a.e164] = keyOf(t, a.e164)
	}
	for _, a := range want {
		at, _ := time.Parse(time.RFC3339Nano, a.at)
		for e164, k := range keys {
			for _, d := range []time.Duration{-time.Second, 0, time.Hour - time.Second, time.Hour} {
				tt := at.Add(d)
				if g, r := historyProbe.Reason(k, tt, got), historyProbe.Reason(k, tt, ref); g != r {
					t.Fatalf("%s at %s: %v, want %v", e164, tt.Format(time.RFC3339), g, r)
				}
			}
		}
	}
}

// xlsx returns a workbook of one sheet holding rows: a time.Time is a
// date and time cell, as Excel writes one (without a zone), a bookDay a
// date cell.
func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dayStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if d, ok := v.(bookDay); ok {
				v = time.Time(d)
				if err := f.SetCellStyle("Sheet1", ref, ref, dayStyle); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.SetCellValue("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cp1252 re-encodes the UTF-8 text s to Windows-1252 (its Latin-1 range).
func cp1252(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r))
	}
	return out
}
