package registry

import "strings"

// ParseSpec parses a -r/--registry argument: "NAME=PATH" gives label NAME;
// a plain PATH gives the file's base name without its .gz, .csv, .txt and
// .snap extensions ("lists/bloctel-2026-11.csv.gz" is "bloctel-2026-11").
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

// labelFromPath returns the base name of path (either separator) without its
// known extensions.
func labelFromPath(path string) string {
	base := path
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	for {
		lower := strings.ToLower(base)
		stripped := false
		for _, ext := range []string{".gz", ".csv", ".txt", ".snap"} {
			if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
				base = base[:len(base)-len(ext)]
				stripped = true
				break
			}
		}
		if !stripped {
			return base
		}
	}
}
