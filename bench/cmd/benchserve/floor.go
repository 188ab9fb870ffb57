package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// floorAnswer is the floor server's constant answer, the size of serve's
// answer to one clean number.
const floorAnswer = `{"number":"06 12 34 56 78","e164":"+33612345678","status":"clean","reason":"","source":""}` + "\n"

// serveFloor is the floor server: net/http answering every GET /v1/check
// with a constant object and /readyz with 200, nothing else. Run as its own
// process (benchserve -floor-listen ADDR), it measures what net/http alone
// costs on this machine: the ceiling any net/http check service can reach
// here with this load generator.
func serveFloor(ctx context.Context, addr string) error {
	if err := checkLoopback(addr); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /v1/check", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(floorAnswer))
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("floor server: %w", err)
	}
	return nil
}

// startFloor starts this program again as the floor server on a free
// loopback port.
func startFloor() (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("floor server: %w", err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, "-floor-listen", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("starting the floor server: %w", err)
	}
	return cmd, addr, nil
}
