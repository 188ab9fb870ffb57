package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/listscrub/listscrub/normalize"
	"github.com/redis/go-redis/v9"
)

// redisKey is the set holding the list's numbers, as E.164 digits.
const redisKey = "dnc"

// redisServer is a redis-server the bench started: loopback only, no
// persistence, its working folder a temporary one removed by stop.
type redisServer struct {
	cmd  *exec.Cmd
	addr string
	dir  string
}

// startRedis starts bin (redis-server) on a free loopback port.
func startRedis(ctx context.Context, bin string) (*redisServer, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	dir, err := os.MkdirTemp("", "benchserve-redis-")
	if err != nil {
		return nil, fmt.Errorf("redis working folder: %w", err)
	}
	log, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("redis log: %w", err)
	}
	defer log.Close()
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--protected-mode", "yes",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &redisServer{cmd: cmd, addr: addr, dir: dir}
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(ctx).Err() != nil {
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.stop()
			return nil, fmt.Errorf("redis-server did not answer PING within 10 s (log: %s)", tail(filepath.Join(dir, "redis.log")))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s, nil
}

// stop ends redis-server (SIGTERM, then SIGKILL after 10 s) and removes its folder.
func (s *redisServer) stop() {
	stopProcess(s.cmd, 10*time.Second)
	os.RemoveAll(s.dir)
}

// redisChecker is the do-it-yourself check: the number normalized on the
// client with the same normalize package listscrub uses, then SISMEMBER of
// its E.164 digits; an invalid number is answered without a round trip, as
// a team's own client would.
type redisChecker struct {
	c        *redis.Client
	norm     *normalize.Normalizer
	nums     []string
	batchLen int
}

func newRedisChecker(addr string, conns int, norm *normalize.Normalizer, nums []string, batchLen int) (*redisChecker, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: conns, MinIdleConns: conns, DisableIdentity: true, PipelinePoolSize: conns})
	return &redisChecker{c: c, norm: norm, nums: nums, batchLen: batchLen}, nil
}

func (r *redisChecker) close() error { return r.c.Close() }

// load adds every number of the list at path to the set, 10,000 members a
// SADD and 10 SADDs a pipeline, and returns how many lines it read.
func (r *redisChecker) load(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("redis load: %w", err)
	}
	defer f.Close()
	if err := r.c.Del(ctx, redisKey).Err(); err != nil {
		return 0, fmt.Errorf("redis load: %w", err)
	}
	const perCmd, perPipe = 10_000, 10
	sc := bufio.NewScanner(f)
	pipe := r.c.Pipeline()
	members := make([]any, 0, perCmd)
	lines, cmds := 0, 0
	flush := func(final bool) error {
		if len(members) > 0 {
			pipe.SAdd(ctx, redisKey, members...)
			members = make([]any, 0, perCmd)
			cmds++
		}
		if cmds == perPipe || (final && cmds > 0) {
			cmds = 0
			if _, err := pipe.Exec(ctx); err != nil {
				return fmt.Errorf("redis load: SADD: %w", err)
			}
		}
		return nil
	}
	for sc.Scan() {
		lines++
		res := r.norm.Normalize(sc.Bytes())
		if !res.Valid() {
			return lines, fmt.Errorf("redis load: %s line %d: not a valid number (%s)", path, lines, res.Reason)
		}
		members = append(members, strconv.FormatUint(uint64(res.Key), 10))
		if len(members) == perCmd {
			if err := flush(false); err != nil {
				return lines, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return lines, fmt.Errorf("redis load: reading %s: %w", path, err)
	}
	return lines, flush(true)
}

// status answers one number as listscrub's status vocabulary: invalid,
// blocked or clean.
func (r *redisChecker) status(ctx context.Context, raw string) (string, error) {
	res := r.norm.NormalizeString(raw)
	if !res.Valid() {
		return "invalid", nil
	}
	in, err := r.c.SIsMember(ctx, redisKey, strconv.FormatUint(uint64(res.Key), 10)).Result()
	if err != nil {
		return "", fmt.Errorf("SISMEMBER: %w", err)
	}
	if in {
		return "blocked", nil
	}
	return "clean", nil
}

// single is the op of one check of number i.
func (r *redisChecker) single(ctx context.Context, i int) (int, error) {
	_, err := r.status(ctx, r.nums[i%len(r.nums)])
	return 1, err
}

// batch is the op of batch i: batchLen numbers normalized, the valid ones
// checked by one pipeline of SISMEMBERs.
func (r *redisChecker) batch(ctx context.Context, i int) (int, error) {
	nb := len(r.nums) / r.batchLen
	first := (i % nb) * r.batchLen
	pipe := r.c.Pipeline()
	var buf [20]byte
	for _, raw := range r.nums[first : first+r.batchLen] {
		if res := r.norm.NormalizeString(raw); res.Valid() {
			pipe.SIsMember(ctx, redisKey, string(strconv.AppendUint(buf[:0], uint64(res.Key), 10)))
		}
	}
	cmds, err := pipe.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("SISMEMBER pipeline: %w", err)
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return 0, fmt.Errorf("SISMEMBER pipeline: %w", err)
		}
	}
	return r.batchLen, nil
}
