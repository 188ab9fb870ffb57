package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/listscrub/listscrub/scrub"
)

// Defaults of Config.
const (
	DefaultMaxBatch        = 100_000
	DefaultMaxBody         = 16 << 20
	DefaultPollInterval    = time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

// Config configures a Server.
type Config struct {
	// Load loads the registries, lists, history and policy anew, as a
	// scrub's options (Registry, Allow, Consent, Consents, ConsentMaxAge,
	// Policy, History, HistorySources, and Normalizer: the region of
	// national-format numbers when a request names none). It is called by
	// New and at every reload, and must verify what it loads (snapshot
	// checksums, the registries' checks): an error refuses the load.
	Load func(ctx context.Context) (scrub.Options, error)
	// Watch are the files whose replacement (a new inode, size or
	// modification time) reloads everything.
	Watch []string
	// PollInterval is how often Watch is polled (default 1 s).
	PollInterval time.Duration
	// MaxAge is the age past which a registry source is stale (0: none):
	// the server is then not ready and every check answers unavailable.
	MaxAge time.Duration
	// MaxBatch is the most numbers a POST may hold (default 100,000);
	// MaxBody the most bytes (default 16 MiB). More is 413.
	MaxBatch int
	MaxBody  int64
	// Token, when not empty, is the bearer token every endpoint but
	// /healthz and /readyz requires. LoadToken, when set, reads it instead,
	// at start and on every reload (a rotated token file takes effect on
	// SIGHUP; one that cannot be read, or is empty, refuses the reload).
	Token     string
	LoadToken func() (string, error)
	// TLS, when set, serves HTTPS.
	TLS *tls.Config
	// LogNumbers logs each check's number and answer (at Info); without
	// it no log line holds a phone number.
	LogNumbers bool
	// Logger receives the server's logs (nil: none).
	Logger *slog.Logger
	// Now is the clock (nil: time.Now): the default instant of a check and
	// what the registries' age is judged at.
	Now func() time.Time
	// ShutdownTimeout bounds how long Run waits for requests in flight
	// once its context is done (default 10 s).
	ShutdownTimeout time.Duration
}

// Server answers checks from the state it holds, and reloads it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	state   atomic.Pointer[state]
	metrics *metrics
	handler http.Handler
	// norms caches a normalizer per region a request names.
	norms sync.Map // string → *normalize.Normalizer
	// reloadMu serializes reloads; kick asks the watcher for one.
	reloadMu sync.Mutex
	kick     chan struct{}
	// batches bounds the batches answered at once (2 a core): each holds
	// its body and answers (tens of MB at the batch limit), so that many
	// clients at once queue instead of growing the process without bound.
	batches chan struct{}
}

// New loads the state with cfg.Load and returns a Server of it; an error
// loading is returned as is (the command exits 1).
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Load == nil {
		return nil, errors.New("serve: no Load function")
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, log: log, kick: make(chan struct{}, 1), batches: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	st, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	s.state.Store(st)
	s.norms.Store(st.norm.Region(), st.norm)
	s.metrics = newMetrics(s)
	s.handler = s.routes()
	return s, nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// load loads a new state.
func (s *Server) load(ctx context.Context) (*state, error) {
	o, err := s.cfg.Load(ctx)
	if err != nil {
		return nil, err
	}
	token := s.cfg.Token
	if s.cfg.LoadToken != nil {
		if token, err = s.cfg.LoadToken(); err != nil {
			return nil, err
		}
		if token == "" {
			return nil, errors.New("the token is empty")
		}
	}
	st, err := newState(o, s.now())
	if err != nil {
		return nil, err
	}
	st.token = token
	return st, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Ready says whether the registries are loaded and fresh now.
func (s *Server) Ready() bool {
	return s.state.Load().fresh(s.now(), s.cfg.MaxAge)
}

// Run serves on ln, and watches the files for replacement, until ctx is
// done; then it stops accepting, waits for the requests in flight (up to
// Config.ShutdownTimeout) and returns nil. A request's context is not
// cancelled by ctx: in flight, it finishes.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if s.cfg.TLS != nil {
		ln = tls.NewListener(ln, s.cfg.TLS)
	}
	base := context.WithoutCancel(ctx)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var wg sync.WaitGroup
	wg.Go(func() { s.watch(watchCtx) })
	defer wg.Wait()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "tls", s.cfg.TLS != nil)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing the requests in flight", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		s.log.Warn("requests still in flight at the shutdown timeout were cut", "err", err)
	}
	s.log.Info("stopped")
	return nil
}

// normalizer returns the normalizer of region ("" : the default's).
func (s *Server) normalizer(st *state, region string) (*normalize.Normalizer, error) {
	if region == "" {
		return st.norm, nil
	}
	if n, ok := s.norms.Load(region); ok {
		return n.(*normalize.Normalizer), nil
	}
	n, err := normalize.New(region)
	if err != nil {
		return nil, err
	}
	// Only valid regions are stored: a few hundred at most.
	v, _ := s.norms.LoadOrStore(region, n)
	return v.(*normalize.Normalizer), nil
}
