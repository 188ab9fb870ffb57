// Command gen writes the sample data shipped in testdata/sample: a French
// Excel-style prospect file (Windows-1252, ';', CRLF, two phone columns,
// quoted fields with delimiters and line breaks, numbers in every spelling,
// invalid and duplicate numbers) and two registries. It is deterministic:
// run it again and the files come out byte for byte the same.
//
//	go run ./testdata/gen -dir testdata/sample
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

var (
	firstNames = []string{"Jean", "Marie", "Pierre", "Françoise", "Hélène", "Loïc", "Zoé", "Jérôme", "Cécile", "Benoît", "Anaïs", "Gaëlle", "François", "Noël", "Inès", "Léa", "Théo", "Maëlys", "Stéphane", "Agnès"}
	lastNames  = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Lemaître", "Bénard", "Hoarau", "Payet", "Grondin"}
	cities     = []struct{ zip, name, zone string }{
		{"75011", "Paris", "1"}, {"92100", "Boulogne-Billancourt", "1"}, {"69003", "Lyon", "4"}, {"13008", "Marseille", "4"},
		{"33000", "Bordeaux", "5"}, {"59000", "Lille", "3"}, {"35000", "Rennes", "2"}, {"67000", "Strasbourg", "3"},
		{"31000", "Toulouse", "5"}, {"44000", "Nantes", "2"}, {"97400", "Saint-Denis", "R"}, {"97110", "Pointe-à-Pitre", "G"},
	}
	streets   = []string{"rue de la Paix", "avenue Jean Jaurès", "boulevard Gambetta", "place de l'Église", "chemin des Écoliers", "allée des Tilleuls"}
	campaigns = []string{"Énergie-Q4", "Fibre-Novembre", "Assurance-Habitation"}
)

// spell writes a French national 9-digit significant number in one of the
// spellings seen in real prospect files.
func spell(r *rand.Rand, nsn string) string {
	d := "0" + nsn
	pairs := d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10]
	switch r.IntN(10) {
	case 0:
		return d
	case 1:
		return strings.ReplaceAll(pairs, " ", ".")
	case 2:
		return "+33 " + nsn[0:1] + " " + nsn[1:3] + " " + nsn[3:5] + " " + nsn[5:7] + " " + nsn[7:9]
	case 3:
		return "+33 (0)" + nsn[0:1] + " " + nsn[1:3] + " " + nsn[3:5] + " " + nsn[5:7] + " " + nsn[7:9]
	case 4:
		return "0033" + nsn
	case 5:
		return nsn // Excel dropped the leading zero
	case 6:
		return strings.ReplaceAll(pairs, " ", "-")
	case 7:
		return "33" + nsn
	default:
		return pairs
	}
}

// overseas writes a Réunion (0692/0262) or Guadeloupe (0690/0590) number in national form.
func overseas(r *rand.Rand, zone string, mobile bool) string {
	p := map[string][2]string{"R": {"692", "262"}, "G": {"690", "590"}}[zone]
	pre := p[1]
	if mobile {
		pre = p[0]
	}
	return fmt.Sprintf("0%s %02d %02d %02d", pre, r.IntN(100), r.IntN(100), r.IntN(100))
}

func mobileNSN(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return fmt.Sprintf("7%d%07d", 5+r.IntN(4), r.IntN(10000000))
	}
	return fmt.Sprintf("6%02d%06d", []int{0, 1, 2, 7, 8, 11, 12, 20, 30, 45, 50, 62, 70, 82}[r.IntN(14)], r.IntN(1000000))
}

func fixedNSN(r *rand.Rand, zone string) string {
	return fmt.Sprintf("%s%d%07d", zone, 3+r.IntN(6), r.IntN(10000000))
}

func main() {
	dir := flag.String("dir", "testdata/sample", "output folder")
	rows := flag.Int("rows", 1000, "prospect rows")
	flag.Parse()
	r := rand.New(rand.NewPCG(2026, 11))

	prospects, registered := genProspects(r, *rows)
	enc, err := charmap.Windows1252.NewEncoder().Bytes(prospects)
	if err != nil {
		log.Fatal(err)
	}
	write(*dir, "prospects.csv", enc)
	// The lists are drawn after the prospects, from the same generator, in
	// this order: the files depend on it.
	bloctel, optout := genRegistries(r, registered)
	write(*dir, "bloctel.csv", bloctel)
	write(*dir, "optout.txt", optout)
	write(*dir, "customers.csv", genCustomers(r, registered))
}

