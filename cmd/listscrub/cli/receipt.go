package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/listscrub/listscrub/scrub"
)

// receiptVersion is the version of the receipt's JSON layout. Version 2
// records each output's size and SHA-256 (the stats file's included; the
// stats file's, each output's absolute path and whether it was a stream may
// be absent from receipts of older releases) and the receipt's digest.
// Version 1 receipts (paths only, no digest) are still read: their input is
// verified, their counts cannot be, so verify accepts them only with
// --allow-v1.
const receiptVersion = 2

// receipt is the JSON proof of one scrub run written by scrub --receipt.
type receipt struct {
	Receipt     int             `json:"receipt"` // layout version
	Tool        string          `json:"tool"`
	Version     string          `json:"version"`
	CommandLine []string        `json:"command_line"`
	Started     time.Time       `json:"started"`
	Finished    time.Time       `json:"finished"`
	Input       receiptInput    `json:"input"`
	Registry    receiptRegistry `json:"registry"`
	Registries  []receiptSource `json:"registries"`
	// The evidence rows were judged by besides the registries: the allow
	// and consent lists, the contact policy and history (absent when not
	// given), so that a compliance officer can show which consents, which
	// call history and which rules a dialled file was checked against.
	Allow   []receiptSource `json:"allow,omitempty"`
	Consent *receiptConsent `json:"consent,omitempty"`
	Policy  *receiptPolicy  `json:"policy,omitempty"`
	History []receiptSource `json:"history,omitempty"`

	Rows    receiptRows              `json:"rows"`
	Outputs map[string]receiptOutput `json:"outputs"`
	// Digest is the SHA-256 of the receipt's canonical form without this
	// field (see receiptDigest): it tells an edited receipt from the one
	// written, as long as whoever edited it did not recompute it.
	Digest string `json:"digest,omitempty"`
}

// receiptOutput is one output as the scrub wrote it: every output of the
// run, the stats file included (it is written before the receipt).
type receiptOutput struct {
	Path string `json:"path"` // as on the command line; "-" is standard output
	// AbsPath is the absolute path of the regular file the output was
	// committed as, symbolic links followed: verify finds it from any
	// directory. Empty for a stream.
	AbsPath string `json:"abs_path,omitempty"`
	// Stream is true for an output written onto a stream (standard output,
	// /dev/stdout and other descriptors, a device, a named pipe): nothing
	// holds its data afterwards, verify never opens it.
	Stream bool   `json:"stream,omitempty"`
	Bytes  *int64 `json:"bytes,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// UnmarshalJSON reads an output as version 2 writes it, or as the path
// alone that version 1 wrote.
func (o *receiptOutput) UnmarshalJSON(data []byte) error {
	var path string
	if err := json.Unmarshal(data, &path); err == nil {
		*o = receiptOutput{Path: path}
		return nil
	}
	type plain receiptOutput
	return json.Unmarshal(data, (*plain)(o))
}

// receiptV1 is the layout of version 1 receipts, frozen: a receipt that says
// it is version 1 must hold nothing else (see readReceipt). Its types are
// its own so that a member added to a later version cannot widen it.
type receiptV1 struct {
	Receipt     int       `json:"receipt"`
	Tool        string    `json:"tool"`
	Version     string    `json:"version"`
	CommandLine []string  `json:"command_line"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished"`
	Input       struct {
		Path   string `json:"path"`
		Bytes  int64  `json:"bytes"`
		SHA256 string `json:"sha256"`
	} `json:"input"`
	Registry struct {
		Entries int    `json:"entries"`
		AsOf    string `json:"as_of"`
		SHA256  string `json:"sha256"`
	} `json:"registry"`
	Registries []struct {
		Label   string `json:"label"`
		Path    string `json:"path"`
		Kind    string `json:"kind"`
		AsOf    string `json:"as_of"`
		Entries int    `json:"entries"`
		SHA256  string `json:"sha256"`
		// Written by version 1 receipts between the registry checks
		// and version 2.
		InvalidLines int `json:"invalid_lines"`
	} `json:"registries"`
	Rows struct {
		In        int64 `json:"in"`
		Clean     int64 `json:"clean"`
		Blocked   int64 `json:"blocked"`
		Invalid   int64 `json:"invalid"`
		Duplicate int64 `json:"duplicate"`
	} `json:"rows"`
	Outputs map[string]string `json:"outputs"` // a path per output, no sums
}

type receiptInput struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Sheet  string `json:"sheet,omitempty"` // the sheet of a workbook input that was read
}

type receiptRegistry struct {
	Entries int    `json:"entries"`
	AsOf    string `json:"as_of"`
	SHA256  string `json:"sha256"` // checksum of the merged set's content
}

type receiptSource struct {
	Label   string `json:"label"`
	Path    string `json:"path"`
	Kind    string `json:"kind"`
	AsOf    string `json:"as_of"`
	Entries int    `json:"entries"`
	SHA256  string `json:"sha256"` // of the registry file as stored
	// InvalidLines counts the source's lines that held no valid number.
	InvalidLines int `json:"invalid_lines"`
}

