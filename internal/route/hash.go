package route

import (
	"fmt"
	"math/bits"
	"slices"
)

// LitHash is a perfect hash of the literal children of every node, keyed by
// the parent node and the segment, so that the walk finds a node's child for
// a segment with one hash and one table read, whatever the number of
// children or routes.
//
// The hash reads the segment's length n and two 8-byte words, first and last
// (see Words), mixed with the node:
//
//	h := (first ^ rotl(last, Rot) ^ n ^ node*Mul) * K
//	h = (h ^ word) * K3      // for each 8-byte word between, when Mid
//	slot := (h>>(64-BucketBits-SlotBits) ^ Disp[h>>(64-BucketBits)]) & (1<<SlotBits - 1)
//
// Slots[slot] is the child's index in Table.Lits, or -1 for none; the walk
// then compares the parent, the length and the words (and, past 16 bytes,
// the bytes between them), so a segment that is no child's is never taken
// for one. This is the hash-and-displace scheme of internal/lookup: keys are
// grouped in buckets by the top bits, and each bucket gets the displacement,
// applied by an exclusive or, that sends its keys to free slots.
type LitHash struct {
	Rot        int    // the rotation of the last word
	Mul        uint64 // the multiplier of the node, odd
	Mid        bool   // the words between first and last are hashed too: some keys agree in length, node, first and last words
	BucketBits int    // len(Disp) == 1 << BucketBits
	SlotBits   int    // len(Slots) == 1 << SlotBits
	Disp       []uint32
	Slots      []int
}

// The multipliers of the hash (odd; from splitmix64 and murmur3).
const (
	K  = 0xbf58476d1ce4e5b9
	K3 = 0x94d049bb133111eb
)

// Words returns the words the hash reads from a segment: its first and last
// 8 bytes, little-endian, or for a segment shorter than 8 bytes its bytes and
// 0.
func Words(seg string) (first, last uint64) {
	if len(seg) >= 8 {
		return load64(seg, 0), load64(seg, len(seg)-8)
	}
	for i := len(seg) - 1; i >= 0; i-- {
		first = first<<8 | uint64(seg[i])
	}
	return first, 0
}

// Hash is the first-level hash of seg as a child of node.
func (p *LitHash) Hash(node int, seg string) uint64 {
	first, last := Words(seg)
	h := (first ^ bits.RotateLeft64(last, p.Rot) ^ uint64(len(seg)) ^ uint64(node)*p.Mul) * K
	if p.Mid {
		for j := 8; j < len(seg)-8; j += 8 {
			h = (h ^ load64(seg, j)) * K3
		}
	}
	return h
}

func (p *LitHash) bucket(h uint64) uint64 { return h >> (64 - p.BucketBits) }

func (p *LitHash) base(h uint64) uint64 {
	return h >> (64 - p.BucketBits - p.SlotBits) & (1<<p.SlotBits - 1)
}

// Slot is the slot of a key whose first-level hash is h.
func (p *LitHash) Slot(h uint64) uint64 {
	return (p.base(h) ^ uint64(p.Disp[p.bucket(h)])) & (1<<p.SlotBits - 1)
}

// Child returns the literal child of node for seg, as the generated walk
// finds it, or 0.
func (t *Table) Child(node int, seg string) int {
	if seg == "" {
		return 0
	}
	i := t.Hash.Slots[t.Hash.Slot(t.Hash.Hash(node, seg))]
	if i < 0 || t.Lits[i].Parent != node || t.Lits[i].Segment != seg {
		return 0
	}
	return t.Lits[i].Node
}

func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// newLitHash finds a perfect hash of the literal children of t's nodes:
// the words between first and last only when two keys need them, the first
// rotation and multiplier under which no two keys share a first-level hash,
// then the smallest table that displacements fill.
func newLitHash(lits []Lit) (LitHash, error) {
	type words struct {
		node, n     int
		first, last uint64
	}
	p := LitHash{}
	seen := map[words]bool{}
	for _, l := range lits {
		f, s := Words(l.Segment)
		w := words{l.Parent, len(l.Segment), f, s}
		if seen[w] {
			p.Mid = true
			break
		}
		seen[w] = true
	}
	// The smallest table first (a slot per key), with about four keys per
	// bucket, then more buckets, then larger tables; at each size, several
	// rotations and multipliers, for keys that share a bucket and a base
	// slot under one but not another.
	hs := make([]uint64, len(lits))
	slotBits := max(bits.Len(uint(len(lits))), 1)
	for grow := range 3 {
		p.SlotBits = slotBits + grow
		for _, b := range []int{p.SlotBits - 2, p.SlotBits - 1, p.SlotBits} {
			p.BucketBits = max(b, 1)
		try:
			for try := range 16 {
				p.Rot = 29 + try
				p.Mul = 0x9e3779b97f4a7c15 + uint64(try)*2
				distinct := make(map[uint64]bool, len(lits))
				for i, l := range lits {
					hs[i] = p.Hash(l.Parent, l.Segment)
					if distinct[hs[i]] {
						continue try
					}
					distinct[hs[i]] = true
				}
				if place(&p, hs) {
					return p, nil
				}
			}
		}
	}
	return LitHash{}, fmt.Errorf("no perfect hash of the %d literal segments of the HTTP bindings (this is a scopegen bug; please report it)", len(lits))
}

// place gives each bucket, largest first, the smallest displacement that
// sends its keys to free slots. It fails when two keys of a bucket share a
// base slot (no displacement parts them) or a bucket finds no room.
func place(p *LitHash, hs []uint64) bool {
	p.Disp = make([]uint32, 1<<p.BucketBits)
	p.Slots = make([]int, 1<<p.SlotBits)
	for i := range p.Slots {
		p.Slots[i] = -1
	}
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
	slices.SortStableFunc(order, func(a, b int) int { return len(buckets[b]) - len(buckets[a]) })
next:
	for _, b := range order {
		keys := buckets[b]
		if len(keys) == 0 {
			break
		}
	disp:
		for d := range uint32(len(p.Slots)) {
			for _, k := range keys {
				if p.Slots[p.base(hs[k])^uint64(d)] >= 0 {
					continue disp
				}
			}
			p.Disp[b] = d
			for _, k := range keys {
				p.Slots[p.Slot(hs[k])] = k
			}
			continue next
		}
		return false
	}
	return true
}
