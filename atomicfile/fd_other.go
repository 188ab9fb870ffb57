//go:build !unix

package atomicfile

import "os"

// dupFD opens name, which names this process's descriptor fd, for writing.
func dupFD(_ int, name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
}
