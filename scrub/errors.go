package scrub

import "fmt"

// UsageError is an error in how the command was called (a missing or
// contradictory option), as opposed to a problem with the files it read.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}
