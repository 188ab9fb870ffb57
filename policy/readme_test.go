package policy

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestREADMEExample parses the policy file the README documents the schema
// with, so that the example a team copies is one listscrub accepts, and
// checks it says what its prose says.
func TestREADMEExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```json\n")
	if !ok {
		t.Fatal("README.md: no ```json block")
	}
	doc, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README.md: the ```json block is not closed")
	}
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("README.md's policy example: %v", err)
	}
	if p.Name != "us-fl" || p.AttemptLimit != 3 || p.AttemptWindow != 24*time.Hour || p.RefusalCooldown != 720*time.Hour {
		t.Errorf("README.md's policy example parsed as %+v", p)
	}
	if len(p.Windows[time.Sunday]) != 0 || len(p.Windows[time.Saturday]) != 1 || len(p.Dates) != 2 {
		t.Errorf("README.md's policy example: windows %v, dates %v", p.Windows, p.Dates)
	}
}
