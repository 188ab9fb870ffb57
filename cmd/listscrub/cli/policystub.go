package cli

// Temporary until the history reader and holidays land (issue 16).

import (
	"context"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/registry"
)

func loadHistory(ctx context.Context, paths []string, norm *normalize.Normalizer, lf *registryFlags, now time.Time, stdio IO) (*policy.History, []*registry.SourceInfo, error) {
	return nil, nil, usagef("--history: not built yet")
}
