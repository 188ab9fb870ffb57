package colname

import "slices"

// The columns of contact records besides their numbers: a contact
// history's called_at and outcome (the contract's names, spelt any way
// Equal allows: "called_at", "Called at", "calledAt"), and a consent
// list's dates.

// IsCalledAt reports whether name names a history's called_at column.
func IsCalledAt(name string) bool { return Key(name) == "calledat" }

// IsOutcome reports whether name names a history's outcome column.
func IsOutcome(name string) bool { return Key(name) == "outcome" }

// consentWords are the answerWords that name a consent given (not a
// refusal, a contract or a registry): with a date word they name the date
// consent was given.
var consentWords = map[string]bool{
	"consent": true, "consented": true, "consentement": true, "consenti": true,
	"consentimiento": true, "consenso": true, "einwilligung": true, "zustimmung": true,
	"optin": true, "opted": true, "autorisation": true, "authorisation": true,
	"authorization": true, "permission": true, "accord": true, "agreed": true,
	"acceptation": true, "accepte": true,
}

// IsConsentDate reports whether name names the date a consent was given
// ("consented_at", "consent_date", "Date consentement", "Date opt-in",
// "Einwilligungsdatum" aside: one word, unknown): a consent word and a date
// word, no proof word ("Source consentement") and no other channel
// ("Date opt-in email"), and not a withdrawal ("Date retrait
// consentement": ClassifyAnswer's Withdrawal; "opted_out_at").
func IsConsentDate(name string) bool {
	words := Words(name)
	has := func(set map[string]bool) bool { return hasWord(words, set) }
	consent := has(consentWords) || slices.Contains(words, "opt") && slices.Contains(words, "in")
	return consent && has(dateWords) && !has(proofWords) && !has(channelWords) &&
		!slices.Contains(words, "out") && ClassifyAnswer(name) != Withdrawal
}

// refusalWords are the words of an outcome that records a refusal: the
// contract's "refused" and how call-centre dispositions say it in English
// and French ("Refusé", "refus", "declined", "DNC", "opposition", "stop").
// Reading more outcomes as refusals only blocks more: a refusal missed
// would let a number be called within its cool-down.
var refusalWords = map[string]bool{
	"refused": true, "refuse": true, "refusal": true, "refus": true, "refusee": true,
	"declined": true, "decline": true, "dnc": true, "opposition": true, "oppose": true,
	"opposee": true, "stop": true, "unsubscribe": true, "unsubscribed": true,
	"optout": true, "optedout": true, "rejected": true, "denied": true,
}

// refusalPhrases are the refusals spelt in several words ("do not call",
// "not interested", "ne pas appeler", "pas intéressé").
var refusalPhrases = [][]string{
	{"do", "not", "call"}, {"dont", "call"}, {"don", "t", "call"}, {"do", "not", "contact"},
	{"not", "interested"}, {"ne", "pas", "appeler"}, {"ne", "plus", "appeler"},
	{"ne", "pas", "rappeler"}, {"ne", "plus", "rappeler"}, {"pas", "interesse"},
	{"pas", "interessee"}, {"non", "interesse"}, {"non", "interessee"}, {"opt", "out"},
	{"opted", "out"},
}

// IsRefusal reports whether a history's outcome records a refusal: one of
// its words is a refusal word, or its words hold a refusal phrase. Case,
// accents and separators are ignored ("REFUSÉ", "Refused - DNC").
func IsRefusal(outcome string) bool {
	words := Words(outcome)
	if hasWord(words, refusalWords) {
		return true
	}
	if len(words) == 1 && words[0] == "ni" {
		return true // dialers' "not interested" disposition (VICIdial's NI)
	}
	for _, p := range refusalPhrases {
		for i := 0; i+len(p) <= len(words); i++ {
			if slices.Equal(words[i:i+len(p)], p) {
				return true
			}
		}
	}
	return false
}
