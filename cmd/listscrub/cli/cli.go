// Package cli wires listscrub's commands: it parses flags into each
// command's options, runs the command, and maps errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/scrub"
)

// Exit codes.
const (
	ExitOK         = 0 // done
	ExitFailed     = 1 // an input, registry or output error
	ExitUsage      = 2 // the command was called wrongly
	ExitRegistered = 3 // check: at least one number is registered
)

// IO is what a command gets from the process that runs it: where it reads
// and writes (the process's standard streams, or buffers in tests) and, from
// main only, the power to change process-wide settings.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// LimitCPUs bounds the cores the process uses to n (-j N is a run's CPU
	// budget, registry loading included, not only its worker count). Only
	// main sets it, since it changes process-wide state (GOMAXPROCS) for
	// good; nil, as in tests that call Main, leaves the process alone and
	// -j bounds the workers only.
	LimitCPUs func(n int)

	// scope is the run's outputs, for the signal path to remove their
	// temporary files (set by Main; nil when a test builds a command).
	scope *scope
	// args is the command line Main was given, for the receipt (set by
	// Main; nil when a test builds a command).
	args []string
	// signals, set by Main, is set by a command that handles SIGHUP,
	// SIGTERM and SIGINT itself (serve), so that Main does not cancel it.
	signals *signalClaim
}

// failure marks an error raised while running a command (exit 1), as opposed
// to cobra's own errors about flags and arguments (exit 2).
type failure struct{ err error }

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// errRegistered is returned by check when a number is registered (exit 3).
var errRegistered = errors.New("registered")

// usageError is an error in the command line found by a command itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// runner returns the RunE of a command whose options are o: it fills o from
// the positional arguments (args; nil when the command takes none), then
// calls runF when a test gave one, the command's own run otherwise. Errors
// are failures (exit 1), except usage errors (exit 2) and errRegistered.
func runner[O any](o *O, args func(o *O, args []string), runF, run func(context.Context, *O) error) func(*cobra.Command, []string) error {
	if runF == nil {
		runF = run
	}
	return func(cmd *cobra.Command, a []string) error {
		if args != nil {
			args(o, a)
		}
		return classify(runF(cmd.Context(), o))
	}
}

// classify wraps err as a failure unless it is a usage error or
// errRegistered, which keep their exit codes.
func classify(err error) error {
	var ue *usageError
	var se *scrub.UsageError
	if err == nil || errors.Is(err, errRegistered) || errors.As(err, &ue) || errors.As(err, &se) {
		return err
	}
	return &failure{err}
}

// Main runs listscrub with args and returns the exit code.
//
// SIGINT, SIGTERM, SIGHUP (the terminal closed), SIGQUIT (Ctrl-\) and
// SIGPIPE (the reader of a pipe went away, as `| head` does) cancel the run,
// which then returns through its normal cleanup: temporary outputs removed,
// exit code 1. Without SIGPIPE here, Go would kill the process at the first
// write to a closed standard output, and without SIGQUIT it would dump its
// goroutines and exit 2, leaving the temporary files either way. A run that
// has not returned signalGrace after the signal (or at a second signal) is
// stuck in something a context cannot stop — an open or a read of a named
// pipe nobody writes to, a write to one nobody reads — so the signal path
// itself removes every temporary file of the run (atomicfile.Group.Cancel)
// and Main returns 1 without waiting for it; the caller exits.
func Main(args []string, stdio IO) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGPIPE)
	defer signal.Stop(sigs)
	stdio.scope = &scope{}
	stdio.args = args
	stdio.signals = &signalClaim{}
	done := make(chan int, 1)
	go func() { done <- execute(ctx, args, stdio) }()
	var grace <-chan time.Time
	for {
		why := fmt.Sprintf("did not stop within %v", signalGrace)
		select {
		case code := <-done:
			return code
		case sig := <-sigs:
			if stdio.signals.Load() && sig != syscall.SIGQUIT {
				continue // the command handles it (serve)
			}
			if grace == nil {
				if sig == syscall.SIGQUIT {
					dumpGoroutines(stdio.ErrOut)
				}
				cancel()
				grace = time.After(signalGrace)
				continue
			}
			if sig == syscall.SIGPIPE {
				continue // the cancelled run's own writes to a closed pipe
			}
			why = "had not stopped at a second signal"
		case <-grace:
		}
		stdio.scope.cancel()
		fmt.Fprintf(stdio.ErrOut, "listscrub: interrupted: the run %s (blocked on a named pipe or stream that neither sends nor takes data?); its temporary files were removed, no output was written\n", why)
		return ExitFailed
	}
}

// signalGrace is how long a signalled run has to return by itself.
const signalGrace = 2 * time.Second

// dumpGoroutines writes every goroutine's stack to w, as Go does on
// SIGQUIT, to say where a run that seems stuck was: function names and
// lines only (pprof's debug level 1), without the argument values a
// traceback prints, which could hold a phone number.
func dumpGoroutines(w io.Writer) {
	fmt.Fprintln(w, "listscrub: SIGQUIT: the goroutines' stacks follow (for a bug report); stopping")
	pprof.Lookup("goroutine").WriteTo(w, 1)
}

// execute runs the command line under ctx and returns the exit code.
func execute(ctx context.Context, args []string, stdio IO) int {
	root := newRoot(stdio)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errRegistered) {
		return ExitRegistered
	}
	var f *failure
	if errors.As(err, &f) {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			fmt.Fprintln(stdio.ErrOut, "listscrub: interrupted: no output was written")
		} else {
			fmt.Fprintf(stdio.ErrOut, "listscrub: %v\n", err)
		}
		return ExitFailed
	}
	fmt.Fprintf(stdio.ErrOut, "listscrub: %v\n", err)
	fmt.Fprintln(stdio.ErrOut, "Run 'listscrub --help' for usage.")
	return ExitUsage
}

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "listscrub",
		Short: "Scrub telemarketing prospect files against do-not-call registries",
		Long: `listscrub removes from a prospect file every row whose phone number is on a
telephone opposition (do-not-call) registry — Bloctel, the US National DNC
Registry, Canada's DNCL, Belgium's DNCM, UK TPS, your own suppression lists —
and splits every row into clean, blocked, invalid or duplicate, with stats.

Numbers are compared in E.164 form, whatever their spelling: 06 12 34 56 78,
+33 (0)6 12 34 56 78, 0033612345678 and 612345678 are the same number.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	root.AddCommand(
		newScrubCmd(stdio, nil),
		newCoverageCmd(stdio, nil),
		newRegistryCmd(stdio),
		newReceiptCmd(stdio),
		newNormalizeCmd(stdio, nil),
		newCheckCmd(stdio, nil),
		newServeCmd(stdio, nil),
		newVersionCmd(stdio, nil),
	)
	// Cobra's completion command prints its help, exit 0, for a shell it does
	// not know: make that a usage error.
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("want a shell: bash, zsh, fish or powershell")
			}
			return usagef("unknown shell %q: want bash, zsh, fish or powershell", args[0])
		}
	}
	return root
}
