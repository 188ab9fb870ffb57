// Package colname is listscrub's one vocabulary of column names: how a
// header cell is folded into words, whether those words name a phone
// column, and how header cells are quoted in messages. Prospect files
// (scrub, coverage), registry CSVs and allow and consent lists all find
// their number columns with it, so a name accepted in one is accepted in
// all.
//
// A name is split into words at every character that is not a letter or a
// digit and at every case change, accents and compatibility forms removed:
//
//	"Tél. fixe"     -> tel fixe
//	"MobilePhone"   -> mobile phone
//	"telPortable"   -> tel portable
//	"HomePhoneNO"   -> home phone no
//	"PHONE_NUMBER"  -> phone number
//	"Nº de tél."    -> no de tel
//
// Each word is then read as vocabulary words, so that names glued without
// case ("numtel", "telportable", "numerotelephone") read as their parts;
// a word that cannot be read whole ("telecom", "portabilite", "client") is
// unknown, unless the whole name glued reads ("WhatsApp"). A name is then:
//
//   - E164 when its words name numbers in international form: "E164",
//     "E.164", "MSISDN";
//   - Phone when every word is known and one is a phone word, in the
//     languages a European call centre meets ("Téléphone", "Tél. fixe",
//     "MobilePhone", "N° tél.", "Móvil", "Cellulare", "Telemóvel",
//     "Rufnummer", "Mobiel"), or a number or line word with a qualifier
//     ("ContactNumber", "Home No", "Autre numéro", "Ligne directe",
//     "Direct line");
//   - Number for a bare number word: "Numéro", "Number", "Num";
//   - Mention when a phone word stands among unknown words ("Phone type",
//     "Téléphone client"), beside a fax or an extension ("Tel/Fax", "Phone
//     ext"), and for "Standard" (a switchboard, in French);
//   - None otherwise: "Numéro client", "Telecom operator", "Portabilité",
//     "Fax", and names that are ambiguous alone ("Domicile", "Bureau",
//     "Contact", "Extension", "Line"), which LooksPhoneLike reports.
//
// Which kinds a file reads depends on its Role: prospect files check every
// column that is not None (a column that may hold a number is checked: fail
// closed); block lists (registry CSVs) read those and fax columns too;
// allow and consent lists, where an extra column would exempt numbers
// nobody meant to exempt, read only Number and above.
package colname

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind says how surely a column name names a phone column; a greater Kind
// is surer.
type Kind uint8

// The kinds of column names, from least to most sure.
const (
	None    Kind = iota // not a phone column: "Nom", "Numéro client", "Fax"
	Mention             // a phone word among unknown words: "Phone type"
	Number              // a bare number word: "Numéro", "Number"
	Phone               // a phone column: "Téléphone", "MobilePhone", "ContactNumber"
	E164                // numbers in international form: "E164", "MSISDN"
)

// String returns the kind's name.
func (k Kind) String() string {
	return [...]string{"none", "mention", "number", "phone", "e164"}[k]
}

// token classes of the vocabulary.
type class uint8

const (
	cStrong class = iota + 1 // a phone word: tel, phone, mobile
	cE164                    // e164, msisdn
	cNum                     // a number word: numero, number, num
	cAbbr                    // an abbreviated number word: no, nr
	cN                       // "n" (from "N°"): a number word next to a phone word only
	cQual                    // a qualifier that makes a number or line word a phone number: home, contact
	cConn                    // a connector: de, of
	cLine                    // a line: ligne, line, dial; a phone number with a qualifier ("Direct line")
	cMaybe                   // a word that alone may name a phone column: standard (French: switchboard)
	cFax                     // a fax number: fax, telecopie
	cExt                     // an extension, not a whole number: extension, ext
)

