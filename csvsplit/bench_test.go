package csvsplit

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// genFrench returns about size bytes of an Excel-French export: ';'
// delimiter, CRLF, Windows-1252, 12 columns, some quoted (with delimiters and
// doubled quotes inside).
func genFrench(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("Civilit\xe9;Nom;Pr\xe9nom;Adresse;Code postal;Ville;T\xe9l\xe9phone;Mobile;Email;Date;Montant;Commentaire\r\n")
	noms := []string{"Dupont", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Lef\xe8vre", "Moreau"}
	prenoms := []string{"Jean", "Marie", "Fran\xe7ois", "H\xe9l\xe8ne", "Andr\xe9", "Lucie", "Ren\xe9", "Chlo\xe9"}
	villes := []string{"Paris", "Lyon", "Marseille", "Saint-\xc9tienne", "Besan\xe7on", "Orl\xe9ans"}
	for b.Len() < size {
		n := rng.IntN(len(noms))
		fmt.Fprintf(&b, "%s;%s;%s;", []string{"M.", "Mme"}[rng.IntN(2)], noms[n], prenoms[rng.IntN(len(prenoms))])
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "\"%d, rue de la Paix; b\xe2t. A\";", rng.IntN(200))
		} else {
			fmt.Fprintf(&b, "%d avenue Foch;", rng.IntN(200))
		}
		fmt.Fprintf(&b, "%05d;%s;0%d %02d %02d %02d %02d;+33 6 %08d;%s@example.fr;%02d/%02d/20%02d;%d,%02d;",
			rng.IntN(100000), villes[rng.IntN(len(villes))], 1+rng.IntN(5), rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100),
			rng.IntN(100000000), noms[n], 1+rng.IntN(28), 1+rng.IntN(12), rng.IntN(30), rng.IntN(10000), rng.IntN(100))
		switch rng.IntN(4) {
		case 0:
			b.WriteString("\"Rappeler \"\"apr\xe8s 18h\"\"\"\r\n")
		case 1:
			b.WriteString("\r\n")
		default:
			b.WriteString("ne pas appeler le lundi\r\n")
		}
	}
	return b.Bytes()
}

// genComma returns about size bytes of a plain comma-separated file (LF, no quotes).
func genComma(size int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.WriteString("id,first_name,last_name,phone,city,state,zip,score\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "%d,John%d,Smith%d,+1 555 %07d,Springfield,IL,%05d,%d\n",
			i, rng.IntN(1000), rng.IntN(1000), rng.IntN(10000000), rng.IntN(100000), rng.IntN(100))
	}
	return b.Bytes()
}

// genMultiline returns about size bytes of records with many quoted fields
// spanning lines.
func genMultiline(size int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	b.WriteString("id;note;phone;address\r\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "%d;\"first line\r\nsecond line with \"\"quotes\"\"\r\nthird; line\";0%d;\"%d rue X\nB\xe2t %d\"\r\n",
			i, rng.IntN(1000000000), rng.IntN(100), rng.IntN(10))
	}
	return b.Bytes()
}

var benchInputs = []struct {
	name  string
	comma byte
	gen   func(int) []byte
}{
	{"French", ';', genFrench},
	{"Comma", ',', genComma},
	{"Multiline", ';', genMultiline},
}

const benchSize = 8 << 20

func BenchmarkReadBatch(b *testing.B) {
	for _, in := range benchInputs {
		data := in.gen(benchSize)
		b.Run(in.name, func(b *testing.B) {
			br := bytes.NewReader(data)
			r := NewReader(br, Options{Comma: in.comma})
			var batch Batch
			// Warm up (buffers grow to their steady size), untimed.
			for r.ReadBatch(&batch, 4096, 1<<20) == nil {
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				br.Reset(data)
				r.Reset(br)
				for {
					err := r.ReadBatch(&batch, 4096, 1<<20)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					// Touch the fields, as a consumer would.
					for i := range batch.Len() {
						for j := range batch.NumFields(i) {
							_ = batch.Field(i, j)
						}
					}
				}
			}
		})
	}
}

func BenchmarkEncodingCSV(b *testing.B) {
	for _, in := range benchInputs {
		data := in.gen(benchSize)
		b.Run(in.name, func(b *testing.B) {
			br := bytes.NewReader(data)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				br.Reset(data)
				r := csv.NewReader(br)
				r.Comma = rune(in.comma)
				r.FieldsPerRecord = -1
				r.ReuseRecord = true
				for {
					_, err := r.Read()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
