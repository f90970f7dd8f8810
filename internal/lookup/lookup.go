// Package lookup finds, at generation time, a perfect hash for a set of
// strings (the endpoints' full method names): a function that sends each of
// them to its own slot of a small table, so that the generated LookupEndpoint
// costs two 8-byte loads, two multiplications, two table reads and one string
// compare, whatever the number of endpoints.
//
// The hash reads the string's length n and two 8-byte windows: w1, its last 8
// bytes (where method names differ most), and w2, 8 bytes at an offset chosen
// for the key set, counted from the start or from the end (to tell apart the
// same method in two services, or two methods with the same suffix). The top
// bits of one product pick a bucket, the next ones a base slot, and the
// bucket's displacement moves the base by an exclusive or:
//
//	h := (w1 ^ rotl(w2, 29) ^ n*K1) * K2
//	slot := (h >> (64 - bucketBits - slotBits)) ^ disp[h >> (64 - bucketBits)]
//	slot &= 1<<slotBits - 1
//
// This is hash-and-displace (CHD) with exclusive-or displacements: keys are
// grouped in buckets, and each bucket gets a displacement that sends its keys
// to free slots; an exclusive or keeps the keys of a bucket apart, so a bucket
// needs only distinct base slots. Lookup mirrors the generated code exactly;
// the generator prints the same arithmetic.
package lookup

import (
	"math/bits"
	"sort"
)

// The mixing constants of the hash (odd, from splitmix64 and murmur3).
const (
	K1 = 0x9e3779b97f4a7c15
	K2 = 0xbf58476d1ce4e5b9
	K3 = 0x94d049bb133111eb
)

// Plan is a perfect hash for a set of keys.
type Plan struct {
	MinLen, MaxLen int      // keys are this long; anything else is not a key
	Window         Window   // where the second window is
	BucketBits     int      // len(Disp) == 1 << BucketBits; at least 1
	SlotBits       int      // len(Slots) == 1 << SlotBits; BucketBits+SlotBits <= 64
	Disp           []uint32 // displacement of each bucket, below len(Slots)
	Slots          []int    // key index + 1 for each slot; 0 is empty
}

// Load64 reads 8 bytes of s from i, little-endian (what the generated code's
// load does, and what the Go compiler turns into one load).
func Load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// Window is where the second 8-byte window of the hash starts: Offset bytes
// from the start, or, when FromEnd, Offset bytes before the end. When Whole,
// the hash reads the whole key, 8 bytes at a time, instead of two windows: the
// fallback for key sets that no pair of windows tells apart.
type Window struct {
	Offset  int
	FromEnd bool
	Whole   bool
}

// start is where the window starts in a string of length n.
func (w Window) start(n int) int {
	if w.FromEnd {
		return n - w.Offset
	}
	return w.Offset
}

// Hash is the first-level hash of s. s must be long enough for both windows.
// Its top bits are the best mixed: Slot reads those.
func Hash(s string, w Window) uint64 {
	n := len(s)
	if w.Whole {
		return WholeHash(s)
	}
	return (Load64(s, n-8) ^ bits.RotateLeft64(Load64(s, w.start(n)), 29) ^ uint64(n)*K1) * K2
}

// WholeHash hashes every byte of s, which must be at least 8 bytes long: each
// 8-byte chunk, then the last 8 bytes when n is not a multiple of 8.
func WholeHash(s string) uint64 {
	n := len(s)
	h := uint64(n) * K1
	for i := 0; i+8 <= n; i += 8 {
		h = (h ^ Load64(s, i)) * K2
		h ^= h >> 29
	}
	if n%8 != 0 {
		h = (h ^ Load64(s, n-8)) * K3
	}
	return h
}

// bucket is the bucket of a key with first-level hash h.
func (p *Plan) bucket(h uint64) uint64 {
	return h >> (64 - p.BucketBits)
}

// base is the slot of a key with first-level hash h before displacement.
func (p *Plan) base(h uint64) uint64 {
	return (h >> (64 - p.BucketBits - p.SlotBits)) & (1<<p.SlotBits - 1)
}

// Slot is the slot of a key with first-level hash h.
func (p *Plan) Slot(h uint64) uint64 {
	return (p.base(h) ^ uint64(p.Disp[p.bucket(h)])) & (1<<p.SlotBits - 1)
}

