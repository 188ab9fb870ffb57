package registry

import "slices"

// radixMin is the size below which slices.Sort is faster than a radix sort.
const radixMin = 1 << 16

// radixSort sorts keys (at most maxKey, so 50 bits) in place with an LSD
// radix sort of 11-bit digits: five counting passes, skipping the passes in
// which every key has the same digit. It needs one scratch slice of the same
// length; for small slices it falls back to slices.Sort.
func radixSort(keys []uint64) {
	if len(keys) < radixMin {
		slices.Sort(keys)
		return
	}
	const bits, passes = 11, 5
	const buckets = 1 << bits
	// All five histograms in one read of the keys.
	var counts [passes][buckets]int
	for _, k := range keys {
		for p := range passes {
			counts[p][(k>>(p*bits))&(buckets-1)]++
		}
	}
	src, dst := keys, make([]uint64, len(keys))
	for p := range passes {
		shift := uint(p * bits)
		c := &counts[p]
		if c[(src[0]>>shift)&(buckets-1)] == len(src) {
			continue // one digit for all: this pass would change nothing
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, k := range src {
			d := (k >> shift) & (buckets - 1)
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
