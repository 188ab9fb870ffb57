// Command listscrub scrubs telemarketing prospect files against telephone
// opposition (do-not-call) registries. See README.md and `listscrub --help`.
package main

import (
	"os"

	"github.com/listscrub/listscrub/cmd/listscrub/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
}
