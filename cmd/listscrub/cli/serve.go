package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/listscrub/listscrub/policy"
	"github.com/listscrub/listscrub/progress"
	"github.com/listscrub/listscrub/registry"
	"github.com/listscrub/listscrub/scrub"
	"github.com/listscrub/listscrub/serve"
)

// serveOptions are serve's: its streams and flags.
type serveOptions struct {
	IO         IO
	country    countryFlag
	registry   registryFlags
	policy     policyFlags
	listen     string
	maxBatch   int
	maxBody    string
	tokenFile  string
	tlsCert    string
	tlsKey     string
	logNumbers bool
	// listening, when set (by tests), is told the address once the
	// server listens.
	listening func(net.Addr)
}

func newServeCmd(stdio IO, runF func(context.Context, *serveOptions) error) *cobra.Command {
	o := &serveOptions{IO: stdio}
	cmd := &cobra.Command{
		Use:   "serve [-r REGISTRY]... [--allow F] [--consent F] [--policy P] [--listen ADDR]",
		Short: "Answer checks over HTTP with a scrub's registries, lists and policy (for dialers)",
		Long: `Serve loads the registries, allow and consent lists, contact history and
policy once and answers over HTTP, for each number, exactly what a scrub
would decide for a row holding it: status clean, blocked or invalid, with
scrub_reason and scrub_source as a scrub writes them.

  GET  /v1/check?number=N[&country=CC][&at=TIME]   one JSON object
  POST /v1/check[?country=CC][&at=TIME]            a JSON array of strings, or
       text/plain one number a line (number,status,reason,source lines out)
  GET  /v1/registry   the loaded sources        GET /metrics   Prometheus
  GET  /healthz       200 while alive           GET /readyz    200 when fresh

Fail closed: when a registry is older than --max-age, /readyz answers 503
and every check answers status "unavailable" (HTTP 503), never "clean".

SIGHUP, or a registry, allow, consent, history, policy or holidays file
replaced (renamed into place, as registry build does), reloads them all; a
replacement that fails to load is refused and the old lists are kept.
SIGTERM or SIGINT stops accepting, finishes the requests in flight (up to
10 s) and exits 0. Logs go to standard error (JSON unless it is a
terminal) and never hold a phone number unless --log-numbers.`,
		Example: `  # Ops: Bloctel and the internal list for the dialers, on loopback
  listscrub serve -r bloctel=bloctel.snap -r internal=optout.csv --policy fr --max-age 31d

  # Behind a load balancer: every interface, a token, TLS
  listscrub serve -r bloctel.snap --listen :8443 --token-file /run/secrets/token \
      --tls-cert cert.pem --tls-key key.pem

  # Dialer: one number, then a batch
  curl -s 'http://127.0.0.1:8080/v1/check?number=0612345678'
  curl -s --data-binary @numbers.txt -H 'Content-Type: text/plain' http://127.0.0.1:8080/v1/check`,
		Args: cobra.NoArgs,
		RunE: runner(o, nil, runF, runServe),
	}
	f := cmd.Flags()
	o.country.bind(f, "(?country=CC overrides it per request)")
	o.registry.bind(f, forScrub)
	o.registry.keepStale = true
	o.policy.noAt = true
	o.policy.bind(f, true)
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (host:port; :8080 for every interface)")
	f.IntVar(&o.maxBatch, "max-batch", serve.DefaultMaxBatch, "most numbers a POST /v1/check may hold (more: 413)")
	f.StringVar(&o.maxBody, "max-body-size", "16MiB", "largest POST body accepted (more: 413)")
	f.StringVar(&o.tokenFile, "token-file", "", "require Authorization: Bearer TOKEN (the file's content) on every endpoint but /healthz and /readyz")
	f.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM; needs --tls-key)")
	f.StringVar(&o.tlsKey, "tls-key", "", "the private key of --tls-cert (PEM)")
	f.BoolVar(&o.logNumbers, "log-numbers", false, "log every check with its number (off: no log line holds a phone number)")
	return cmd
}

// runServe loads everything, listens and serves until SIGTERM or SIGINT.
func runServe(ctx context.Context, o *serveOptions) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	// Signals first, then the claim: from then on Main leaves them to us.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	sctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	if o.IO.signals != nil {
		o.IO.signals.Store(true)
		defer o.IO.signals.Store(false)
	}

	srv, err := serve.New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	if !loopback(ln.Addr()) {
		cfg.Logger.Warn("listening beyond loopback: put a token (--token-file) and TLS in front", "addr", ln.Addr().String())
	}
	go func() {
		for {
			select {
			case <-sctx.Done():
				return
			case <-hup:
				srv.RequestReload()
			}
		}
	}()
	if o.listening != nil {
		o.listening(ln.Addr())
	}
	return srv.Run(sctx, ln)
}

