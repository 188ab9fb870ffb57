package gen

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// HistoryVersion changes whenever the history generated from the same data
// set changes.
const HistoryVersion = 1

// At is the instant the bench's policy runs judge the history at: a Monday
// morning in Paris, inside the fr windows and on no holiday of any French
// number, so that for every row the history alone decides.
var At = time.Date(2026, time.December, 7, 10, 30, 0, 0, time.FixedZone("", 3600))

// Rules of the fr policy the model applies to the history (the policy
// package's preset; cli.md, "Contact policy").
const (
	attemptLimit    = 4
	attemptWindow   = 720 * time.Hour  // (At − 720 h, At]
	refusalCooldown = 1440 * time.Hour // (At − 1440 h, At]
	historySpan     = 90 * 24 * time.Hour
)

// Outcomes of the history's lines; refused is the one the policy counts as
// a refusal.
var outcomes = []string{"answered", "no-answer", "voicemail", "busy"}

// HistoryMeta describes a generated contact history and what the fr policy
// at At makes of the data set's rows with it.
type HistoryMeta struct {
	Version  int    `json:"version"`
	Data     int    `json:"data_version"` // Meta.Version of the rows it was drawn from
	Rows     int    `json:"rows"`
	Registry int    `json:"registry"`
	Lines    int    `json:"lines"`
	At       string `json:"at"`
	Refusals int    `json:"refusals"`  // lines whose outcome is refused
	FromFile int    `json:"from_file"` // lines whose number was drawn from the rows
	Bytes    int64  `json:"bytes"`
	// RefusedRecently and AttemptLimit are the rows blocked for those
	// reasons (rows with a registered number are blocked as registered
	// first); Kept is the rows left clean: Meta.Kept less both.
	RefusedRecently int `json:"refused_recently"`
	AttemptLimit    int `json:"attempt_limit"`
	Kept            int `json:"kept"`
}

// HistoryLines is the size of a data set's history: 10M lines for the
// large data set's 23M rows, proportionally fewer for fewer rows, at least
// 10,000.
func HistoryLines(rows int) int { return max(10_000, int(int64(rows)*10_000_000/23_000_000)) }

// HistoryPaths returns the paths of a data set's history and of its
// description in dir.
func HistoryPaths(dir string) (history, meta string) {
	return filepath.Join(dir, "history.csv"), filepath.Join(dir, "history.json")
}

// ReadHistoryMeta returns the description of dir's history of lines lines
// drawn from data set m, or an error if it is missing or stale.
func ReadHistoryMeta(dir string, m *Meta, lines int) (*HistoryMeta, error) {
	_, mp := HistoryPaths(dir)
	b, err := os.ReadFile(mp)
	if err != nil {
		return nil, err
	}
	var h HistoryMeta
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", mp, err)
	}
	if h.Version != HistoryVersion || h.Data != m.Version || h.Rows != m.Rows || h.Registry != m.Registry ||
		h.Lines != lines || h.At != At.Format(time.RFC3339) {
		return nil, fmt.Errorf("stale history in %s", dir)
	}
	return &h, nil
}

// attempt is one history line while drawing: the NSN called and how many
// seconds before At, shifted left one bit, refused in bit 0.
type attempt struct {
	nsn uint32
	ago uint32
}

func (a attempt) refused() bool               { return a.ago&1 != 0 }
func (a attempt) before(d time.Duration) bool { return time.Duration(a.ago>>1)*time.Second < d }

// GenerateHistory writes the contact history of data set m (in dir) of
// lines lines, `telephone;called_at;outcome` with ';' and CRLF like the
// prospect file, and returns its description. Of the lines, 60% are numbers
// of the rows (a row drawn, then one of its numbers), 40% other French
// numbers; each number drawn gets a campaign of 1–6 attempts within a few
// days each, somewhere in the 90 days before At; about 5% of the lines are
// refusals. The lines are written in chronological order, the numbers in
// the spellings of the prospect file, called_at in Paris time (+01:00 or
// +02:00 as the date has it) or in UTC (Z).
func GenerateHistory(dir string, m *Meta, lines int) (*HistoryMeta, error) {
	hp, mp := HistoryPaths(dir)
	os.Remove(mp)
	mod := newModel(m.Rows, m.Registry, nil)
	nums := make([]rowNums, m.Rows)
	var line []byte
	for i := range nums {
		line, nums[i] = mod.row(line[:0])
	}
	if m.Kept == 0 {
		return nil, fmt.Errorf("data set in %s has no clean row to draw a history from", dir)
	}
	h := &HistoryMeta{Version: HistoryVersion, Data: m.Version, Rows: m.Rows, Registry: m.Registry,
		Lines: lines, At: At.Format(time.RFC3339)}
	r := rand.New(rand.NewPCG(16, uint64(lines)))
	atts := drawAttempts(r, nums, lines, h)

	// Chronological order, oldest first (ties by number: a total order, so
	// the bytes do not depend on the sort's algorithm).
	slices.SortFunc(atts, func(a, b attempt) int {
		if c := cmp.Compare(b.ago>>1, a.ago>>1); c != 0 {
			return c
		}
		return cmp.Compare(a.nsn, b.nsn)
	})
	if err := writeHistory(hp, r, atts); err != nil {
		return nil, err
	}
	fi, err := os.Stat(hp)
	if err != nil {
		return nil, err
	}
	h.Bytes = fi.Size()

	blocked := judge(atts)
	for _, n := range nums {
		if !n.valid() || mod.registered(n) {
			continue
		}
		switch rowReason(blocked, n) {
		case reasonRefused:
			h.RefusedRecently++
		case reasonAttempts:
			h.AttemptLimit++
		}
	}
	h.Kept = m.Kept - h.RefusedRecently - h.AttemptLimit
	b, _ := json.MarshalIndent(h, "", "  ")
	return h, os.WriteFile(mp, append(b, '\n'), 0o644)
}

