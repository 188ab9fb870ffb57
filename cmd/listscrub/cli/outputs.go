package cli

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/listscrub/listscrub/atomicfile"
	"github.com/listscrub/listscrub/pathcheck"
	"github.com/listscrub/listscrub/registry"
)

// paths collects a command's input and output paths, each with the flag that
// gave it, to refuse an output that is an input or another output before
// anything is read (pathcheck).
type paths struct{ set pathcheck.Set }

func newPaths(stdio IO) *paths {
	p := &paths{}
	if f, ok := stdio.In.(*os.File); ok {
		p.set.Stdin = f
	}
	if f, ok := stdio.Out.(*os.File); ok {
		p.set.Stdout = f
	}
	if f, ok := stdio.ErrOut.(*os.File); ok {
		p.set.Stderr = f
	}
	return p
}

func (p *paths) input(flag string, paths ...string) { p.set.Input(flag, paths...) }

// specs registers registry-source arguments ([NAME=]PATH) read under flag.
func (p *paths) specs(flag string, args []string) {
	for _, a := range args {
		p.set.Input(flag, registry.ParseSpec(a).Path)
	}
}

func (p *paths) output(flag string, paths ...string) { p.set.Output(flag, paths...) }

// check returns a usage error naming both flags of the first output that is
// the same file as an input or another output.
func (p *paths) check() error {
	if err := p.set.Check(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// outputs are a command's output files, committed together once the command
// has written them all: every one appears, or none (atomicfile.Group).
type outputs struct {
	g     atomicfile.Group
	files map[string]*atomicfile.File // by flag
}

// newOutputs returns a command's outputs, registered with the run's scope
// so that a signal can remove their temporary files.
func newOutputs(stdio IO) *outputs {
	o := &outputs{g: atomicfile.Group{Stdout: stdio.Out}, files: map[string]*atomicfile.File{}}
	if stdio.scope != nil {
		stdio.scope.add(&o.g)
	}
	return o
}

// file returns the output created for flag, or nil.
func (o *outputs) file(flag string) *atomicfile.File { return o.files[flag] }

// create creates the output flag names (a path, or - for standard output)
// now, so that one that cannot be written fails before the work; "" is no
// output and returns a nil io.Writer.
func (o *outputs) create(flag, path string) (io.Writer, error) {
	if path == "" {
		return nil, nil
	}
	f, err := o.g.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	o.files[flag] = f
	return f, nil
}

func (o *outputs) commit() error { return o.g.Commit() }
func (o *outputs) abort()        { o.g.Abort() }

// scope is what one run of Main has created on disk that a signal must be
// able to remove while the run's own goroutine is stuck: its output groups.
// It belongs to that Main call (no package state), and is safe for
// concurrent use.
type scope struct {
	mu     sync.Mutex
	groups []*atomicfile.Group
}

func (s *scope) add(g *atomicfile.Group) {
	s.mu.Lock()
	s.groups = append(s.groups, g)
	s.mu.Unlock()
}

// cancel removes every temporary file of the run's outputs now
// (atomicfile.Group.Cancel).
func (s *scope) cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		g.Cancel()
	}
}
