// Package serve is listscrub's check service: one process that holds the
// registries, allow and consent lists, contact history and policy in
// memory and answers, over HTTP, what a scrub would decide for each number
// (scrub.Checker), so that dialers can check a number just before they
// dial it.
//
// Endpoints (spec: "listscrub serve"):
//
//	GET  /v1/check?number=N[&country=CC][&at=TIME]  one JSON answer
//	POST /v1/check[?country=CC][&at=TIME]            a batch: a JSON array of
//	     strings, or text/plain one number a line; answers in the same order
//	GET  /v1/registry                                the loaded sources
//	GET  /healthz                                    200 while alive
//	GET  /readyz                                     200 when loaded and fresh
//	GET  /metrics                                    Prometheus text
//
// A JSON answer:
//
//	{"number":"06 12 34 56 78","e164":"+33612345678","status":"blocked",
//	 "reason":"registered","source":"bloctel"}
//
// and, with a policy, "zones", "callable" and "next" (the start of the next
// window in which the call is allowed, UTC RFC 3339; "" when none). A
// text/plain batch answers one "number,status,reason,source" line per
// number, fields quoted as CSV when they hold a comma or a quote:
//
//	0612345678,blocked,registered,bloctel
//	"06,12",invalid,not-a-number,
//
// Fail closed: when the registries are stale (older than Config.MaxAge)
// every check answers status "unavailable" with HTTP 503, never "clean".
//
// The loaded state is immutable and swapped whole through an atomic
// pointer on reload (SIGHUP, or a watched file replaced): a request reads
// one state from start to end, so requests in flight finish on the old one;
// a replacement that fails to load is refused and the old state kept.
package serve