// drawAttempts draws the history's lines (in campaign order) and counts
// the refusals and the lines of the rows' numbers in h.
func drawAttempts(r *rand.Rand, nums []rowNums, lines int, h *HistoryMeta) []attempt {
	atts := make([]attempt, 0, lines)
	fromFile := lines * 6 / 10
	span := uint32(historySpan / time.Second)
	for len(atts) < lines {
		var n uint32
		if len(atts) < fromFile {
			for n == 0 {
				row := nums[r.IntN(len(nums))]
				n = row[r.IntN(2)]
				if n == 0 {
					n = row[0] | row[1] // the row's only number, or none
				}
			}
		} else if r.IntN(3) == 0 {
			n = fixed(r)
		} else {
			n = mobile(r)
		}
		// 1–6 attempts, fewer more often, 1–4 days apart on average.
		k := []int{1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6}[r.IntN(12)]
		length := uint32(k) * uint32(1+r.IntN(4)) * 86400
		latest := 1 + r.Uint32N(span-length-1) // seconds before At of the campaign's end
		for range min(k, lines-len(atts)) {
			a := attempt{nsn: n, ago: (latest + r.Uint32N(length)) << 1}
			if r.IntN(20) == 0 {
				a.ago |= 1
				h.Refusals++
			}
			if len(atts) < fromFile {
				h.FromFile++
			}
			atts = append(atts, a)
		}
	}
	return atts
}

// summerEnd is when Paris leaves summer time (+02:00) in 2026.
var summerEnd = time.Date(2026, time.October, 25, 1, 0, 0, 0, time.UTC)

var (
	paris  = time.FixedZone("", 3600)
	summer = time.FixedZone("", 7200)
)

// writeHistory writes the lines atts to path.
func writeHistory(path string, r *rand.Rand, atts []attempt) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("telephone;called_at;outcome\r\n")
	var line []byte
	for _, a := range atts {
		line = spell(line[:0], a.nsn, r.IntN(12))
		line = append(line, ';')
		t := At.Add(-time.Duration(a.ago>>1) * time.Second)
		switch {
		case r.IntN(4) == 0:
			t = t.UTC()
		case t.Before(summerEnd):
			t = t.In(summer)
		default:
			t = t.In(paris)
		}
		line = t.AppendFormat(line, time.RFC3339)
		line = append(line, ';')
		if a.refused() {
			line = append(line, "refused"...)
		} else {
			line = append(line, outcomes[r.IntN(len(outcomes))]...)
		}
		line = append(line, '\r', '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// reason is what the fr policy at At makes of a number's history; the
// smaller comes first in the order of precedence.
type reason uint8

const (
	reasonNone reason = iota
	reasonRefused
	reasonAttempts
)

// verdicts are the numbers the history blocks, sorted, with their reasons.
type verdicts struct {
	nsns    []uint32
	reasons []reason
}

// judge sorts atts by number and returns the numbers whose history blocks
// them at At: a refusal in (At − 1440 h, At], else 4 attempts in
// (At − 720 h, At].
func judge(atts []attempt) verdicts {
	slices.SortFunc(atts, func(a, b attempt) int { return cmp.Compare(a.nsn, b.nsn) })
	var v verdicts
	for i := 0; i < len(atts); {
		j, refused, recent := i, false, 0
		for ; j < len(atts) && atts[j].nsn == atts[i].nsn; j++ {
			a := atts[j]
			refused = refused || (a.refused() && a.before(refusalCooldown))
			if a.before(attemptWindow) {
				recent++
			}
		}
		switch {
		case refused:
			v.nsns, v.reasons = append(v.nsns, atts[i].nsn), append(v.reasons, reasonRefused)
		case recent >= attemptLimit:
			v.nsns, v.reasons = append(v.nsns, atts[i].nsn), append(v.reasons, reasonAttempts)
		}
		i = j
	}
	return v
}

// rowReason returns the first reason of precedence among the row's numbers.
func rowReason(v verdicts, n rowNums) reason {
	best := reasonNone
	for _, x := range n {
		if x == 0 {
			continue
		}
		if i, ok := slices.BinarySearch(v.nsns, x); ok && (best == reasonNone || v.reasons[i] < best) {
			best = v.reasons[i]
		}
	}
	return best
}
