package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy/internal/tzprefix"
	"github.com/nyaruka/phonenumbers"
)

// refZones is the answer the table must give: phonenumbers itself, with
// UNKNOWN left out.
func refZones(t *testing.T, digits string) []string {
	t.Helper()
	names, err := phonenumbers.GetTimezonesForPrefix(digits)
	if err != nil {
		t.Fatalf("GetTimezonesForPrefix(%s): %v", digits, err)
	}
	var out []string
	for _, n := range names {
		if n != unknownZone && n != "" {
			out = append(out, n)
		}
	}
	return out
}

func checkZones(t *testing.T, v uint64) {
	t.Helper()
	s := strconv.FormatUint(v, 10)
	if got, want := ZoneNames(normalize.Key(v)), refZones(t, s); !slices.Equal(got, want) {
		t.Errorf("ZoneNames(+%s) = %v, phonenumbers says %v", s, got, want)
	}
}

// TestZoneTableIsCurrent fails when the phonenumbers module in the build
// list carries other time-zone data than the table was generated from.
func TestZoneTableIsCurrent(t *testing.T) {
	entries, gz, err := tzprefix.Load()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(gz)
	if got := hex.EncodeToString(sum[:]); got != zoneDataSHA256 {
		t.Errorf("phonenumbers' time-zone data has SHA-256 %s, the table was generated from %s (%s): run go generate ./policy/", got, zoneDataSHA256, zoneDataVersion)
	}
	if len(entries) != zoneDataPrefixes {
		t.Errorf("the data has %d prefixes, the table %d: run go generate ./policy/", len(entries), zoneDataPrefixes)
	}
}

// TestZoneTableMatchesPhonenumbers asks the table and phonenumbers for
// every prefix of phonenumbers' data, random extensions of each, every key
// of up to four digits, random keys of every calling code and every
// region's example numbers.
func TestZoneTableMatchesPhonenumbers(t *testing.T) {
	entries, _, err := tzprefix.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 1000 {
		t.Fatalf("only %d prefixes decoded", len(entries))
	}
	rng := rand.New(rand.NewPCG(16, 1))
	extend := func(v uint64, digits int) uint64 {
		for range digits {
			v = v*10 + rng.Uint64N(10)
		}
		return v
	}
	for _, e := range entries {
		checkZones(t, e.Prefix)
		d := len(strconv.FormatUint(e.Prefix, 10))
		for extra := 1; d+extra <= 15; extra++ {
			checkZones(t, extend(e.Prefix, extra))
		}
		// The neighbours share the prefix's root but not the prefix.
		checkZones(t, e.Prefix+1)
		if e.Prefix > 1 {
			checkZones(t, e.Prefix-1)
		}
	}
	for v := uint64(1); v < 10_000; v++ {
		checkZones(t, v)
	}
	codes := make([]int, 0, 300)
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		codes = append(codes, cc)
	}
	sort.Ints(codes)
	if len(codes) < 200 {
		t.Fatalf("only %d calling codes", len(codes))
	}
	for _, cc := range codes {
		d := len(strconv.Itoa(cc))
		for range 200 {
			checkZones(t, extend(uint64(cc), 6+rng.IntN(16-6-d)))
		}
	}
	regions := make([]string, 0, 300)
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.VOIP} {
			n := phonenumbers.GetExampleNumberForType(r, typ)
			if n == nil {
				continue
			}
			k, err := KeyOfNumber(n)
			if err != nil {
				t.Fatalf("%s example: %v", r, err)
			}
			want, err := phonenumbers.GetTimezonesForNumber(n)
			if err != nil {
				t.Fatal(err)
			}
			want = slices.DeleteFunc(want, func(s string) bool { return s == unknownZone })
			if len(want) == 0 {
				want = nil
			}
			if got := ZoneNames(k); !slices.Equal(got, want) {
				t.Errorf("%s example %d: ZoneNames %v, GetTimezonesForNumber %v", r, k, got, want)
			}
		}
	}
}

// TestZoneLookupCost pins the cost the table promises: a French key is
// answered from its root without searching.
func TestZoneLookupCost(t *testing.T) {
	for _, e164 := range []string{"+33612345678", "+33145678901", "+33987654321"} {
		k := mustKey(t, e164)
		root := uint64(k)/1e7 - 1000
		if zoneRootStart[root] != zoneRootStart[root+1] {
			t.Errorf("%s: root %d has long prefixes to search", e164, root+1000)
		}
		if got := zoneSetNames(zoneRootFallback[root]); !slices.Equal(got, []string{"Europe/Paris"}) {
			t.Errorf("%s: root fallback %v", e164, got)
		}
	}
}

func TestDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 6))
	for i := range 100_000 {
		v := rng.Uint64() >> rng.IntN(64)
		if i < 64 {
			v = 1 << i
		}
		s := strconv.FormatUint(v, 10)
		if n := numDigits(v); n != len(s) {
			t.Fatalf("numDigits(%d) = %d", v, n)
		}
		for d := 0; d <= min(len(s), 19); d++ {
			want := uint64(0)
			if d < len(s) {
				want, _ = strconv.ParseUint(s[:len(s)-d], 10, 64)
			}
			if got := dropDigits(v, d); got != want {
				t.Fatalf("dropDigits(%d, %d) = %d, want %d", v, d, got, want)
			}
		}
	}
	for _, v := range []uint64{0, 9, 10, 99, 100, 1e19 - 1, 1e19, 1<<64 - 1} {
		if n := numDigits(v); n != len(strconv.FormatUint(v, 10)) {
			t.Errorf("numDigits(%d) = %d", v, n)
		}
	}
}
