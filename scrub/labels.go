package scrub

import "strings"

// labels are what scrub_source says of a blocked row: the labels of the
// registries holding its numbers, of the consent lists, of the contact
// histories, or the policy's name, by the rule that blocked it. One home
// for both the scrub's outputs and single checks (Checker).
type labels struct {
	sources []string // the registry sources' labels, by bit of a mask
	consent string   // the consent lists' labels, joined by "+"
	history string   // the history files' labels, joined by "+"
	policy  string   // the policy's name
}

func newLabels(o *Options) labels {
	var l labels
	join := func(names []string) string { return strings.Join(names, "+") }
	if o.Registry != nil {
		for _, s := range o.Registry.Sources() {
			l.sources = append(l.sources, s.Label)
		}
	}
	if o.Consent != nil {
		var names []string
		for _, s := range o.Consent.Sources() {
			names = append(names, s.Label)
		}
		l.consent = join(names)
	}
	var names []string
	for _, s := range o.HistorySources {
		names = append(names, s.Label)
	}
	l.history = join(names)
	if o.Policy != nil {
		l.policy = o.Policy.Name
	}
	return l
}

// join returns the labels of the registry sources in mask, joined by "+".
func (l *labels) join(mask uint64) string {
	var parts []string
	for m, s := mask, 0; m != 0; m, s = m>>1, s+1 {
		if m&1 != 0 && s < len(l.sources) {
			parts = append(parts, l.sources[s])
		}
	}
	return strings.Join(parts, "+")
}

// source returns the scrub_source of a row
// ("" for a row that is not blocked).
func (l *labels) source(r rowResult) string {
	switch {
	case r.cat != Blocked:
		return ""
	case r.block == blockRegistered:
		return l.join(r.mask)
	case r.block.consentRule():
		return l.consent
	case r.block.historyRule():
		return l.history
	}
	return l.policy
}