// genProspects writes the prospect file (UTF-8; the caller encodes it) and
// returns it with the numbers of its rows that the registries must hold (as
// NSN, or overseas numbers in national form).
func genProspects(r *rand.Rand, rows int) (file []byte, registered []string) {
	var b bytes.Buffer
	b.WriteString("Civilité;Nom;Prénom;Adresse;Code postal;Ville;Tél. fixe;Portable;Email;Campagne;Commentaire\r\n")
	var seenMobiles []string
	for i := range rows {
		c := cities[r.IntN(len(cities))]
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		civ := "M."
		if r.IntN(2) == 0 {
			civ = "Mme"
		}
		addr := fmt.Sprintf("%d %s", 1+r.IntN(120), streets[r.IntN(len(streets))])
		if r.IntN(15) == 0 {
			addr = fmt.Sprintf("\"%s; Bât. %c\"", addr, 'A'+r.IntN(4)) // a delimiter inside quotes
		}
		ph := genPhones(r, c.zone, seenMobiles)
		if ph.mobileKey != "" && len(ph.mobileKey) == 9 {
			seenMobiles = append(seenMobiles, ph.mobileKey)
		}
		if r.IntN(4) == 0 && ph.mobileKey != "" {
			registered = append(registered, ph.mobileKey)
		} else if r.IntN(10) == 0 && ph.fixeKey != "" {
			registered = append(registered, ph.fixeKey)
		}
		email := strings.ToLower(fmt.Sprintf("%s.%s%d@example.fr", fn, ln, i))
		comment := ""
		switch r.IntN(25) {
		case 0:
			comment = "\"Rappeler après 18h\r\nDemander M. " + ln + "\""
		case 1:
			comment = "\"Client \"\"fidèle\"\"\""
		}
		fmt.Fprintf(&b, "%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s\r\n",
			civ, ln, fn, addr, c.zip, c.name, ph.fixe, ph.mobile, email, campaigns[r.IntN(len(campaigns))], comment)
	}
	return b.Bytes(), registered
}

// phones are a prospect row's two phone fields as written, and the numbers
// they hold ("" when none is valid).
type phones struct {
	fixe, mobile       string
	fixeKey, mobileKey string
}

// genPhones draws a row's fixed and mobile numbers for a city's zone: some
// missing, invalid, in Excel's scientific notation, or a mobile seen in an
// earlier row (the same person imported twice).
func genPhones(r *rand.Rand, zone string, seenMobiles []string) phones {
	var p phones
	switch {
	case zone == "R" || zone == "G":
		p.fixe, p.mobile = overseas(r, zone, false), overseas(r, zone, true)
		p.fixeKey, p.mobileKey = p.fixe, p.mobile
	default:
		f, m := fixedNSN(r, zone), mobileNSN(r)
		p.fixe, p.mobile = spell(r, f), spell(r, m)
		p.fixeKey, p.mobileKey = f, m
	}
	if r.IntN(3) == 0 {
		p.fixe, p.fixeKey = "", ""
	}
	switch k := r.IntN(100); {
	case k < 4: // both empty
		p = phones{}
	case k < 6:
		p = phones{mobile: "06 12 34"}
	case k < 7:
		p = phones{mobile: "N/A"}
	case k < 8:
		p = phones{mobile: fmt.Sprintf("6,%08dE+08", r.IntN(100000000))}
	case k < 9:
		p.fixe, p.fixeKey = "01 23 45 67 89 12", ""
	case k < 13 && len(seenMobiles) > 0:
		p.mobileKey = seenMobiles[r.IntN(len(seenMobiles))]
		p.mobile = spell(r, p.mobileKey)
	}
	return p
}

// genRegistries writes the two registries: a Bloctel-style CSV with a header
// (four fifths of the registered prospects plus numbers of people who are
// not in the file, in mixed spellings) and the company's own opt-out list,
// one number per line (the other fifth, and one invalid line).
func genRegistries(r *rand.Rand, registered []string) (bloctel, optout []byte) {
	var b bytes.Buffer
	b.WriteString("numero;date_inscription\n")
	half := len(registered) * 4 / 5
	for _, k := range registered[:half] {
		fmt.Fprintf(&b, "%s;2026-%02d-%02d\n", registryForm(r, k), 1+r.IntN(10), 1+r.IntN(28))
	}
	for range 150 {
		fmt.Fprintf(&b, "%s;2026-%02d-%02d\n", registryForm(r, mobileNSN(r)), 1+r.IntN(10), 1+r.IntN(28))
	}
	var o bytes.Buffer
	for _, k := range registered[half:] {
		fmt.Fprintf(&o, "%s\n", registryForm(r, k))
	}
	o.WriteString("01 23\n")
	return b.Bytes(), o.Bytes()
}

// genCustomers writes the customers with a contract in progress (the allow
// list): a few registered numbers.
func genCustomers(r *rand.Rand, registered []string) []byte {
	var b bytes.Buffer
	b.WriteString("telephone\n")
	for _, k := range registered[:5] {
		fmt.Fprintf(&b, "%s\n", registryForm(r, k))
	}
	return b.Bytes()
}

// registryForm writes a number as a registry would: E.164 for most, national otherwise.
func registryForm(r *rand.Rand, k string) string {
	if strings.HasPrefix(k, "0") { // overseas, national form
		if r.IntN(2) == 0 {
			return k
		}
		d := strings.ReplaceAll(k, " ", "")
		cc := map[string]string{"0692": "262", "0262": "262", "0690": "590", "0590": "590"}[d[:4]]
		return "+" + cc + d[1:]
	}
	if r.IntN(2) == 0 {
		return "+33" + k
	}
	return spell(r, k)
}

func write(dir, name string, b []byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}
