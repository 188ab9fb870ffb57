package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/listscrub/listscrub/progress"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
)

// scrubProgress draws a scrub's progress on standard error when it is a
// terminal (and not --quiet); otherwise it does nothing.
type scrubProgress struct{ bar *progress.Bar }

// newProgress returns the progress display of a scrub-like command.
func newProgress(stdio IO, label string, quiet bool) scrubProgress {
	if quiet {
		return scrubProgress{}
	}
	return scrubProgress{progress.New(stdio.ErrOut, progress.Options{
		Terminal: progress.IsTerminal(stdio.ErrOut), Label: label,
	})}
}

// Update is a scrub.Options.Progress function.
func (p scrubProgress) Update(s scrub.Progress) { p.bar.Update(s.Rows, s.BytesRead, s.BytesSize) }

// Finish erases the bar.
func (p scrubProgress) Finish() { p.bar.Finish() }

// loadProgress shows, while registry sources load, how many there are, their
// total size and the time elapsed (loading reports no finer progress). It
// returns the function that stops and erases it.
func loadProgress(stdio IO, label string, quiet bool, specs []registry.Spec) (stop func()) {
	if quiet {
		return func() {}
	}
	bar := progress.New(stdio.ErrOut, progress.Options{Terminal: progress.IsTerminal(stdio.ErrOut), Label: label})
	if bar == nil {
		return func() {}
	}
	var size int64
	for _, s := range specs {
		if fi, err := os.Stat(s.Path); err == nil {
			size += fi.Size()
		}
	}
	text := fmt.Sprintf("reading %d source(s), %s", len(specs), progress.Bytes(size))
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progress.DefaultInterval)
		defer t.Stop()
		for {
			bar.Status(text)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		bar.Finish()
	}
}
