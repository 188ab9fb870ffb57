package cli

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestKubernetesDeployment reads deploy/kubernetes/deployment.yaml as a
// cluster would start it: its container args must be flags serve accepts,
// its probes must ask serve's /readyz and /healthz, and the port it
// exposes must be the one serve listens on. A flag renamed in serve fails
// here, not in a rollout.
func TestKubernetesDeployment(t *testing.T) {
	data, err := os.ReadFile("../../../deploy/kubernetes/deployment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	var args []string
	inArgs := false
	for _, line := range strings.Split(doc, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "args:":
			inArgs = true
		case inArgs && strings.HasPrefix(trimmed, "- "):
			args = append(args, strings.TrimPrefix(trimmed, "- "))
		case inArgs:
			inArgs = false
		}
	}
	if len(args) < 2 || args[0] != "serve" {
		t.Fatalf("deployment args %q: want serve and its flags", args)
	}
	stdio, _, _ := testIO("")
	var got *serveOptions
	cmd := newServeCmd(stdio, func(_ context.Context, o *serveOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args[1:])
	if err := cmd.Execute(); err != nil {
		t.Fatalf("serve %q: %v", args[1:], err)
	}
	if got == nil || got.listen != "0.0.0.0:8080" {
		t.Fatalf("serve parsed %+v, want --listen 0.0.0.0:8080", got)
	}
	for _, want := range []string{"path: /readyz", "path: /healthz", "containerPort: 8080"} {
		if !strings.Contains(doc, want) {
			t.Errorf("deployment.yaml: no %q", want)
		}
	}
}