// vocabulary maps each word (folded) to its class.
var vocabulary = func() map[string]class {
	v := map[string]class{}
	for cl, words := range map[class][]string{
		cStrong: {
			"telephone", "telephones", "tel", "tels", "phone", "phones", "portable", "portables",
			"mobile", "mobiles", "mobil", "mob", "gsm", "cell", "cellular", "cellulaire",
			"telefon", "telefono", "telefonos", "telefoni", "telefoon", "telefoons", "telefone", "telefones",
			"handy", "mobiel", "fixe", "landline", "tlf", "tfno", "rufnummer", "festnetz", "whatsapp",
			// Spanish, Italian, Portuguese, Swiss German.
			"movil", "moviles", "celular", "celulares", "cel", "cellulare", "telemovel", "natel",
			"switchboard",
		},
		cE164: {"e164", "msisdn"},
		cNum:  {"numero", "numeros", "number", "numbers", "num", "nummer"},
		cAbbr: {"no", "nr", "nro"},
		cN:    {"n"},
		cQual: {
			"contact", "home", "work", "office", "business", "direct", "directe", "domicile", "bureau",
			"maison", "travail", "perso", "personnel", "personal", "pro", "professionnel", "professional",
			"principal", "main", "primary", "secondary", "other", "autre", "alt", "alternate",
			"private", "prive", "appel", "call", "sms",
			// Spanish, Italian, Portuguese, German, Dutch: home, work, office, landline.
			"casa", "trabajo", "oficina", "particular", "fijo", "ufficio", "lavoro", "fisso",
			"trabalho", "escritorio", "fixo", "privat", "geschaftlich", "dienstlich", "buro",
			"thuis", "werk", "vast", "vaste",
		},
		cConn:  {"de", "du", "d", "of", "the", "la", "le", "di", "del", "da", "do"},
		cLine:  {"ligne", "lignes", "line", "lines", "dial", "linea", "linha"},
		cMaybe: {"standard"},
		cFax:   {"fax", "telefax", "telecopie", "telecopieur"},
		cExt:   {"extension", "ext"},
	} {
		for _, w := range words {
			v[w] = cl
		}
	}
	return v
}()

// maxToken is the length of the longest vocabulary word.
const maxToken = 15

// removeAccents removes accents and compatibility forms ("º" -> "o", "²" ->
// "2"). A transform.Chain holds state, so each call makes its own: header
// names are folded by concurrent loads (registry sources, allow and consent
// lists), and this is per file, not per row.
func removeAccents(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)))
	if out, _, err := transform.String(t, s); err == nil {
		return out
	}
	return s
}

