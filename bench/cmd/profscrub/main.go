// Command profscrub runs what `listscrub scrub -r LIST -o OUT INPUT` runs
// (registry load, then scrub.Run) under the CPU profiler, for
// `go tool pprof -top`; optionally also a block and a mutex profile (where
// the pipeline's goroutines wait).
//
//	profscrub -cpuprofile cpu.prof -j 1 LIST INPUT OUT
//	profscrub -trace trace.out -j 2 LIST INPUT OUT
//	profscrub -blockprofile block.prof -mutexprofile mutex.prof -j 2 LIST INPUT OUT
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

func main() {
	prof := flag.String("cpuprofile", "cpu.prof", "CPU profile to write")
	workers := flag.Int("j", 0, "workers (0: all cores)")
	blockProf := flag.String("blockprofile", "", "block profile to write (every blocking event is recorded)")
	mutexProf := flag.String("mutexprofile", "", "mutex contention profile to write")
	traceOut := flag.String("trace", "", "execution trace to write (go tool trace), instead of the CPU profile")
	flag.Parse()
	if *blockProf != "" {
		runtime.SetBlockProfileRate(1)
	}
	if *mutexProf != "" {
		runtime.SetMutexProfileFraction(1)
	}
	if flag.NArg() != 3 {
		fmt.Fprintln(os.Stderr, "usage: profscrub [-cpuprofile F] [-j N] LIST INPUT OUT")
		os.Exit(2)
	}
	f, err := os.Create(*prof)
	check(err)
	if *traceOut != "" {
		tf, err := os.Create(*traceOut)
		check(err)
		check(trace.Start(tf))
		defer tf.Close()
	} else {
		check(pprof.StartCPUProfile(f))
	}
	t := time.Now()
	norm, err := normalize.New("FR")
	check(err)
	reg, err := registry.Load(context.Background(), []registry.Spec{{Label: "bloctel", Path: flag.Arg(0)}},
		registry.LoadOptions{Normalizer: norm, Strict: true})
	check(err)
	tl := time.Since(t)
	st, err := scrub.Run(context.Background(), scrub.Options{Input: flag.Arg(1), Out: flag.Arg(2), Registry: reg, Normalizer: norm, Workers: *workers})
	check(err)
	if *traceOut != "" {
		trace.Stop()
	} else {
		pprof.StopCPUProfile()
	}
	check(f.Close())
	for _, p := range []struct{ name, path string }{{"block", *blockProf}, {"mutex", *mutexProf}} {
		if p.path == "" {
			continue
		}
		pf, err := os.Create(p.path)
		check(err)
		check(pprof.Lookup(p.name).WriteTo(pf, 0))
		check(pf.Close())
	}
	fmt.Printf("load %.2fs, scrub %.2fs, %d rows, %d clean\n", tl.Seconds(), time.Since(t).Seconds()-tl.Seconds(), st.RowsIn, st.RowsClean)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
