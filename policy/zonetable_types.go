package policy

//go:generate go run ./internal/genzones -o zonetable.go

// zoneEntry is one prefix of phonenumbers' time-zone data in the generated
// table (zonetable.go): the prefix's E.164 digits, its zone set and its
// number of digits.
type zoneEntry struct {
	prefix uint32
	set    uint16
	digits uint8
}