// Lookup returns the index of s among the keys the plan was made for, or -1.
func (p *Plan) Lookup(keys []string, s string) int {
	if len(s) < p.MinLen || len(s) > p.MaxLen {
		return -1
	}
	i := p.Slots[p.Slot(Hash(s, p.Window))] - 1
	if i < 0 || keys[i] != s {
		return -1
	}
	return i
}

// New finds a plan for keys, which must be distinct. It reports false when
// there is none: keys shorter than 8 bytes, or keys that agree in length and
// in every window tried; the caller then falls back to a switch.
func New(keys []string) (*Plan, bool) {
	if len(keys) == 0 {
		return nil, false
	}
	minLen, maxLen := len(keys[0]), len(keys[0])
	for _, k := range keys {
		minLen, maxLen = min(minLen, len(k)), max(maxLen, len(k))
	}
	if minLen < 8 {
		return nil, false
	}
	for _, w := range windows(keys, minLen) {
		hs, ok := hashes(keys, w)
		if !ok {
			continue
		}
		if p, ok := displace(hs); ok {
			p.MinLen, p.MaxLen, p.Window = minLen, maxLen, w
			return p, true
		}
	}
	return nil, false
}

// windows lists the second windows to try, best first: the one just past the
// keys' common prefix (where services differ), then windows counted from the
// end (where methods differ), then every other offset from the start.
func windows(keys []string, minLen int) []Window {
	prefix := len(keys[0])
	for _, k := range keys[1:] {
		i := 0
		for i < prefix && i < len(k) && k[i] == keys[0][i] {
			i++
		}
		prefix = i
	}
	first := Window{Offset: min(max(prefix-4, 0), minLen-8)}
	out := []Window{first}
	for _, far := range []int{16, 12, 20, 24, 10, 14, 18, 28, 32, 9, 11, 13, 15} {
		if far <= minLen {
			out = append(out, Window{Offset: far, FromEnd: true})
		}
	}
	for off := 0; off <= minLen-8; off++ {
		if off != first.Offset {
			out = append(out, Window{Offset: off})
		}
	}
	return append(out, Window{Whole: true})
}

// hashes returns the first-level hash of each key, or false when two collide.
func hashes(keys []string, w Window) ([]uint64, bool) {
	hs := make([]uint64, len(keys))
	seen := make(map[uint64]bool, len(keys))
	for i, k := range keys {
		h := Hash(k, w)
		if seen[h] {
			return nil, false
		}
		seen[h] = true
		hs[i] = h
	}
	return hs, true
}

// displace finds bucket displacements: the smallest table (at least one slot
// per key) first, with about four slots per bucket, then more buckets, then
// larger tables (a base slot shared in a bucket, or a bucket that finds no
// room, fails a size).
func displace(hs []uint64) (*Plan, bool) {
	slotBits := max(bits.Len(uint(len(hs)-1)), 1)
	for grow := range 4 {
		s := slotBits + grow
		for _, b := range []int{s - 2, s - 1, s} {
			p := &Plan{BucketBits: max(b, 1), SlotBits: s}
			if p.BucketBits+p.SlotBits <= 64 && place(p, hs) {
				return p, true
			}
		}
	}
	return nil, false
}

// place gives each bucket, largest first, the smallest displacement that
// sends its keys to free slots. It fails when two keys of a bucket share a
// base slot (no displacement parts them) or a bucket finds no room.
func place(p *Plan, hs []uint64) bool {
	p.Disp = make([]uint32, 1<<p.BucketBits)
	p.Slots = make([]int, 1<<p.SlotBits)
	buckets := make([][]int, len(p.Disp))
	for i, h := range hs {
		b := p.bucket(h)
		for _, k := range buckets[b] {
			if p.base(hs[k]) == p.base(h) {
				return false
			}
		}
		buckets[b] = append(buckets[b], i)
	}
	order := make([]int, len(buckets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(buckets[order[a]]) > len(buckets[order[b]]) })
	for _, b := range order {
		keys := buckets[b]
		if len(keys) == 0 {
			break
		}
		d, ok := fit(p, hs, keys)
		if !ok {
			return false
		}
		p.Disp[b] = d
		for _, k := range keys {
			p.Slots[p.Slot(hs[k])] = k + 1
		}
	}
	return true
}

// fit returns the smallest displacement that sends every key of a bucket to a
// free slot.
func fit(p *Plan, hs []uint64, keys []int) (uint32, bool) {
next:
	for d := range uint32(len(p.Slots)) {
		for _, k := range keys {
			if p.Slots[p.base(hs[k])^uint64(d)] != 0 {
				continue next
			}
		}
		return d, true
	}
	return 0, false
}
