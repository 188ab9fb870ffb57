package csvsplit_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/listscrub/listscrub/csvsplit"
)

func ExampleReader_ReadBatch() {
	in := "Nom;Prénom;\"Adresse\"\r\n" +
		"Dupont;Jean;\"12, rue \"\"Haute\"\"\r\nBât. A\"\r\n" +
		"\r\n" +
		";;\r\n"
	r := csvsplit.NewReader(strings.NewReader(in), csvsplit.Options{Name: "prospects.csv", Comma: ';'})
	var b csvsplit.Batch
	for {
		err := r.ReadBatch(&b, 1000, 1<<20)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		for i := range b.Len() {
			fmt.Printf("line %d:", b.Line(i))
			for j := range b.NumFields(i) {
				fmt.Printf(" %q", b.Field(i, j))
			}
			fmt.Printf("\n  raw %q\n", b.Raw(i))
		}
	}
	fmt.Println("blank lines:", r.BlankLines())
	// Output:
	// line 1: "Nom" "Prénom" "Adresse"
	//   raw "Nom;Prénom;\"Adresse\"\r\n"
	// line 2: "Dupont" "Jean" "12, rue \"Haute\"\r\nBât. A"
	//   raw "Dupont;Jean;\"12, rue \"\"Haute\"\"\r\nBât. A\"\r\n"
	// line 5: "" "" ""
	//   raw ";;\r\n"
	// blank lines: 1
}

func ExampleReader_ReadBatch_lenient() {
	in := "a\"b;c\"\n\"a\"b;\"c\"\"\"d\"e;\"x\" \n"
	r := csvsplit.NewReader(strings.NewReader(in), csvsplit.Options{Comma: ';'})
	var b csvsplit.Batch
	if err := r.ReadBatch(&b, 0, 0); err != nil {
		fmt.Println(err)
		return
	}
	for i := range b.Len() {
		var fs []string
		for j := range b.NumFields(i) {
			fs = append(fs, fmt.Sprintf("%q", b.Field(i, j)))
		}
		fmt.Println(strings.Join(fs, " "))
	}
	var err error
	r = csvsplit.NewReader(strings.NewReader("a;b\nc;\"d\ne\n"), csvsplit.Options{Name: "bad.csv", Comma: ';'})
	for err == nil {
		err = r.ReadBatch(&b, 0, 0)
	}
	fmt.Println(err)
	// Output:
	// "a\"b" "c\""
	// "ab" "c\"d\"e" "x "
	// bad.csv:2:3: quoted field not closed before end of input
}

func ExampleSniff() {
	fmt.Printf("%q\n", csvsplit.Sniff([]byte("Nom;Montant\r\nDupont;12,50\r\nMartin;7,25\r\n")))
	fmt.Printf("%q\n", csvsplit.Sniff([]byte("name,notes\n\"Smith; John\",x\n")))
	// Output:
	// ';'
	// ','
}

func ExampleDecodeString() {
	header := []byte("T\xe9l\xe9phone") // Windows-1252
	fmt.Println(csvsplit.DecodeString(csvsplit.DetectEncoding(header), header))
	// Output: Téléphone
}
