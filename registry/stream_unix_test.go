//go:build unix

package registry

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestStreamCutShort loads lists through a named pipe: one whose last line
// has no line break may have been cut short and is refused (unless
// Lenient, or an allow/consent list); one that ends with a line break loads.
func TestStreamCutShort(t *testing.T) {
	tests := []struct {
		name, data string
		exempt     bool
		lenient    bool
		wantErr    bool
	}{
		{"ends with LF", "0612345678\n0145678901\n", false, false, false},
		{"ends with CR", "0612345678\r0145678901\r", false, false, false},
		{"cut short", "0612345678\n014567890", false, false, true},
		{"cut short, lenient", "0612345678\n014567890", false, true, false},
		{"cut short, exempt list", "0612345678\n014567890", true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "list")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			go func() {
				f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				f.WriteString(tt.data)
				f.Close()
			}()
			_, err := Load(context.Background(), []Spec{{Label: "list", Path: fifo}}, LoadOptions{
				Normalizer: normalizer(t, "FR"), Exempt: tt.exempt,
				Checks: Checks{MaxInvalid: DefaultMaxInvalid, Lenient: tt.lenient}})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "cut short") {
				t.Errorf("err = %v, want it to say the list may have been cut short", err)
			}
		})
	}
}
