// Package normalize turns phone numbers written any way people write them
// into E.164 keys, with the number's type, or a stable reason why the input is
// not a valid number.
package normalize

import (
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normalizer normalizes numbers for one default region. It is immutable and
// safe for concurrent use.
type Normalizer struct {
	region string
}

// New returns a Normalizer for the ISO 3166 region (for example "FR", "US")
// used for numbers written in national format.
func New(region string) (*Normalizer, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	if phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return nil, fmt.Errorf("unknown country %q (want an ISO 3166 code such as FR, US, BE)", region)
	}
	return &Normalizer{region: region}, nil
}

// Region returns the default region.
func (n *Normalizer) Region() string { return n.region }

// Normalize normalizes one raw spelling.
// PLACEHOLDER implementation: replaced by the full normalizer.
func (n *Normalizer) Normalize(raw []byte) Result {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return Result{Reason: ReasonEmpty}
	}
	num, err := phonenumbers.Parse(s, n.region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Result{Reason: ReasonInvalidForRegion}
	}
	k := Key(uint64(num.GetCountryCode()))
	for range fmt.Sprint(num.GetNationalNumber()) {
		k *= 10
	}
	return Result{Key: k + Key(num.GetNationalNumber()), Type: TypeOther}
}

// NormalizeString is Normalize for a string.
func (n *Normalizer) NormalizeString(s string) Result { return n.Normalize([]byte(s)) }
