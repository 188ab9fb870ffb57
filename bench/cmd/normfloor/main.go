// Command normfloor is the split + normalize floor of the comparison bench:
// it splits the file with csvsplit and normalizes the phone columns with the
// fast path, on one goroutine, and prints the number of rows with at least
// one valid number. It does no look-up and writes nothing: listscrub scrub
// -j 1 cannot be faster than this.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/listscrub/listscrub/csvsplit"
	"github.com/listscrub/listscrub/normalize"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: normfloor FILE (a ';' file whose 4th and 5th columns are phones)")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n, err := normalize.New("FR")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r := csvsplit.NewReader(f, csvsplit.Options{Name: os.Args[1], Comma: ';'})
	var b csvsplit.Batch
	valid, rows, first := 0, 0, true
	for {
		err := r.ReadBatch(&b, 4096, 1<<20)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for i := range b.Len() {
			if first {
				first = false
				continue
			}
			rows++
			ok := false
			for _, c := range [...]int{3, 4} {
				if c < b.NumFields(i) && n.Normalize(b.Field(i, c)).Valid() {
					ok = true
				}
			}
			if ok {
				valid++
			}
		}
	}
	fmt.Println(rows, valid)
}
