package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkCheck: one GET /v1/check through the handler (no network).
func BenchmarkCheck(b *testing.B) {
	f := start(b, Config{Load: loader(tempList(b, numA), nil)})
	h := f.srv.Handler()
	req := httptest.NewRequest("GET", "/v1/check?number=0612345678", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkBatch: a 1,000-number text batch through the handler.
func BenchmarkBatch(b *testing.B) {
	f := start(b, Config{Load: loader(tempList(b, numA), nil)})
	h := f.srv.Handler()
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "06%08d\n", i)
	}
	body := sb.String()
	b.ReportAllocs()
	b.SetBytes(1000) // one "byte" a number: MB/s reads as millions of numbers/s
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/check", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
