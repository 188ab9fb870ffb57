package colname

import "testing"

// TestHistoryColumns lists the spellings of a history's columns.
func TestHistoryColumns(t *testing.T) {
	for _, name := range []string{"called_at", "Called at", "calledAt", "CALLED_AT", "called-at"} {
		if !IsCalledAt(name) || IsOutcome(name) {
			t.Errorf("%q", name)
		}
	}
	for _, name := range []string{"outcome", "Outcome", "OUTCOME"} {
		if !IsOutcome(name) || IsCalledAt(name) {
			t.Errorf("%q", name)
		}
	}
	for _, name := range []string{"called", "call date", "date", "result", "outcomes"} {
		if IsCalledAt(name) || IsOutcome(name) {
			t.Errorf("%q", name)
		}
	}
}

// TestIsConsentDate lists the names of consent-date columns.
func TestIsConsentDate(t *testing.T) {
	for name, want := range map[string]bool{
		"consented_at": true, "consent_date": true, "Date consentement": true, "Date de consentement": true,
		"Consent given at": true, "opted_in_at": true, "Date opt-in": true,
		"Consentement": false, "opted_out_at": false, "Date opt-out": false, "Date retrait consentement": false,
		"Source consentement": false, "Date opt-in email": false, "Date refus": false, "Date contrat": false,
		"date": false, "called_at": false,
	} {
		if got := IsConsentDate(name); got != want {
			t.Errorf("IsConsentDate(%q) = %v", name, got)
		}
	}
}
