package cli

import (
	"github.com/listscrub/listscrub/progress"
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