// receiptConsent records the consent lists and how their dates were judged.
type receiptConsent struct {
	Sources []receiptSource `json:"sources"`
	At      string          `json:"at"`                // the instant consents were judged at (RFC 3339)
	MaxAge  string          `json:"max_age,omitempty"` // --consent-max-age
}

// receiptPolicy records the contact policy: its name and the SHA-256 of its
// JSON (a preset's embedded file), the instant, and the holiday files.
type receiptPolicy struct {
	Name     string            `json:"name"`
	SHA256   string            `json:"sha256"`
	At       string            `json:"at"`
	Holidays []scrub.FileStats `json:"holidays"`
}

type receiptRows struct {
	In        int64 `json:"in"`
	Clean     int64 `json:"clean"`
	Blocked   int64 `json:"blocked"`
	Invalid   int64 `json:"invalid"`
	Duplicate int64 `json:"duplicate"`
}

// writeReceipt writes the receipt of a successful scrub to w, the output
// --receipt path; outputs are the run's outputs by name (receiptOutputs).
// commandLine is the command line the scrub was given.
func writeReceipt(w io.Writer, path string, commandLine []string, st *scrub.Stats, outputs map[string]receiptOutput, started, finished time.Time) error {
	r := receipt{
		Receipt: receiptVersion, Tool: "listscrub", Version: version(), CommandLine: commandLine,
		Started: started.UTC(), Finished: finished.UTC(),
		Input:      receiptInput{Path: st.Input.Path, Bytes: st.Input.Bytes, SHA256: st.Input.SHA256, Sheet: st.Input.Sheet},
		Registry:   receiptRegistry{Entries: st.Registry.Entries, AsOf: st.Registry.AsOf, SHA256: st.Registry.SHA256},
		Registries: []receiptSource{},
		Rows: receiptRows{In: st.RowsIn, Clean: st.RowsClean, Blocked: st.RowsBlocked,
			Invalid: st.RowsInvalid, Duplicate: st.RowsDuplicate},
		Outputs: outputs,
	}
	r.Registries = receiptSources(st.Registry.Sources)
	if len(st.Allow.Sources) > 0 {
		r.Allow = receiptSources(st.Allow.Sources)
	}
	if st.ConsentAt != "" {
		r.Consent = &receiptConsent{Sources: receiptSources(st.Consent.Sources), At: st.ConsentAt, MaxAge: st.ConsentMaxAge}
	}
	if p := st.Policy; p != nil {
		r.Policy = &receiptPolicy{Name: p.Name, SHA256: p.SHA256, At: p.At, Holidays: p.Holidays}
	}
	if st.History != nil {
		r.History = receiptSources(st.History.Sources)
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	if r.Digest, err = receiptDigest(doc); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write receipt %s: %w", path, err)
	}
	return nil
}

// receiptSources records sources as the stats describe them.
func receiptSources(sources []scrub.SourceStats) []receiptSource {
	out := []receiptSource{}
	for _, s := range sources {
		out = append(out, receiptSource{Label: s.Label, Path: s.Path, Kind: s.Kind,
			AsOf: s.AsOf, Entries: s.Entries, SHA256: s.SHA256, InvalidLines: s.InvalidLines})
	}
	return out
}

// receiptOutputs returns the record of a scrub's outputs: the row outputs
// as the scrub counted and hashed them, the stats file as stats summed it
// (nil: no --stats), each with where outs put it.
func receiptOutputs(st *scrub.Stats, stats *summer, statsPath string, outs *outputs) map[string]receiptOutput {
	m := map[string]receiptOutput{}
	add := func(name, flag, path string, n int64, sum string) {
		o := receiptOutput{Path: path, Bytes: &n, SHA256: sum}
		if f := outs.file(flag); f != nil {
			o.Stream, o.AbsPath = f.Stream(), f.Target()
		}
		m[name] = o
	}
	flags := map[string]string{"clean": "-o", "blocked": "--blocked", "invalid": "--invalid", "duplicates": "--duplicates"}
	for _, out := range st.Outputs {
		add(out.Name, flags[out.Name], out.Path, out.Bytes, out.SHA256)
	}
	if stats != nil {
		add("stats", "--stats", statsPath, stats.n, stats.sum())
	}
	return m
}

// summer passes writes on to w, counting and hashing them.
type summer struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newSummer(w io.Writer) *summer { return &summer{w: w, h: sha256.New()} }

func (s *summer) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

func (s *summer) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// receiptDigest returns the digest of a receipt's JSON text: the SHA-256, in
// hex, of its canonical form, which is every member but "digest", objects
// with their keys sorted, no white space, numbers as written, strings with
// only the escapes JSON requires — what `jq -cSj 'del(.digest)' RECEIPT |
// sha256sum` prints for any receipt listscrub writes. Members a receipt
// does not define count too: adding one is an edit.
//
// The digest is no signature: it detects a receipt edited by hand or by a
// program unaware of it (a count changed, a registry removed), not one whose
// editor recomputed it, which anyone can do. Keep receipts where they cannot
// be changed (or sign them) for that.
func receiptDigest(doc []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return "", err
	}
	delete(m, "digest")
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil { // maps are written with sorted keys
		return "", err
	}
	sum := sha256.Sum256(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return hex.EncodeToString(sum[:]), nil
}
