package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X .../cli.buildVersion=...".
var buildVersion = ""

// buildCommit is set at build time with -ldflags "-X .../cli.buildCommit=..."
// (make build does); otherwise the Go toolchain's vcs.revision is used.
var buildCommit = ""

// commit returns the source revision the binary was built from, or "unknown".
func commit() string {
	if buildCommit != "" {
		return buildCommit
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// versionOptions are version's: it has no flag.
type versionOptions struct {
	IO IO
}

func newVersionCmd(stdio IO, runF func(context.Context, *versionOptions) error) *cobra.Command {
	o := &versionOptions{IO: stdio}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE:  runner(o, nil, runF, runVersion),
	}
}

// runVersion prints the version, the commit and the Go toolchain's version
// and platform.
func runVersion(_ context.Context, o *versionOptions) error {
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
	}
	if _, err := fmt.Fprintf(o.IO.Out, "listscrub %s (commit %s, %s, %s/%s)\n", version(), commit(), goVersion, runtime.GOOS, runtime.GOARCH); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
