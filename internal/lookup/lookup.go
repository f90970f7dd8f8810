// Package lookup finds, at generation time, a perfect hash for a set of
// strings (the endpoints' full method names): a function that sends each of
// them to its own slot of a small table, so that the generated LookupEndpoint
// costs two to four 8-byte loads, two multiplications, two table reads and
// one compare of the name found, whatever the number of endpoints.
//
// The hash reads the string's length n and two 8-byte windows: w1, its last 8
// bytes (where method names differ most), and w2, 8 bytes at an offset chosen
// for the key set, counted from the start, from the end or from the middle (to
// tell apart the same method in two services, or two methods with the same
// suffix; see Window); a third
// and a fourth window when the key set needs them (see Hash3 and Hash4). The
// top bits of one product pick a bucket, the next ones a base slot, and the
// bucket's displacement moves the base by an exclusive or:
//
//	h := (w1 ^ rotl(w2, 29) ^ n) * K2
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
	Third          *Window  // where a third window is, or nil: see Hash3
	Fourth         *Window  // where a fourth window is, or nil (needs Third): see Hash4
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

// Window is where an 8-byte window of the hash starts: Offset bytes from the
// start, or, when FromEnd, Offset bytes before the end, or, when Mid, Offset
// bytes (maybe negative) from the middle, n/2: the middle of a long name is
// out of reach of the other windows when the shortest name is short. When
// Whole, the hash reads the whole key from Offset on (past the keys' common
// prefix), 8 bytes at a time, instead of windows: the fallback for key sets
// that no windows tell apart.
type Window struct {
	Offset  int
	FromEnd bool
	Mid     bool
	Whole   bool
}

// start is where the window starts in a string of length n.
func (w Window) start(n int) int {
	switch {
	case w.FromEnd:
		return n - w.Offset
	case w.Mid:
		return n>>1 + w.Offset
	}
	return w.Offset
}

// Hash is the first-level hash of s. s must be long enough for both windows.
// Its top bits are the best mixed: Slot reads those.
func Hash(s string, w Window) uint64 {
	n := len(s)
	if w.Whole {
		return WholeHash(s, w.Offset)
	}
	return (Load64(s, n-8) ^ bits.RotateLeft64(Load64(s, w.start(n)), 29) ^ uint64(n)) * K2
}

// Hash3 is Hash with a third window x, for key sets that no two windows tell
// apart (keys that differ only in the middle of long names).
func Hash3(s string, w, x Window) uint64 {
	n := len(s)
	return (Load64(s, n-8) ^ bits.RotateLeft64(Load64(s, w.start(n)), 29) ^ bits.RotateLeft64(Load64(s, x.start(n)), 47) ^ uint64(n)) * K2
}

// Hash4 is Hash3 with a fourth window y, for key sets that no three windows
// tell apart (tens of thousands of long names that differ in a few bytes
// each).
func Hash4(s string, w, x, y Window) uint64 {
	n := len(s)
	return (Load64(s, n-8) ^ bits.RotateLeft64(Load64(s, w.start(n)), 29) ^ bits.RotateLeft64(Load64(s, x.start(n)), 47) ^ bits.RotateLeft64(Load64(s, y.start(n)), 13) ^ uint64(n)) * K2
}

// hash is the plan's first-level hash of s.
func (p *Plan) hash(s string) uint64 {
	if p.Fourth != nil {
		return Hash4(s, p.Window, *p.Third, *p.Fourth)
	}
	if p.Third != nil {
		return Hash3(s, p.Window, *p.Third)
	}
	return Hash(s, p.Window)
}