// config checks the flags and returns the server's configuration.
func (o *serveOptions) config() (serve.Config, error) {
	stdio := o.IO
	var cfg serve.Config
	if o.maxBatch <= 0 {
		return cfg, usagef("--max-batch %d: want a count above 0", o.maxBatch)
	}
	maxBody, err := parseSize("--max-body-size", o.maxBody)
	if err != nil {
		return cfg, err
	}
	maxAge, err := parseAge("--max-age", o.registry.maxAge)
	if err != nil {
		return cfg, err
	}
	if _, err := o.country.normalizer(); err != nil {
		return cfg, err
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return cfg, usagef("--tls-cert and --tls-key go together")
	}
	if o.tlsCert != "" {
		pair, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return cfg, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	if path := o.tokenFile; path != "" {
		cfg.LoadToken = func() (string, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("--token-file: %w", err)
			}
			tok := strings.TrimRightFunc(string(data), func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' })
			if tok == "" {
				return "", fmt.Errorf("--token-file %s: the file is empty", path)
			}
			return tok, nil
		}
	}
	cfg.Logger = newLogger(stdio)
	// What loading warns about goes to the log too.
	loadIO := stdio
	loadIO.ErrOut = &logWriter{log: cfg.Logger}
	cfg.Load = func(ctx context.Context) (scrub.Options, error) { return o.load(ctx, loadIO) }
	cfg.Watch = o.watched()
	cfg.MaxAge, cfg.MaxBatch, cfg.MaxBody = maxAge, o.maxBatch, int64(maxBody)
	cfg.LogNumbers = o.logNumbers
	return cfg, nil
}

// load loads the registries, lists, history and policy as scrub does,
// a registry past --max-age included (serve answers unavailable then).
func (o *serveOptions) load(ctx context.Context, stdio IO) (scrub.Options, error) {
	now := time.Now()
	norm, err := o.country.normalizer()
	if err != nil {
		return scrub.Options{}, err
	}
	sets, err := o.registry.load(ctx, norm, now, stdio)
	if err != nil {
		return scrub.Options{}, err
	}
	opts := scrub.Options{
		Registry: sets.reg, Allow: sets.allow, Consent: sets.consent, Consents: sets.consents,
		Normalizer: norm,
	}
	if err := o.policy.apply(ctx, &opts, &o.registry, now, stdio); err != nil {
		return scrub.Options{}, err
	}
	return opts, nil
}

// watched are the files whose replacement reloads: registries, allow and
// consent lists, histories, the policy file and holidays files.
func (o *serveOptions) watched() []string {
	var paths []string
	for _, args := range [][]string{o.registry.registries, o.registry.allow, o.registry.consent, o.policy.history} {
		for _, a := range args {
			paths = append(paths, registry.ParseSpec(a).Path)
		}
	}
	if p := o.policy.policy; p != "" && !slices.Contains(policy.PresetNames, p) {
		paths = append(paths, p)
	}
	paths = append(paths, o.policy.holidays...)
	if o.tokenFile != "" {
		paths = append(paths, o.tokenFile) // a rotated token takes effect
	}
	return paths
}

// loopback says whether addr is a loopback address.
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// newLogger returns serve's logger on standard error: text on a terminal,
// JSON otherwise.
func newLogger(stdio IO) *slog.Logger {
	if progress.IsTerminal(stdio.ErrOut) {
		return slog.New(slog.NewTextHandler(stdio.ErrOut, nil))
	}
	return slog.New(slog.NewJSONHandler(stdio.ErrOut, nil))
}

// logWriter turns the "listscrub: warning: ..." lines that loading
// prints into log records.
type logWriter struct {
	log *slog.Logger
	buf []byte
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := strings.TrimPrefix(string(w.buf[:i]), "listscrub: ")
		w.buf = w.buf[i+1:]
		if msg, ok := strings.CutPrefix(line, "warning: "); ok {
			w.log.Warn(msg)
		} else if line != "" {
			w.log.Info(line)
		}
	}
}

// signalClaim is set by a command that handles the process's signals
// itself (serve: SIGHUP reloads, SIGTERM drains): Main then does not
// cancel the run on them.
type signalClaim = atomic.Bool
