package scrub

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
)

// benchFiles writes a French Excel-style prospect file of rows rows (two
// phone columns, mixed spellings, about 30% registered) and a registry of
// regSize numbers. Nothing large is kept in git: it is generated here.
func benchFiles(b *testing.B, dir string, rows, regSize int) (input, reg string) {
	b.Helper()
	r := rand.New(rand.NewPCG(42, 42))
	nsn := func() string { return fmt.Sprintf("6%08d", r.IntN(100000000)) }
	var regb bytes.Buffer
	registered := make([]string, 0, regSize)
	for range regSize {
		n := nsn()
		registered = append(registered, n)
		fmt.Fprintf(&regb, "+33%s\n", n)
	}
	var in bytes.Buffer
	in.WriteString("Civilité;Nom;Prénom;Adresse;Code postal;Ville;Tél. fixe;Portable;Email;Campagne\r\n")
	for i := range rows {
		m := nsn()
		if r.IntN(10) < 3 {
			m = registered[r.IntN(len(registered))]
		}
		fixe := ""
		if i%3 == 0 {
			fixe = fmt.Sprintf("01 %02d %02d %02d %02d", 40+r.IntN(50), r.IntN(100), r.IntN(100), r.IntN(100))
		}
		var mob string
		switch i % 4 {
		case 0:
			mob = "0" + m[:1] + " " + m[1:3] + " " + m[3:5] + " " + m[5:7] + " " + m[7:9]
		case 1:
			mob = "+33 " + m
		case 2:
			mob = "0" + m
		default:
			mob = m
		}
		fmt.Fprintf(&in, "M.;Martin;Jean;%d rue de la Paix;75011;Paris;%s;%s;jean.martin%d@example.fr;Q4\r\n", i%120, fixe, mob, i)
	}
	input, reg = filepath.Join(dir, "prospects.csv"), filepath.Join(dir, "reg.txt")
	if err := os.WriteFile(input, in.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(reg, regb.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return input, reg
}

// BenchmarkScrub measures a whole scrub (read, split, normalize, look up,
// write four outputs) of 200,000 rows against 100,000 registered numbers.
func BenchmarkScrub(b *testing.B) {
	dir := b.TempDir()
	const rows = 200_000
	input, regFile := benchFiles(b, dir, rows, 100_000)
	norm, _ := normalize.New("FR")
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "reg", Path: regFile}},
		registry.LoadOptions{Normalizer: norm})
	if err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(input)
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("j%d", workers), func(b *testing.B) {
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			for b.Loop() {
				st, err := Run(context.Background(), Options{
					Input: input, Out: filepath.Join(dir, "clean.csv"), Blocked: filepath.Join(dir, "blocked.csv"),
					Invalid: filepath.Join(dir, "invalid.csv"), Registry: reg, Normalizer: norm, Workers: workers,
				})
				if err != nil || st.RowsIn != rows {
					b.Fatalf("%v %+v", err, st)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
