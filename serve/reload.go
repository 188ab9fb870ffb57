package serve

import (
	"context"
	"os"
	"time"
)

// Reload loads everything anew and swaps the new state in; requests in
// flight finish on the old one. A load that fails is refused: the old
// state stays, the failure is counted (listscrub_serve_reload_failures_total),
// logged and returned. Reloads run one at a time.
func (s *Server) Reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	start := time.Now()
	st, err := s.load(ctx)
	if err != nil {
		s.metrics.reloadFail.Inc()
		// Load errors name files and lines, never a number.
		s.log.Error("reload refused: the old lists are still served", "err", err.Error())
		return err
	}
	s.state.Store(st)
	s.metrics.reloads.Inc()
	s.log.Info("reloaded", "entries", st.entries, "sources", len(st.sources),
		"age_days", st.ageDays(s.now()), "ready", st.fresh(s.now(), s.cfg.MaxAge),
		"took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// RequestReload asks the watcher (Run) for a reload, as SIGHUP does; it
// does not wait. Requests made while one is pending are one.
func (s *Server) RequestReload() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// fileSig is what says a file was replaced: a rename into place changes
// the inode, a rewrite the size or modification time.
type fileSig struct {
	ok    bool // the file exists
	ino   uint64
	size  int64
	mtime time.Time
}

func sigOf(path string) fileSig {
	fi, err := os.Stat(path)
	if err != nil {
		return fileSig{}
	}
	return fileSig{ok: true, ino: inode(fi), size: fi.Size(), mtime: fi.ModTime()}
}

// watch reloads on RequestReload and when a watched file's signature
// changes (polled every Config.PollInterval), until ctx is done. A change
// is acted on once the files have kept their signatures for two polls: a
// file rewritten in place (cp, curl -o, gunzip -c >) is read when its
// writer is done, never half-written (a raw list cut short has no checksum
// to refuse it: its missing numbers would answer clean). The signatures
// are taken before each load, so a file replaced during a load reloads
// again; after a refused load the new signatures are kept, so a bad file is
// tried once, and again when it is replaced.
func (s *Server) watch(ctx context.Context) {
	sigs := make([]fileSig, len(s.cfg.Watch))
	for i, p := range s.cfg.Watch {
		sigs[i] = sigOf(p)
	}
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	changed, quiet := "", 0 // the file that changed, and the polls since it last did
	for {
		why := "signal"
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-t.C:
			moved := false
			for i, p := range s.cfg.Watch {
				if sg := sigOf(p); sg != sigs[i] {
					sigs[i], changed, moved = sg, p, true
				}
			}
			if moved {
				quiet = 0
				continue
			}
			if changed == "" {
				continue
			}
			if quiet++; quiet < settlePolls {
				continue
			}
			why = "file replaced: " + changed
		}
		changed, quiet = "", 0
		for i, p := range s.cfg.Watch {
			sigs[i] = sigOf(p)
		}
		s.log.Info("reloading", "why", why)
		s.Reload(ctx)
	}
}

// settlePolls is how many polls a changed file must keep its signature
// before it is loaded.
const settlePolls = 2
