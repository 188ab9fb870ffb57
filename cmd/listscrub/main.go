// Command listscrub scrubs telemarketing prospect files against telephone
// opposition (do-not-call) registries. See README.md and `listscrub --help`.
package main

import (
	"os"
	"runtime"

	"github.com/listscrub/listscrub/cmd/listscrub/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], processIO()))
}

// processIO is what the process gives the command: its standard streams,
// and the power to lower GOMAXPROCS for -j N, a process-wide setting that
// only main may change (it holds until the process exits).
func processIO() cli.IO {
	return cli.IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		LimitCPUs: func(n int) {
			if n < runtime.GOMAXPROCS(0) {
				runtime.GOMAXPROCS(n)
			}
		},
	}
}
