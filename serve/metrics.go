package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The endpoints, as the metrics label them.
const (
	epCheck    = "check"       // GET /v1/check
	epBatch    = "check_batch" // POST /v1/check
	epRegistry = "registry"
	epHealth   = "healthz"
	epReady    = "readyz"
	epMetrics  = "metrics"
)

// metrics are the server's, in a registry of its own (several servers, as
// in tests, never share one).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec // by endpoint and HTTP code
	numbers    [numStatuses]prometheus.Counter
	latency    *prometheus.HistogramVec // by endpoint
	reloads    prometheus.Counter
	reloadFail prometheus.Counter
	inFlight   prometheus.Gauge // check requests being answered
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "listscrub_serve_requests_total", Help: "HTTP requests by endpoint and status code.",
	}, []string{"endpoint", "code"})
	numbers := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "listscrub_serve_numbers_total", Help: "Numbers checked, by answer status.",
	}, []string{"status"})
	for i, name := range statusNames {
		m.numbers[i] = numbers.WithLabelValues(name)
	}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "listscrub_serve_request_duration_seconds", Help: "Time to answer a request, by endpoint.",
		Buckets: []float64{50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3, 50e-3, 0.25, 1, 5},
	}, []string{"endpoint"})
	m.reloads = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "listscrub_serve_reloads_total", Help: "Reloads that swapped in a new state.",
	})
	m.reloadFail = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "listscrub_serve_reload_failures_total", Help: "Reloads refused: a file failed to load, the old state kept.",
	})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "listscrub_serve_checks_in_flight", Help: "Check requests (GET and POST /v1/check) being answered.",
	})
	gauge := func(name, help string, f func(st *state) float64) prometheus.GaugeFunc {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			return f(s.state.Load())
		})
	}
	m.reg.MustRegister(m.requests, numbers, m.latency, m.reloads, m.reloadFail, m.inFlight,
		gauge("listscrub_serve_registry_age_seconds", "Age of the oldest registry source (since its as-of date).",
			func(st *state) float64 {
				if st.oldest.IsZero() {
					return 0
				}
				return s.now().Sub(st.oldest).Seconds()
			}),
		gauge("listscrub_serve_registry_age_days", "Age of the oldest registry source in days, as --max-age counts it.",
			func(st *state) float64 { return float64(st.ageDays(s.now())) }),
		gauge("listscrub_serve_registry_entries", "Numbers in the registries.",
			func(st *state) float64 { return float64(st.entries) }),
		gauge("listscrub_serve_loaded_timestamp_seconds", "When the state served was loaded (Unix time).",
			func(st *state) float64 { return float64(st.loadedAt.UnixNano()) / 1e9 }),
		gauge("listscrub_serve_ready", "1 when the registries are fresh under --max-age, else 0 (checks answer unavailable).",
			func(st *state) float64 {
				if st.fresh(s.now(), s.cfg.MaxAge) {
					return 1
				}
				return 0
			}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// handler serves the metrics in Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe counts a request of endpoint ep answered with code, started at
// start.
func (m *metrics) observe(ep string, code int, start time.Time) {
	m.requests.WithLabelValues(ep, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(ep).Observe(time.Since(start).Seconds())
}

// count adds a batch's answers by status.
func (m *metrics) count(counts *[numStatuses]int) {
	for i, n := range counts {
		if n > 0 {
			m.numbers[i].Add(float64(n))
		}
	}
}
