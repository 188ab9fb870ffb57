package normalize

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normalizer normalizes numbers for one default region. It is immutable after
// New and safe for concurrent use.
type Normalizer struct {
	region      string
	refOverseas []refOverseas
	fast        *fastTables // nil when the region has no fast path
	// ccOf3 is the calling code of a key by its first three digits
	// (calling codes are a prefix-free set of 1 to 3 digits), 0 when they
	// start none: see CallingCode.
	ccOf3 [1000]uint16
}

// New returns a Normalizer for the ISO 3166 region (for example "FR", "US")
// used for numbers written in national format.
func New(region string) (*Normalizer, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	if phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return nil, fmt.Errorf("normalize: unknown country %q (want an ISO 3166 code such as FR, US, BE)", region)
	}
	metas, err := metadataByRegion()
	if err != nil {
		return nil, fmt.Errorf("normalize: loading phone number metadata for %s: %w", region, err)
	}
	n := &Normalizer{region: region}
	n.ccOf3 = callingCodeTable()
	for _, r := range overseasRegions {
		m := metas[r]
		if m == nil {
			return nil, fmt.Errorf("normalize: no phone number metadata for overseas region %s", r)
		}
		o := refOverseas{cc: m.GetCountryCode()}
		for _, d := range overseasDescs(m) {
			re, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
			if err != nil {
				return nil, fmt.Errorf("normalize: compiling %s pattern: %w", r, err)
			}
			o.patterns = append(o.patterns, re)
		}
		n.refOverseas = append(n.refOverseas, o)
	}
	n.fast, err = buildFastTables(region, metas)
	if err != nil {
		return nil, fmt.Errorf("normalize: building fast path for %s: %w", region, err)
	}
	return n, nil
}

// overseasDescs returns the descriptions the metadata clause of the overseas
// rule matches: fixed line, mobile and VoIP.
func overseasDescs(m *phonenumbers.PhoneMetadata) []*phonenumbers.PhoneNumberDesc {
	return []*phonenumbers.PhoneNumberDesc{m.GetFixedLine(), m.GetMobile(), m.GetVoip()}
}

// metadataByRegion indexes the phonenumbers metadata by region (non
// geographical entities, region "001", are left out).
func metadataByRegion() (map[string]*phonenumbers.PhoneMetadata, error) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, err
	}
	m := make(map[string]*phonenumbers.PhoneMetadata, len(coll.GetMetadata()))
	for _, md := range coll.GetMetadata() {
		if md.GetId() != "001" {
			m[md.GetId()] = md
		}
	}
	return m, nil
}

// Region returns the default region.
func (n *Normalizer) Region() string { return n.region }

// Normalize normalizes one raw spelling. It does not retain raw.
func (n *Normalizer) Normalize(raw []byte) Result {
	if r, ok := fastPath(n, raw); ok {
		return r
	}
	return n.normalizeRef(string(raw))
}

// NormalizeString is Normalize for a string.
func (n *Normalizer) NormalizeString(s string) Result {
	if r, ok := fastPath(n, s); ok {
		return r
	}
	return n.normalizeRef(s)
}
