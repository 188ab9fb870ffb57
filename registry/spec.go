package registry

import "strings"

// ParseSpec parses a -r/--registry argument: "NAME=PATH" gives label NAME;
// a plain PATH gives the file's base name, as the contract says
// ("lists/bloctel-2026-11.csv.gz" is "bloctel-2026-11.csv.gz").
// The argument is NAME=PATH only when the part before the first '=' is
// non-empty and holds no path separator ('/' or '\'), and the path is
// non-empty; otherwise it is all path.
func ParseSpec(arg string) Spec {
	if i := strings.IndexByte(arg, '='); i > 0 && i < len(arg)-1 {
		name := arg[:i]
		if !strings.ContainsAny(name, `/\`) {
			return Spec{Label: name, Path: arg[i+1:]}
		}
	}
	return Spec{Label: labelFromPath(arg), Path: arg}
}

// labelFromPath returns the base name of path (after either separator).
func labelFromPath(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
