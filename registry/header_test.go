package registry

import (
	"testing"

	"github.com/listscrub/listscrub/colname"
)

// TestHeaderAgreesWithScrub: a block list's header reads a column as a
// number column exactly when a prospect file's header does (colname is the
// one vocabulary); an allow list reads only the surer names.
func TestHeaderAgreesWithScrub(t *testing.T) {
	for _, name := range []string{
		"Téléphone", "Téléphone cellulaire", "nummer", "numtel", "gsm", "tel fixe", "tél.", "Tél. fixe",
		"Portable", "Mobile", "Phone", "phone_number", "Numéro", "Number", "E164", "Rufnummer",
		"Nom", "Ville", "Numéro client", "Portabilité", "Telecom operator",
	} {
		h, ok := detectHeader([]byte("id;"+name), colname.Block)
		reads := ok && (h.col == 1 || contains(h.cols, 1) || contains(h.extra, 1))
		if want := colname.Prospect.Reads(name); reads != want {
			t.Errorf("%q: a registry CSV reads it %v, a prospect file %v", name, reads, want)
		}
		h, ok = detectHeader([]byte("id;"+name), colname.Exempt)
		reads = ok && (h.col == 1 || contains(h.cols, 1) || contains(h.extra, 1))
		if want := colname.Exempt.Reads(name); reads != want {
			t.Errorf("%q: an allow list reads it %v, colname.Exempt %v", name, reads, want)
		}
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
