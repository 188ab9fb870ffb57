package registry

import (
	"fmt"
	"strings"

	"github.com/listscrub/listscrub/normalize"
)

// NotHeld explains, for numbers of calling code cc that were checked
// against s while s holds none, why none of them could be blocked: the
// sources' regions and the --country that would read a list of that
// country right. It returns "" when s holds a number of cc (or cc is 0).
//
// This is the one signal that catches a registry read with the wrong
// region when its numbers are valid in both: Belgian mobiles 0470 123456
// are valid French 04 numbers, so a Belgian list read as FR loads in full,
// as +33 numbers, and no +32 prospect is ever blocked. The message
// completes a subject the caller gives ("3 rows have +32 numbers, but ").
func (s *Set) NotHeld(cc int) string {
	if cc <= 0 || s.CountPrefix(uint64(cc)) > 0 || countPrefix(s.screened, uint64(cc)) > 0 {
		// A wash result that screened numbers of cc answered for them,
		// even when it registered none.
		return ""
	}
	msg := fmt.Sprintf("no registry holds a +%d number, so none of them can be blocked", cc)
	if rs := s.regionsRead(); rs != "" {
		msg += " (" + rs + ")"
	}
	if r := normalize.MainRegion(cc); r != "" && !s.readsNational(cc) {
		msg += fmt.Sprintf(": if a registry is a %s list, read it with --country %s", r, r)
		for _, si := range s.sources {
			if si.Kind == KindSnapshot {
				msg += fmt.Sprintf(" (a snapshot: registry build --country %s)", r)
				break
			}
		}
	}
	return msg
}

// readsNational reports whether a source was read with a region whose
// national-format numbers have calling code cc: then --country would not
// change how they read, and is not suggested.
func (s *Set) readsNational(cc int) bool {
	for _, si := range s.sources {
		if si.Region != "" && normalize.NationalCallingCode(si.Region, cc) {
			return true
		}
	}
	return false
}

// regionsRead says with which region each source's national-format
// numbers were read: "be.txt read as FR", "a.txt, b.snap read as FR; us.snap
// read as US" (sources grouped by region, in source order).
func (s *Set) regionsRead() string {
	var order []string
	byRegion := map[string][]string{}
	for _, si := range s.sources {
		if si.Region == "" {
			continue
		}
		if _, ok := byRegion[si.Region]; !ok {
			order = append(order, si.Region)
		}
		byRegion[si.Region] = append(byRegion[si.Region], si.Label)
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = strings.Join(byRegion[r], ", ") + " read as " + r
	}
	return strings.Join(parts, "; ")
}
