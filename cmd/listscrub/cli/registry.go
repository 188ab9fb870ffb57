package cli

import "github.com/spf13/cobra"

// newRegistryCmd returns the registry command, which groups build, info and
// diff.
func newRegistryCmd(stdio IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Compile and inspect registry snapshots",
		Long: `A snapshot is a registry compiled once: normalized, deduplicated, with its
entry count, as-of date, checksum and bloom filter. Scrubs load it in a
fraction of the time a raw list takes, and refuse it if it is corrupted.`,
	}
	cmd.AddCommand(newRegistryBuildCmd(stdio, nil), newRegistryInfoCmd(stdio, nil), newRegistryDiffCmd(stdio, nil))
	return cmd
}
