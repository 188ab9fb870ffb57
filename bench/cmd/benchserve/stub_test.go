package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/listscrub/listscrub/normalize"
)

// stub is a stand-in for `listscrub serve` with its contract's endpoints
// (GET and POST /v1/check, /readyz): numbers normalized for FR, blocked
// when their key is in the set. fail makes every check answer 500 once set;
// short drops the last line of text/plain answers.
type stub struct {
	norm    *normalize.Normalizer
	blocked map[normalize.Key]bool
	ready   atomic.Bool
	fail    atomic.Bool
	short   atomic.Bool
	gets    atomic.Int64
}

func newStub(t *testing.T, blocked ...string) (*stub, *httptest.Server) {
	t.Helper()
	n, err := normalize.New("FR")
	if err != nil {
		t.Fatal(err)
	}
	s := &stub{norm: n, blocked: map[normalize.Key]bool{}}
	for _, b := range blocked {
		r := n.NormalizeString(b)
		if !r.Valid() {
			t.Fatalf("stub: blocked number %q is not valid", b)
		}
		s.blocked[r.Key] = true
	}
	s.ready.Store(true)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("GET /v1/check", func(w http.ResponseWriter, r *http.Request) {
		s.gets.Add(1)
		if s.fail.Load() {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		num, ok := r.URL.Query()["number"]
		if !ok {
			http.Error(w, "number missing", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(s.answer(num[0]))
	})
	mux.HandleFunc("POST /v1/check", func(w http.ResponseWriter, r *http.Request) {
		if s.fail.Load() {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			sc := bufio.NewScanner(r.Body)
			var lines []string
			for sc.Scan() {
				a := s.answer(strings.TrimSuffix(sc.Text(), "\r"))
				lines = append(lines, fmt.Sprintf("%s,%s,%s,%s\n", a.Number, a.Status, a.Reason, a.Source))
			}
			if s.short.Load() {
				lines = lines[:len(lines)-1]
			}
			fmt.Fprint(w, strings.Join(lines, ""))
			return
		}
		var nums []string
		if err := json.NewDecoder(r.Body).Decode(&nums); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out := make([]answer, len(nums))
		for i, n := range nums {
			out[i] = s.answer(n)
		}
		json.NewEncoder(w).Encode(out)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *stub) answer(raw string) answer {
	r := s.norm.NormalizeString(raw)
	switch {
	case !r.Valid():
		return answer{Number: raw, Status: "invalid", Reason: r.Reason.String()}
	case s.blocked[r.Key]:
		return answer{Number: raw, E164: r.Key.String(), Status: "blocked", Reason: "registry", Source: "bloctel"}
	}
	return answer{Number: raw, E164: r.Key.String(), Status: "clean"}
}
