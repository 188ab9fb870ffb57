package colname

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// TestClassify is the one list of column names: every name a prospect
// file, a registry CSV, an allow or a consent list accepts, and those they
// refuse. Prospect files use every kind but None; lists Number and above.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Kind
	}{
		// International forms.
		{"E164", E164}, {"e164", E164}, {"E.164", E164}, {"msisdn", E164}, {"MSISDN", E164},
		{"E164 number", E164},

		// The names scrub accepted before this vocabulary.
		{"Téléphone", Phone}, {"Tél. fixe", Phone}, {"Tél. Fixe", Phone}, {"tel_fixe", Phone},
		{"PORTABLE", Phone}, {"Portable", Phone}, {"Mobile", Phone}, {"GSM", Phone}, {"Phone", Phone},
		{"Numéro de téléphone", Phone}, {"mobile_phone", Phone}, {"phone_number", Phone},
		{"mobile phone", Phone}, {"Téléphone 2", Phone}, {"Telephone1", Phone}, {"Cellulaire", Phone},
		{"cell", Phone}, {"cellphone", Phone}, {"Telefono", Phone}, {"Telefon", Phone},
		{"Telefoon", Phone}, {"Handy", Phone}, {"Fixe", Phone}, {"telephones", Phone}, {"phones", Phone},
		{"Numéro", Number}, {"Number", Number}, {"numero", Number}, {"NUMERO", Number},

		// The names registry CSVs accepted before (folded without spaces).
		{"telephone", Phone}, {"phone", Phone}, {"phonenumber", Phone}, {"telephonenumber", Phone},
		{"numerotelephone", Phone}, {"numerodetelephone", Phone}, {"numtel", Phone}, {"numerotel", Phone},
		{"notel", Phone}, {"ntel", Phone}, {"tel", Phone}, {"telnumber", Phone}, {"phoneno", Phone},
		{"telefone", Phone}, {"mobile", Phone}, {"portable", Phone}, {"gsm", Phone},
		{"mobilephone", Phone}, {"mobilenumber", Phone}, {"telmobile", Phone}, {"telportable", Phone},
		{"mobiel", Phone}, {"handy", Phone}, {"fixe", Phone}, {"telfixe", Phone}, {"telephonefixe", Phone},
		{"telephoneportable", Phone}, {"telephonemobile", Phone}, {"telephone1", Phone},
		{"telephone2", Phone}, {"tel1", Phone}, {"tel2", Phone}, {"phone1", Phone}, {"phone2", Phone},
		{"mobile1", Phone}, {"mobile2", Phone},
		{"number", Number}, {"num", Number}, {"nummer", Number},

		// CRM exports: Salesforce, HubSpot, French CRMs.
		{"MobilePhone", Phone}, {"HomePhone", Phone}, {"WorkPhone", Phone}, {"OtherPhone", Phone},
		{"PhoneNumber", Phone}, {"TelephoneNumber", Phone}, {"NumeroTelephone", Phone},
		{"telPortable", Phone}, {"ContactNumber", Phone}, {"Mobil", Phone}, {"NumTel", Phone},
		{"PHONE_NUMBER", Phone}, {"HomePhoneNO", Phone}, {"PhoneNO", Phone}, {"Contact No.", Phone},
		{"contactnumber", Phone}, {"homephone", Phone}, {"N° tél.", Phone}, {"Nº de tél.", Phone},
		{"No. tel", Phone}, {"Tel_Domicile", Phone}, {"Numéro de portable", Phone},
		{"Téléphone portable", Phone}, {"Tél. bureau", Phone}, {"Téléphone du contact", Phone},
		{"Autre numéro", Phone}, {"Home No", Phone}, {"Numéro pro", Phone}, {"Phone (primary)", Phone},
		{"Mobile perso", Phone}, {"Telefonnummer", Phone}, {"Handynummer", Phone}, {"Mob No", Phone},
		{"Phone2Number", Phone}, {"2nd phone", Phone}, {"Téléphone 2ème", Phone}, {"landline", Phone},
		{"Phone Number", Phone}, {"Mobile Phone Number", Phone}, {"Business Phone 2", Phone},
		{"Tél. mobile", Phone}, {"N°Tel", Phone}, {"NºTel", Phone}, {"Telefon-Nr.", Phone},
		{"Rufnummer", Phone}, {"WhatsApp", Phone}, {"Cell #", Phone}, {"Phone#", Phone},
		{"PHONENUMBER", Phone}, {"MOBILEPHONENUMBER", Phone}, {"Mob. No.", Phone},
		{"Car Phone", Mention}, {"AssistantPhone", Mention}, {"Tél. standard", Phone},
		{"Fax Number", None}, {"Company Number", None}, {"SMS", None},
		{"Numéro 2", Number}, {"Num.", Number}, {"Numéro de", Number},

		// The languages a European call centre meets: Spanish, Italian,
		// Portuguese, German, Dutch; lines and switchboards.
		{"Móvil", Phone}, {"movil", Phone}, {"Celular", Phone}, {"Teléfono", Phone}, {"Teléfono móvil", Phone},
		{"Número de teléfono", Phone}, {"Número de móvil", Phone}, {"Teléfono fijo", Phone}, {"Tel. casa", Phone},
		{"Cellulare", Phone}, {"Telefono", Phone}, {"Numero di telefono", Phone}, {"Telefono fisso", Phone},
		{"Telemóvel", Phone}, {"Telefone", Phone}, {"Número do telefone", Phone}, {"Telefone celular", Phone},
		{"Handy", Phone}, {"Mobilnummer", Phone}, {"Rufnummer", Phone}, {"Telefon", Phone},
		{"Telefon privat", Phone}, {"Festnetz", Phone}, {"Natel", Phone}, {"Mobiel", Phone}, {"Telefoon", Phone},
		{"Telefoonnummer", Phone}, {"GSM", Phone}, {"Telefoon werk", Phone}, {"Cel.", Phone},
		{"Ligne directe", Phone}, {"Direct line", Phone}, {"Direct dial", Phone}, {"Main line", Phone},
		{"DirectLine", Phone}, {"Switchboard", Phone}, {"Numéro standard", Phone}, {"Tél. domicile", Phone},
		{"Tél. bureau", Phone}, {"Ligne fixe", Phone},
		{"Standard", Mention}, {"Tel/Fax", Mention}, {"Phone ext", Mention}, {"Phone extension", Mention},
		{"Domicile", None}, {"Bureau", None}, {"Secondary", None}, {"Extension", None}, {"Ext.", None},
		{"Work", None}, {"Home", None}, {"Line", None}, {"Ligne", None}, {"Line number", None},
		{"Line No", None}, {"Numéro de ligne", None}, {"Télécopie", None}, {"Fax Number", None},
		{"Product line", None}, {"Standard price", None}, {"Home address", None}, {"Casa", None},

		// A phone word among words the vocabulary does not know: checked in a
		// prospect file, not read from a list.
		{"Phone type", Mention}, {"Téléphone client", Mention}, {"Mobile app version", Mention},
		{"iPhone", Mention}, {"tel: 0612", Mention},

		// Refused.
		{"Numéro client", None}, {"numeroclient", None}, {"Numéro de commande", None},
		{"Customer Number", None}, {"Number of employees", None}, {"Order No", None},
		{"Telecom operator", None}, {"Telecom", None}, {"Portabilité", None}, {"Téléphonie", None},
		{"Fax", None}, {"Hotel", None}, {"Cellule", None}, {"Fixed price", None}, {"Mobility", None},
		{"Nom", None}, {"Prénom", None}, {"Email", None}, {"Ville", None}, {"Code postal", None},
		{"id", None}, {"No", None}, {"No.", None}, {"N°", None}, {"Nr", None}, {"Contact", None},
		{"Notes", None}, {"Node", None}, {"Linen", None}, {"Telle", None}, {"Prix", None},
		{"", None}, {"#", None}, {"phone123", None}, {"123", None},
		{"0612345678", None}, {"+33 6 12 34 56 78", None}, {"tel 0612345678", None},
	} {
		if got := Classify(tc.name); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v (words %q)", tc.name, got, tc.want, Words(tc.name))
		}
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Téléphone", "telephone"},
		{"Tél. Fixe", "tel fixe"},
		{"tel_fixe", "tel fixe"},
		{"  PORTABLE ", "portable"},
		{"Numéro de téléphone", "numero de telephone"},
		{"N°", "n"},
		{"Nº", "no"},
		{"MobilePhone", "mobile phone"},
		{"telPortable", "tel portable"},
		{"HomePhoneNO", "home phone no"},
		{"PHONE_NUMBER", "phone number"},
		{"NOTel", "no tel"},
		{"Phone2Number", "phone2 number"},
		{"E164", "e164"},
		{"TélPortable", "tel portable"},
		{"", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Tél. fixe", "TEL FIXE", true},
		{"Tél. fixe", "telfixe", true},
		{"MobilePhone", "mobile_phone", true},
		{"Ville", "ville", true},
		{"Tel", "Tél. fixe", false},
		{"#", "#", true},
		{"#", "", false},
	} {
		if got := Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestLooksPhoneLike(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Fax", true}, {"Numéro client", true}, {"Telecom operator", true}, {"Portabilité", true},
		{"Téléphonie", true}, {"Customer Number", true}, {"Cellule", true}, {"Phone type", true},
		{"Smartphone model", true}, {"Phone", true}, {"Numéro", true},
		// Ambiguous alone: not read, but said.
		{"Domicile", true}, {"Bureau", true}, {"Contact", true}, {"Secondary", true}, {"Extension", true},
		{"Standard", true}, {"Fax", true}, {"Work", true}, {"Home", true}, {"Line", true}, {"Ligne", true},
		{"Line number", true}, {"Télécopie", true}, {"Móvil", true}, {"Celular", true}, {"Celulares cliente", true},
		{"Nom", false}, {"Hotel", false}, {"Email", false}, {"Ville", false}, {"Home address", false},
		{"Contact name", false}, {"Product line", false}, {"Standard price", false}, {"No", false},
		{"N°", false}, {"Nr", false}, {"Pro", false}, {"SMS", false}, {"0612345678", false},
	} {
		if got := LooksPhoneLike(tc.name); got != tc.want {
			t.Errorf("LooksPhoneLike(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRoleReads: which columns each kind of file reads. A block list reads
// whatever may hold a number a person listed, a fax included; an allow or
// consent list only the columns that surely hold phone numbers.
func TestRoleReads(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		prospect, block, exempt bool
	}{
		{"Tel", true, true, true},
		{"Móvil", true, true, true},
		{"Numéro", true, true, true},
		{"E164", true, true, true},
		{"Phone type", true, true, false},
		{"Standard", true, true, false},
		{"Tel/Fax", true, true, false},
		{"Fax", false, true, false},
		{"Fax Number", false, true, false},
		{"Télécopie", false, true, false},
		{"Numéro client", false, false, false},
		{"Domicile", false, false, false},
		{"Nom", false, false, false},
		{"0612345678", false, false, false},
	} {
		for _, r := range []struct {
			role Role
			want bool
		}{{Prospect, tc.prospect}, {Block, tc.block}, {Exempt, tc.exempt}} {
			if got := r.role.Reads(tc.name); got != r.want {
				t.Errorf("Role(%d).Reads(%q) = %v, want %v", r.role, tc.name, got, r.want)
			}
		}
	}
}

func TestQuoteList(t *testing.T) {
	got := QuoteList([]string{"Nom", "0612345678", "+33 6 12 34 56 78", "Code 75001", "Tél"})
	want := `"Nom", <number>, <number>, "Code 75001", "Tél"`
	if got != want {
		t.Errorf("QuoteList = %s, want %s", got, want)
	}
	if !LooksLikeData([]string{"A", "06 12 34 56 78"}) || LooksLikeData([]string{"Nom", "Tel 2"}) {
		t.Error("LooksLikeData: wrong")
	}
}

// FuzzClassify: no name makes Classify or Quote panic; a name that looks
// like a number is never a phone column and never printed; Key and Fold
// agree; prospect files accept whatever lists accept.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"MobilePhone", "Numéro client", "N° tél.", "E.164", "0612345678", "numerodetelephone", "Ǆǅ", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k := Classify(name)
		if k > E164 {
			t.Fatalf("Classify(%q) = %d", name, k)
		}
		if LooksLikeNumber(name) {
			if k != None || LooksPhoneLike(name) || Quote(name) != Masked {
				t.Fatalf("%q looks like a number but is %v / quoted %s", name, k, Quote(name))
			}
		}
		if q := Quote(name); q != Masked && digits(name) >= numberDigits {
			t.Fatalf("Quote(%q) = %s prints %d digits", name, q, digits(name))
		}
		if k != None && !LooksPhoneLike(name) {
			t.Fatalf("%q is %v but does not look phone-like", name, k)
		}
		if strings.ReplaceAll(Fold(name), " ", "") != Key(name) {
			t.Fatalf("Fold(%q) = %q, Key = %q", name, Fold(name), Key(name))
		}
		if Exempt.Reads(name) && !Prospect.Reads(name) || Prospect.Reads(name) && !Block.Reads(name) {
			t.Fatalf("%q: an exempt list reads what a prospect file does not, or a prospect file what a block list does not", name)
		}
		if Block.Reads(name) && !LooksPhoneLike(name) {
			t.Fatalf("%q is read by a block list but does not look phone-like", name)
		}
		if w := Words(name); slices.Contains(w, "") {
			t.Fatalf("Words(%q) = %q holds an empty word", name, w)
		}
	})
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// TestConcurrentUse folds names from several goroutines at once, as
// concurrent registry, allow and consent loads do: under -race, shared
// state in the folding fails it.
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				name := []string{"Téléphone", "MobilePhone", "Numéro client", "N° tél."}[(g+i)%4]
				want := []Kind{Phone, Phone, None, Phone}[(g+i)%4]
				if k := Classify(name); k != want {
					t.Errorf("Classify(%q) = %v, want %v", name, k, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestLooksVerdict lists the names of a wash result's verdict column, and
// names that are not one.
func TestLooksVerdict(t *testing.T) {
	for name, want := range map[string]bool{
		"Result": true, "DNCR": true, "Résultat": true, "verdict": true, "Registered": true,
		"Outcome": true, "wash_result": true,
		"Code": false, "Status": false, "reason_code": false, "x": false, "Nom": false, "Phone": false, "": false,
	} {
		if got := LooksVerdict(name); got != want {
			t.Errorf("LooksVerdict(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestClassifyAnswer lists the names of a column of answers about
// calling, of withdrawals, and names that are neither (other channels,
// proofs, dates, metadata).
func TestClassifyAnswer(t *testing.T) {
	for name, want := range map[string]Answer{
		"opt_in": Answers, "Consentement": Answers, "consent": Answers, "Einwilligung": Answers,
		"Contrat en cours": Answers, "Actif": Answers, "DNC": Answers, "Contactable": Answers,
		"Refus": Answers, "Opted In": Answers, "Autorisation": Answers, "Marketing": Answers,
		"Opt-out": Withdrawal, "withdrawn_at": Withdrawal, "Date de retrait": Withdrawal,
		"unsubscribed_at": Withdrawal, "opt_out_date": Withdrawal, "Date de désinscription": Withdrawal,
		"Opposition": Withdrawal, "Widerrufsdatum": Withdrawal,
		"Opt-in email": NoAnswer, "Email opt-out": NoAnswer, "SMS_ok": NoAnswer, "Newsletter": NoAnswer,
		"consented_at": NoAnswer, "Date consentement": NoAnswer, "Source consentement": NoAnswer,
		"consent_ip": NoAnswer, "ID consentement": NoAnswer, "N° contrat": NoAnswer,
		"Type de contrat": NoAnswer, "Code pays": NoAnswer, "Statut client": NoAnswer, "Nom": NoAnswer,
	} {
		if got := ClassifyAnswer(name); got != want {
			t.Errorf("ClassifyAnswer(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestIsRefusal lists outcomes that are refusals and some that are not.
func TestIsRefusal(t *testing.T) {
	for o, want := range map[string]bool{
		"refused": true, " Refused ": true, "REFUSÉ": true, "refusé": true, "refus": true, "Refusal": true,
		"declined": true, "DNC": true, "do not call": true, "Do-Not-Call": true, "not interested": true,
		"Pas intéressé": true, "Non intéressé": true, "don't call": true, "ne plus appeler": true,
		"ne pas rappeler": true, "do not contact": true, "optout": true, "opted out": true, "NI": true,
		"rejected": true, "denied": true, "ni": true, "ne pas appeler": true, "opposition": true, "STOP": true, "opt-out": true,
		"answered": false, "no-answer": false, "no answer": false, "voicemail": false, "busy": false,
		"": false, "callback": false, "interested": false, "sale": false, "wrong number": false,
	} {
		if got := IsRefusal(o); got != want {
			t.Errorf("IsRefusal(%q) = %v, want %v", o, got, want)
		}
	}
}