// Words splits a column name into lower-case words: at every character that
// is not a letter or a digit, and at case changes ("MobilePhone", and
// "NOTel" before the T), with accents removed. Digits stay with the letters
// before them ("Tel1", "E164").
func Words(name string) []string {
	name = removeAccents(name)
	rs := []rune(name)
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && unicode.IsLower(next) {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return words
}

// Fold returns the name's words joined by single spaces: "Tél. Fixe",
// "tel_fixe" and "TelFixe" all fold to "tel fixe".
func Fold(name string) string { return strings.Join(Words(name), " ") }

// Key returns the name's words joined without spaces, the form in which
// two spellings of one name are equal: "Tél. fixe", "TelFixe" and "telfixe"
// all have the key "telfixe".
func Key(name string) string { return strings.Join(Words(name), "") }

// Equal reports whether two column names are the same name spelt two ways
// (case, accents, separators and camel case aside). Names with no letter or
// digit are equal only when they are the same text.
func Equal(a, b string) bool {
	ka, kb := Key(a), Key(b)
	if ka == "" || kb == "" {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	return ka == kb
}

// Classify says whether name names a phone column, and how surely (see the
// package comment). A name that looks like a number itself (a header line
// that is data) is None.
func Classify(name string) Kind {
	if LooksLikeNumber(name) {
		return None
	}
	words := Words(name)
	if k := Key(name); vocabulary[k] == cE164 {
		return E164 // "E.164"
	}
	has, unknown := read(words)
	if unknown && len(words) > 1 {
		// Split where it should not have been ("WhatsApp"): read glued.
		if h, u := read([]string{Key(name)}); !u {
			has, unknown = h, u
		}
	}
	switch {
	case unknown && (has[cStrong] || has[cE164]):
		return Mention
	case unknown:
		return None
	case has[cE164]:
		return E164
	case has[cFax] || has[cExt]:
		// A fax number, or an extension ("Phone ext"), is not a number to
		// call; beside a phone word ("Tel/Fax") it may be one.
		if has[cStrong] || has[cLine] || has[cMaybe] {
			return Mention
		}
		return None
	case has[cStrong]:
		return Phone
	case (has[cQual] || has[cMaybe]) && has[cLine]:
		return Phone // "Ligne directe", "Direct line", "Standard line"
	case has[cLine]:
		return None // "Line", "Line number": a line of a file as well as a telephone line
	case (has[cQual] || has[cMaybe]) && (has[cNum] || has[cAbbr]):
		return Phone // "ContactNumber", "Numéro standard"
	case has[cNum]:
		return Number
	case has[cMaybe]:
		return Mention // "Standard": a switchboard's number, or a product's tier
	}
	return None
}

// read reads folded words and returns the classes of the vocabulary words
// found; unknown is true when a word cannot be read whole.
func read(words []string) (has [cExt + 1]bool, unknown bool) {
	for _, w := range words {
		toks, ok := readWord(w)
		if !ok {
			unknown = true
			continue
		}
		for _, c := range toks {
			has[c] = true
		}
	}
	return has, unknown
}

// readWord reads one folded word as vocabulary words and returns their
// classes; ok is false when it cannot be read whole. Up to two trailing
// digits are an index ("tel1", "phone2"); a number of one or two digits or
// an ordinal ("2nd", "2eme") is read as nothing.
func readWord(w string) (classes []class, ok bool) {
	if c, ok := vocabulary[w]; ok {
		return []class{c}, true
	}
	letters := strings.TrimRight(w, "0123456789")
	digits := len(w) - len(letters)
	switch {
	case letters == "":
		return nil, digits <= 2
	case digits > 2:
		return nil, false
	}
	if lead := len(letters) - len(strings.TrimLeft(letters, "0123456789")); lead > 0 {
		switch letters[lead:] {
		case "st", "nd", "rd", "th", "e", "er", "ere", "eme", "ieme":
			return nil, digits == 0
		}
		return nil, false
	}
	if c, ok := vocabulary[letters]; ok {
		return []class{c}, true
	}
	return segment(letters)
}

// segment reads a word glued from vocabulary words ("numtel",
// "telportable", "numerodetelephone") in as few words as it can. Connectors
// are read only between two other words, and "d" only on its own.
func segment(w string) ([]class, bool) {
	n := len(w)
	// best[i] is the fewest words that read w[:i], -1 when none does;
	// from[i] is where the last of them starts.
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for j := max(0, i-maxToken); j < i; j++ {
			if best[j] < 0 {
				continue
			}
			tok := w[j:i]
			c, ok := vocabulary[tok]
			if !ok || tok == "d" || c == cConn && (j == 0 || i == n) {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return nil, false
	}
	var classes []class
	for i := n; i > 0; i = from[i] {
		classes = append(classes, vocabulary[w[from[i]:i]])
	}
	return classes, true
}

// Role is what a file is for, which decides which of its columns are read:
// more columns can only block more in a prospect file or a block list, and
// only exempt more in an allow or a consent list.
type Role uint8

// The roles of files with phone columns.
const (
	// Prospect: a prospect file checks every column that is not None.
	Prospect Role = iota
	// Block: a registry CSV (a do-not-call or suppression list) reads every
	// column that is not None, and its fax columns: a number a person
	// listed, on any column, is a number they asked not to be called on.
	Block
	// Exempt: an allow or a consent list reads only Number and above: an
	// extra column would exempt numbers nobody meant to exempt.
	Exempt
)

// Reads reports whether a file of role r reads the column name.
func (r Role) Reads(name string) bool {
	k := Classify(name)
	switch r {
	case Block:
		return k != None || IsFax(name)
	case Exempt:
		return k >= Number
	}
	return k != None
}

// IsFax reports whether name names a fax column ("Fax", "Fax number",
// "Télécopie"): not a number to call, but one a suppression list holds.
func IsFax(name string) bool {
	if LooksLikeNumber(name) {
		return false
	}
	has, unknown := read(Words(name))
	return !unknown && has[cFax]
}

// verdictWords are the words that name the column of a wash result's
// verdicts ("Result", "DNCR", "Registered", "Outcome"). Generic words
// ("Code", "Status") are not among them: suppression lists use them for a
// reason or a source.
var verdictWords = map[string]bool{
	"result": true, "results": true, "resultat": true, "resultado": true, "ergebnis": true,
	"verdict": true, "registered": true, "registration": true, "wash": true, "washed": true,
	"outcome": true, "dncr": true, "screened": true, "screening": true,
}

// LooksVerdict reports whether a header cell names the column of a wash
// result's verdicts: one of its words is a verdictWords one.
func LooksVerdict(name string) bool { return hasWord(Words(name), verdictWords) }

// answerWords are the words that name a column of answers about calling a
// number, in a consent or customer export: consent, opt-in, refusal, an
// active contract ("Consentement", "Opt-in", "Opposition", "Contrat en
// cours", "Einwilligung", "Marketing").
var answerWords = map[string]bool{
	"opt": true, "optin": true, "opted": true, "consent": true, "consented": true,
	"consentement": true, "consenti": true, "consentimiento": true, "consenso": true,
	"einwilligung": true, "werbeeinwilligung": true, "zustimmung": true, "einverstandnis": true,
	"autorisation": true, "authorisation": true, "authorization": true, "autoriza": true,
	"permission": true, "permiso": true, "accord": true, "agree": true, "agreed": true,
	"acceptation": true, "accepte": true, "refus": true, "refused": true, "refusal": true,
	"inscrit": true, "subscribed": true, "dnc": true, "robinson": true, "bloctel": true,
	"contactable": true, "callable": true, "demarchage": true, "marketing": true,
	"telefonwerbung": true, "sperre": true, "widerspruch": true,
	"contrat": true, "contract": true, "actif": true, "active": true, "activo": true,
}

// withdrawalWords name a withdrawal or an opt-out ("withdrawn_at", "Date de
// désinscription", "Opposition", "unsubscribed_at"): dated or not, what it
// holds takes a consent back.
var withdrawalWords = map[string]bool{
	"withdrawn": true, "withdrawal": true, "withdraw": true, "revoked": true, "revoke": true,
	"revocation": true, "revoque": true, "retrait": true, "retire": true, "widerruf": true,
	"widerrufen": true, "widerrufsdatum": true, "revocado": true, "optout": true,
	"unsubscribed": true, "unsubscribe": true, "desinscrit": true, "desinscription": true,
	"desabonne": true, "abmeldung": true, "abmeldedatum": true, "abgemeldet": true, "baja": true,
	"opposition": true, "oppose": true, "cancelled": true, "canceled": true,
}

// channelWords name a channel other than phone calls: an answer column about
// one ("Opt-in email", "SMS_ok") says nothing about calling.
var channelWords = map[string]bool{
	"email": true, "mail": true, "emails": true, "courriel": true, "sms": true, "newsletter": true,
	"post": true, "postal": true, "courrier": true, "push": true, "whatsapp": true, "fax": true,
}

// proofWords name what records an answer rather than the answer
// ("Source consentement", "consent_ip", "ID consentement"), and dateWords a
// date ("consented_at").
var (
	proofWords = map[string]bool{
		"source": true, "id": true, "ref": true, "reference": true, "ip": true, "text": true,
		"texte": true, "proof": true, "preuve": true, "origine": true, "origin": true, "canal": true,
		"channel": true, "campaign": true, "campagne": true, "type": true, "version": true, "url": true,
		"form": true, "formulaire": true, "n": true, "no": true, "numero": true, "number": true,
	}
	dateWords = map[string]bool{
		"at": true, "on": true, "date": true, "dated": true, "datum": true, "fecha": true, "data": true,
		"time": true, "timestamp": true, "since": true, "depuis": true, "le": true, "du": true,
	}
)

// Answer says what a header cell names, for an allow or consent list.
type Answer uint8

const (
	NoAnswer   Answer = iota
	Answers           // answers about calling each number (answerWords)
	Withdrawal        // a withdrawal or opt-out, dated or not (withdrawalWords; "opt" with "out")
)

// ClassifyAnswer says whether a header cell names a column of answers
// about calling each number, or of withdrawals; not when it is about
// another channel (channelWords), and, for answers, not when it names
// their proof or date (proofWords, dateWords).
func ClassifyAnswer(name string) Answer {
	words := Words(name)
	has := func(set map[string]bool) bool { return hasWord(words, set) }
	switch {
	case has(channelWords):
		return NoAnswer
	case has(withdrawalWords) || slices.Contains(words, "opt") && slices.Contains(words, "out"):
		return Withdrawal
	case has(answerWords) && !has(proofWords) && !has(dateWords):
		return Answers
	}
	return NoAnswer
}

// hasWord reports whether one of words is in set.
func hasWord(words []string, set map[string]bool) bool {
	return slices.ContainsFunc(words, func(w string) bool { return set[w] })
}

// phoneLike are the word parts that make a name look like a phone column's,
// anywhere in a word; phoneLikePrefix those that do at a word's start only
// ("Telecom", not "Hotel").
var (
	phoneLike       = []string{"phone", "telephon", "telefon", "mobil", "movil", "celul", "portab", "gsm", "msisdn", "e164", "fax", "numero", "number"}
	phoneLikePrefix = []string{"tel", "num", "cell"}
)

// ambiguous are the qualifiers that alone often name a phone column
// ("Domicile", "Bureau", "Work"), but as often something else (an address,
// a person): not read, but said. Lines, faxes and extensions are always.
var ambiguous = map[string]bool{
	"contact": true, "home": true, "work": true, "office": true, "business": true, "direct": true,
	"directe": true, "domicile": true, "bureau": true, "maison": true, "travail": true, "perso": true,
	"personnel": true, "personal": true, "professionnel": true, "secondary": true, "other": true,
	"autre": true, "alternate": true, "private": true, "prive": true, "casa": true, "trabajo": true,
	"oficina": true, "fijo": true, "ufficio": true, "lavoro": true, "fisso": true, "trabalho": true,
	"escritorio": true, "fixo": true, "privat": true, "geschaftlich": true, "dienstlich": true,
	"buro": true, "thuis": true, "werk": true,
}

func isAmbiguous(w string) bool { return ambiguous[w] }

// LooksPhoneLike reports whether a header cell looks like it might name a
// phone column, recognized or not: "Fax", "Numéro client", "Telecom
// operator", "Portabilité", names that are ambiguous alone ("Domicile",
// "Bureau", "Contact", "Secondary", "Extension", "Line"), as well as every
// name Classify accepts. A scrub says which such columns it does not check.
func LooksPhoneLike(name string) bool {
	if LooksLikeNumber(name) {
		return false
	}
	if Classify(name) != None {
		return true
	}
	words := Words(name)
	if has, unknown := read(words); !unknown && (has[cLine] || has[cMaybe] || has[cFax] || has[cExt] || slices.ContainsFunc(words, isAmbiguous)) {
		return true // every word known, and one may name a phone column
	}
	for _, w := range words {
		for _, p := range phoneLike {
			if strings.Contains(w, p) {
				return true
			}
		}
		for _, p := range phoneLikePrefix {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}

// numberDigits is how many digits make a cell look like a (phone) number:
// enough for a partial number to identify someone, more than a postcode.
const numberDigits = 6

// LooksLikeNumber reports whether s holds enough digits to be, or to give
// away, a phone number. Such a cell is never printed in a message.
func LooksLikeNumber(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n >= numberDigits
}

// LooksLikeData reports whether a header line looks like a data row: one of
// its cells looks like a number.
func LooksLikeData(cells []string) bool {
	for _, c := range cells {
		if LooksLikeNumber(c) {
			return true
		}
	}
	return false
}

// Masked is what Quote prints instead of a cell that looks like a number.
const Masked = "<number>"

// Quote returns name quoted for a message, or Masked when it looks like a
// number: no phone number is ever printed in a message.
func Quote(name string) string {
	if LooksLikeNumber(name) {
		return Masked
	}
	return strconv.Quote(name)
}

// QuoteList returns the names quoted (see Quote) and joined by ", ".
func QuoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = Quote(n)
	}
	return strings.Join(q, ", ")
}