// WholeHash hashes every byte of s from start on; s must be at least start+8
// bytes long: each 8-byte chunk, then the last 8 bytes when they are not a
// chunk. A multiplication carries each chunk's bits up, to the top bits that
// Slot reads.
func WholeHash(s string, start int) uint64 {
	n := len(s)
	h := uint64(n) * K1
	for i := start; i+8 <= n; i += 8 {
		h = (h ^ Load64(s, i)) * K2
	}
	if (n-start)%8 != 0 {
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
	i := p.Slots[p.Slot(p.hash(s))] - 1
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
	// One window and the last 8 bytes, then two windows (trying, after each
	// window, only the windows that part the keys it leaves together), then
	// three, then the whole key. Reading four windows costs less than
	// reading a long key whole.
	ws := windows(keys, minLen)
	try := func(p *Plan, hash func(string) uint64) (*Plan, bool) {
		hs, ok := hashes(keys, hash)
		if !ok {
			return nil, false
		}
		d, ok := displace(hs)
		if !ok {
			return nil, false
		}
		d.MinLen, d.MaxLen, d.Window, d.Third, d.Fourth = minLen, maxLen, p.Window, p.Third, p.Fourth
		return d, true
	}
	for _, w := range ws {
		if p, ok := try(&Plan{Window: w}, func(s string) uint64 { return Hash(s, w) }); ok {
			return p, true
		}
	}
	together := make([][][]int, len(ws))
	for i, w := range ws {
		together[i] = sameWindows(keys, w)
		for _, x := range ws[i+1:] {
			if !parts(keys, together[i], x) {
				continue
			}
			if p, ok := try(&Plan{Window: w, Third: &x}, func(s string) uint64 { return Hash3(s, w, x) }); ok {
				return p, true
			}
		}
	}
	// Four windows: the search grows with the cube of the windows tried, so
	// it tries at most maxQuadWindows of them (see quadWindows).
	qs := quadWindows(ws)
	for i, w := range qs {
		groups := sameWindows(keys, w)
		for j, x := range qs[i+1:] {
			still := split(keys, groups, x)
			for _, y := range qs[i+1+j+1:] {
				if !parts(keys, still, y) {
					continue
				}
				if p, ok := try(&Plan{Window: w, Third: &x, Fourth: &y}, func(s string) uint64 { return Hash4(s, w, x, y) }); ok {
					return p, true
				}
			}
		}
	}
	whole := Window{Whole: true, Offset: min(commonPrefix(keys), minLen-8)}
	return try(&Plan{Window: whole}, func(s string) uint64 { return WholeHash(s, whole.Offset) })
}

// maxQuadWindows bounds the windows the four-window search tries, so that
// long names (up to 800 bytes, hundreds of windows) that need the whole-name
// hash do not first spend seconds in the search.
const maxQuadWindows = 48

// quadWindows is ws without the windows from the start past the first few,
// keeping ws's order and at most maxQuadWindows windows: the windows counted
// from the end and from the middle, where long names that windows from the
// start cannot part differ, are all kept.
func quadWindows(ws []Window) []Window {
	fromStart := 0
	for _, w := range ws {
		if !w.FromEnd && !w.Mid {
			fromStart++
		}
	}
	keep := max(maxQuadWindows-(len(ws)-fromStart), 1)
	var out []Window
	for _, w := range ws {
		if !w.FromEnd && !w.Mid {
			if keep == 0 {
				continue
			}
			keep--
		}
		out = append(out, w)
	}
	return out
}

// sameWindows returns the groups of keys (two or more) that agree in length,
// in their last 8 bytes and in window w.
func sameWindows(keys []string, w Window) [][]int {
	type id struct {
		n         int
		tail, win uint64
	}
	byWindows := map[id][]int{}
	var order []id
	for i, k := range keys {
		n := len(k)
		key := id{n, Load64(k, n-8), Load64(k, w.start(n))}
		if byWindows[key] == nil {
			order = append(order, key)
		}
		byWindows[key] = append(byWindows[key], i)
	}
	var out [][]int
	for _, key := range order {
		if len(byWindows[key]) > 1 {
			out = append(out, byWindows[key])
		}
	}
	return out
}

// split returns the groups of keys (two or more) that window x leaves
// together within each group.
func split(keys []string, groups [][]int, x Window) [][]int {
	var out [][]int
	for _, g := range groups {
		byWindow := map[uint64][]int{}
		var order []uint64
		for _, i := range g {
			k := keys[i]
			b := Load64(k, x.start(len(k)))
			if byWindow[b] == nil {
				order = append(order, b)
			}
			byWindow[b] = append(byWindow[b], i)
		}
		for _, b := range order {
			if len(byWindow[b]) > 1 {
				out = append(out, byWindow[b])
			}
		}
	}
	return out
}

// parts reports whether window x tells apart the keys of every group.
func parts(keys []string, groups [][]int, x Window) bool {
	for _, g := range groups {
		seen := map[uint64]bool{}
		for _, i := range g {
			k := keys[i]
			b := Load64(k, x.start(len(k)))
			if seen[b] {
				return false
			}
			seen[b] = true
		}
	}
	return true
}

// windows lists the windows to try, best first: the one just past the keys'
// common prefix (where services differ), then windows counted from the end
// (where methods differ), then every other offset from the start, then
// windows around the middle.
func windows(keys []string, minLen int) []Window {
	prefix := commonPrefix(keys)
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
	// From the middle: n/2+off must be in [0, n-8] for every n >= minLen.
	for _, off := range []int{-4, -8, 0, -12, -2, -6, 2, -10, 4} {
		if minLen>>1+off >= 0 && off <= minLen-minLen>>1-8 {
			out = append(out, Window{Offset: off, Mid: true})
		}
	}
	return out
}

// commonPrefix is the length of the keys' common prefix.
func commonPrefix(keys []string) int {
	prefix := len(keys[0])
	for _, k := range keys[1:] {
		i := 0
		for i < prefix && i < len(k) && k[i] == keys[0][i] {
			i++
		}
		prefix = i
	}
	return prefix
}

// hashes returns the first-level hash of each key, or false when two collide.
func hashes(keys []string, hash func(string) uint64) ([]uint64, bool) {
	hs := make([]uint64, len(keys))
	seen := make(map[uint64]bool, len(keys))
	for i, k := range keys {
		h := hash(k)
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
	for grow := range 3 {
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
