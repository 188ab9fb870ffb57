package serve

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/listscrub/listscrub/normalize"
)

// routes returns the server's handler: the endpoints, each counted and
// timed, all but /healthz and /readyz behind the token.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, ep string, open bool, h func(http.ResponseWriter, *http.Request) int) {
		check := ep == epCheck || ep == epBatch
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			if check {
				s.metrics.inFlight.Inc()
				defer s.metrics.inFlight.Dec()
			}
			code := http.StatusUnauthorized
			if open || s.authorized(r) {
				code = h(w, r)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="listscrub"`)
				writeError(w, code, "missing or wrong bearer token (Authorization: Bearer TOKEN)")
			}
			s.metrics.observe(ep, code, start)
		})
	}
	handle("GET /v1/check", epCheck, false, s.handleCheck)
	handle("POST /v1/check", epBatch, false, s.handleBatch)
	handle("GET /v1/registry", epRegistry, false, s.handleRegistry)
	handle("GET /healthz", epHealth, true, s.handleHealth)
	handle("GET /readyz", epReady, true, s.handleReady)
	metrics := s.metrics.handler()
	handle("GET /metrics", epMetrics, false, func(w http.ResponseWriter, r *http.Request) int {
		metrics.ServeHTTP(w, r)
		return http.StatusOK
	})
	return mux
}

// authorized says whether r carries the bearer token (always, without one).
func (s *Server) authorized(r *http.Request) bool {
	token := s.state.Load().token
	if token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(token)) == 1
}

// writeError answers code with {"error": msg}; msg never holds a number.
func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	b := append(appendJSONString([]byte(`{"error":`), msg), "}\n"...)
	w.Write(b)
}

// request is what a check request asks, parsed from its URL.
type request struct {
	st    *state
	norm  *normalize.Normalizer
	at    time.Time
	ready bool
}

// parse reads country and at from the URL; an error is a 400 message.
func (s *Server) parse(r *http.Request) (request, error) {
	ats, err := rawAt(r.URL.RawQuery)
	if err != nil || len(ats) > 1 {
		return request{}, errors.New("at: give it once, URL-escaped")
	}
	return s.parseWith(r.URL.Query().Get("country"), strings.Join(ats, ""))
}

// parseWith reads a request's country and at.
func (s *Server) parseWith(country, at string) (request, error) {
	st := s.state.Load()
	now := s.now()
	req := request{st: st, at: now, ready: st.fresh(now, s.cfg.MaxAge)}
	var err error
	if req.norm, err = s.normalizer(st, strings.TrimSpace(country)); err != nil {
		return req, fmt.Errorf("country %q: %v", country, err)
	}
	if at = strings.TrimSpace(at); at != "" {
		if st.policy == nil {
			return req, errors.New("at needs a contact policy: the server was started without --policy")
		}
		if req.at, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return req, fmt.Errorf("at %q: want an RFC 3339 instant with its offset, such as 2026-12-02T10:30:00+01:00", at)
		}
		if y := req.at.UTC().Year(); y < 1970 || y > 9999 {
			// As scrub --at: year 1 is Go's zero time, and an instant
			// before every history makes its attempts vanish.
			return req, fmt.Errorf("at %q: want an instant from 1970 on", at)
		}
		req.at = req.at.Truncate(time.Second)
	}
	return req, nil
}

// code is the HTTP status of a check: 503 when not ready.
func (req *request) code() int {
	if !req.ready {
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// handleCheck answers GET /v1/check?number=N[&country=CC][&at=TIME].
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) int {
	numbers, err := rawParam(r.URL.RawQuery, "number")
	if err != nil || len(numbers) > 1 {
		writeError(w, http.StatusBadRequest, "number: give it once, URL-escaped: GET /v1/check?number=N[&country=CC][&at=TIME]")
		return http.StatusBadRequest
	}
	if len(numbers) == 0 || numbers[0] == "" {
		writeError(w, http.StatusBadRequest, "missing number: GET /v1/check?number=N[&country=CC][&at=TIME]")
		return http.StatusBadRequest
	}
	number := numbers[0]
	req, err := s.parse(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return http.StatusBadRequest
	}
	a := req.st.check(number, req.norm, req.at, req.ready)
	s.metrics.numbers[a.status].Inc()
	s.logAnswer(&a)
	bp := bufPool.Get().(*[]byte)
	b := append(appendAnswerJSON((*bp)[:0], &a, req.st.policy != nil), '\n')
	h := w.Header()
	h["Content-Type"] = jsonType
	code := req.code()
	w.WriteHeader(code)
	w.Write(b)
	*bp = b
	bufPool.Put(bp)
	return code
}

var (
	jsonType = []string{"application/json"}
	textType = []string{"text/plain; charset=utf-8"}
)

// logAnswer logs an answer with its number, with Config.LogNumbers only.
func (s *Server) logAnswer(a *answer) {
	if s.cfg.LogNumbers {
		s.log.Info("check", "number", a.number, "e164", a.e164, "status", statusNames[a.status], "reason", a.reason, "source", a.source)
	}
}

// flushAt is the size at which a batch's answers are written out.
const flushAt = 64 << 10

// handleBatch answers POST /v1/check: a JSON array of strings, or
// text/plain one number a line, answered in the same order and format.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) int {
	select {
	case s.batches <- struct{}{}:
		defer func() { <-s.batches }()
	case <-r.Context().Done():
		return http.StatusServiceUnavailable // the client left while queued
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	asText := err == nil && mt == "text/plain"
	if !asText && (err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json"))) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type: want application/json (an array of strings) or text/plain (one number a line)")
		return http.StatusUnsupportedMediaType
	}
	req, err := s.parse(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return http.StatusBadRequest
	}
	body, err := s.readBody(w, r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			msg := fmt.Sprintf("body larger than %d bytes: split the batch", s.cfg.MaxBody)
			writeError(w, http.StatusRequestEntityTooLarge, msg)
			return http.StatusRequestEntityTooLarge
		}
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return http.StatusBadRequest
	}
	var numbers []string
	if asText {
		numbers, err = parseTextBatch(body, s.cfg.MaxBatch)
	} else {
		numbers, err = parseJSONBatch(body, s.cfg.MaxBatch)
	}
	switch {
	case errors.Is(err, errTooMany):
		msg := fmt.Sprintf("more than %d numbers (--max-batch): split the batch", s.cfg.MaxBatch)
		writeError(w, http.StatusRequestEntityTooLarge, msg)
		return http.StatusRequestEntityTooLarge
	case err != nil:
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return http.StatusBadRequest
	}
	h := w.Header()
	if asText {
		h["Content-Type"] = textType
	} else {
		h["Content-Type"] = jsonType
	}
	code := req.code()
	w.WriteHeader(code)
	withPolicy := req.st.policy != nil
	var counts [numStatuses]int
	b := make([]byte, 0, flushAt+1024)
	if !asText {
		b = append(b, '[')
	}
	for i, n := range numbers {
		a := req.st.check(n, req.norm, req.at, req.ready)
		counts[a.status]++
		s.logAnswer(&a)
		if asText {
			b = appendAnswerText(b, &a)
		} else {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAnswerJSON(b, &a, withPolicy)
		}
		if len(b) >= flushAt {
			if _, err := w.Write(b); err != nil {
				break // the client went away
			}
			b = b[:0]
		}
	}
	if !asText {
		b = append(b, "]\n"...)
	}
	w.Write(b)
	s.metrics.count(&counts)
	return code
}

// readBody reads r's body, at most Config.MaxBody bytes (more: an
// *http.MaxBytesError), as one string the numbers are cut from.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (string, error) {
	rd := http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
	var sb strings.Builder
	if n := r.ContentLength; n > 0 && n <= s.cfg.MaxBody {
		sb.Grow(int(n))
	}
	if _, err := io.Copy(&sb, rd); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// handleHealth answers 200 while the process runs.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) int {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
	return http.StatusOK
}

// handleReady answers 200 when the registries are loaded and fresh under
// MaxAge, else 503 (the checks answer unavailable).
func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) int {
	st := s.state.Load()
	now := s.now()
	out := struct {
		Ready    bool   `json:"ready"`
		Reason   string `json:"reason,omitempty"`
		AgeDays  int    `json:"age_days"`
		LoadedAt string `json:"loaded_at"`
	}{Ready: st.fresh(now, s.cfg.MaxAge), AgeDays: st.ageDays(now), LoadedAt: st.loadedAt.UTC().Format(time.RFC3339)}
	code := http.StatusOK
	if !out.Ready {
		code = http.StatusServiceUnavailable
		out.Reason = fmt.Sprintf("a registry is %d days old, older than --max-age %s: every check answers unavailable until a fresh one is loaded", out.AgeDays, s.cfg.MaxAge)
	}
	writeJSON(w, code, out)
	return code
}

// handleRegistry answers the loaded sources.
func (s *Server) handleRegistry(w http.ResponseWriter, _ *http.Request) int {
	st := s.state.Load()
	now := s.now()
	sources := make([]Source, len(st.sources))
	for i, src := range st.sources {
		src.AgeDays = ageDays(src.asOf, now)
		sources[i] = src
	}
	out := struct {
		LoadedAt string   `json:"loaded_at"`
		Entries  int      `json:"entries"`
		AsOf     string   `json:"as_of"` // the oldest registry source's (YYYY-MM-DD), as registry info's
		AgeDays  int      `json:"age_days"`
		Checksum string   `json:"checksum"`
		Ready    bool     `json:"ready"`
		Region   string   `json:"region"`
		Policy   string   `json:"policy,omitempty"`
		Sources  []Source `json:"sources"`
	}{
		LoadedAt: st.loadedAt.UTC().Format(time.RFC3339), Entries: st.entries, AgeDays: st.ageDays(now), Checksum: st.checksum,
		Ready: st.fresh(now, s.cfg.MaxAge), Region: st.norm.Region(), Sources: sources,
	}
	if !st.oldest.IsZero() {
		out.AsOf = st.oldest.Format(time.DateOnly)
	}
	if st.policy != nil {
		out.Policy = st.policy.Name
	}
	writeJSON(w, http.StatusOK, out)
	return http.StatusOK
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// rawParam returns the values of key in a raw query, form-decoded but for
// a leading "+", kept as "+": form decoding would read "number=+431234567"
// (a dialer building its URL by hand) as " 431234567", a French number
// with its zero lost, and answer for a number nobody asked about. A value
// never starts with a space that matters; a "+" further in is a space, as
// forms (and url.Values) encode one ("06+12+34+56+78").
func rawParam(rawQuery, key string) ([]string, error) {
	return rawParamOf(rawQuery, key, false)
}

// rawAt returns the values of "at" in a raw query with every "+" kept: an
// RFC 3339 instant holds no space, and its offset's "+" is often left
// unescaped ("at=2026-12-02T10:30:00+01:00").
func rawAt(rawQuery string) ([]string, error) { return rawParamOf(rawQuery, "at", true) }

func rawParamOf(rawQuery, key string, plus bool) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(rawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err != nil || uk != key {
			continue
		}
		lead := ""
		if plus {
			v = strings.ReplaceAll(v, "+", "%2B")
		} else if strings.HasPrefix(v, "+") {
			lead, v = "+", v[1:]
		}
		uv, err := url.QueryUnescape(v)
		if err != nil {
			return nil, err
		}
		out = append(out, lead+uv)
	}
	return out, nil
}
