package registry

import "strings"

// washPrefix names a wash result: "wash:PATH" or "NAME=wash:PATH".
const washPrefix = KindWash + ":"

// ParseSpec parses a -r/--registry argument: "NAME=PATH" gives label NAME;
// a plain PATH gives the file's base name, as the contract says
// ("lists/bloctel-2026-11.csv.gz" is "bloctel-2026-11.csv.gz").
// The argument is NAME=PATH only when the part before the first '=' is
// non-empty and holds no path separator ('/' or '\'), and the path is
// non-empty; otherwise it is all path. A PATH that starts with "wash:" is a
// wash result (Spec.Format "wash") at the path after it, labelled by
// default with that path's base name.
func ParseSpec(arg string) Spec {
	if strings.HasPrefix(arg, washPrefix) {
		return parsePath(arg)
	}
	if i := strings.IndexByte(arg, '='); i > 0 && i < len(arg)-1 {
		name := arg[:i]
		if !strings.ContainsAny(name, `/\`) {
			sp := parsePath(arg[i+1:])
			sp.Label = name
			return sp
		}
	}
	return parsePath(arg)
}

// parsePath parses the PATH of a -r argument, with its format prefix.
func parsePath(path string) Spec {
	if p, ok := strings.CutPrefix(path, washPrefix); ok && p != "" {
		return Spec{Label: labelFromPath(p), Path: p, Format: KindWash}
	}
	return Spec{Label: labelFromPath(path), Path: path}
}

// labelFromPath returns the base name of path (after either separator).
func labelFromPath(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
