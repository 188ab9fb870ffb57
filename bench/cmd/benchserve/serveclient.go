package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serveClient checks numbers against `listscrub serve` the way a dialer
// would: net/http with keep-alive and one idle connection per worker. Every
// request is prepared in advance (URLs, batch bodies), so that the timed
// loop measures the round trip and not the client's formatting.
type serveClient struct {
	base     string
	hc       *http.Client
	getURLs  []string
	text     [][]byte // text/plain batch bodies
	json     [][]byte // JSON batch bodies
	batchLen int
}

// newHTTPClient returns a keep-alive client that keeps conns idle
// connections per host, so that no worker waits for a new connection.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil, // loopback only: never through a proxy
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// newServeClient prepares the requests for nums against the server at addr
// (a loopback "host:port"), batches of batchLen numbers.
func newServeClient(addr string, conns int, nums []string, batchLen int) (*serveClient, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	if len(nums) < batchLen || batchLen < 1 {
		return nil, fmt.Errorf("%d numbers cannot fill a batch of %d", len(nums), batchLen)
	}
	c := &serveClient{base: "http://" + addr, hc: newHTTPClient(conns), batchLen: batchLen}
	for _, n := range nums {
		c.getURLs = append(c.getURLs, c.base+"/v1/check?number="+url.QueryEscape(n))
	}
	for i := 0; i+batchLen <= len(nums); i += batchLen {
		b := nums[i : i+batchLen]
		c.text = append(c.text, []byte(strings.Join(b, "\n")+"\n"))
		j, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("encoding a JSON batch: %w", err)
		}
		c.json = append(c.json, j)
	}
	return c, nil
}

// ready waits until GET /readyz answers 200, or until timeout.
func (c *serveClient) ready(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := c.hc.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("listscrub serve not ready after %s", timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// do sends req and returns the body of a 200 answer.
func (c *serveClient) do(req *http.Request) ([]byte, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s %s: HTTP %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return body, nil
}

// single is the op of one GET /v1/check of number i.
func (c *serveClient) single(ctx context.Context, i int) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.getURLs[i%len(c.getURLs)], nil)
	if err != nil {
		return 0, err
	}
	body, err := c.do(req)
	if err != nil {
		return 0, err
	}
	if !bytes.Contains(body, []byte(`"status"`)) {
		return 0, fmt.Errorf("GET /v1/check: an answer without a status: %.200s", body)
	}
	return 1, nil
}

// batchText is the op of one text/plain POST /v1/check of batch i: the
// answer must hold one line per number.
func (c *serveClient) batchText(ctx context.Context, i int) (int, error) {
	body, err := c.post(ctx, c.text[i%len(c.text)], "text/plain; charset=utf-8")
	if err != nil {
		return 0, err
	}
	if n := bytes.Count(body, []byte{'\n'}); n != c.batchLen {
		return 0, fmt.Errorf("POST /v1/check (text/plain): %d lines for %d numbers", n, c.batchLen)
	}
	return c.batchLen, nil
}

// batchJSON is the op of one JSON POST /v1/check of batch i: the answer
// must hold one status per number.
func (c *serveClient) batchJSON(ctx context.Context, i int) (int, error) {
	body, err := c.post(ctx, c.json[i%len(c.json)], "application/json")
	if err != nil {
		return 0, err
	}
	if n := bytes.Count(body, []byte(`"status"`)); n != c.batchLen {
		return 0, fmt.Errorf("POST /v1/check (JSON): %d statuses for %d numbers", n, c.batchLen)
	}
	return c.batchLen, nil
}

func (c *serveClient) post(ctx context.Context, body []byte, ctype string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/check", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

// answer is one object of POST /v1/check's JSON answer.
type answer struct {
	Number string `json:"number"`
	E164   string `json:"e164"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// statuses returns the status of each of nums (one JSON batch), decoded in
// full: the cross-check of the answers, outside the timed runs.
func (c *serveClient) statuses(ctx context.Context, nums []string) ([]string, error) {
	j, err := json.Marshal(nums)
	if err != nil {
		return nil, err
	}
	body, err := c.post(ctx, j, "application/json")
	if err != nil {
		return nil, err
	}
	var as []answer
	if err := json.Unmarshal(body, &as); err != nil {
		return nil, fmt.Errorf("POST /v1/check: decoding the answer: %w", err)
	}
	if len(as) != len(nums) {
		return nil, fmt.Errorf("POST /v1/check: %d answers for %d numbers", len(as), len(nums))
	}
	out := make([]string, len(as))
	for i, a := range as {
		if a.Number != nums[i] {
			return nil, fmt.Errorf("POST /v1/check: answer %d is for another number than asked (order not kept)", i)
		}
		out[i] = a.Status
	}
	return out, nil
}
