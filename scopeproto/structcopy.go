package scopeproto

import (
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/runtime/protoimpl"
)

// The fast path of redactCopy for the messages of protoc-gen-go's open
// struct API, the Go structs with exported fields that most services use:
// a plan made once per response type gives the offset in its Go struct of
// each field on the paths to the redacted fields, and a redacted copy is made
// by copying those structs word by word, without protoreflect. A struct is
// copied without its state, which a new message makes for itself, and its
// size cache, which proto.Marshal writes atomically on messages that
// goroutines share, so that copying never races with marshalling. Every
// other message (dynamicpb, the opaque and hybrid APIs, extensions, lazy
// fields, oneofs on the paths) takes the protoreflect path of redactCopy.

// structType is how to copy and clear the messages of one open struct type.
type structType struct {
	typ    reflect.Type // the struct
	fields []goField    // its fields but state and size cache

	// The fields are copied as the words from from on, when they lie in
	// at most 64 words that hold neither the state nor the size cache (as
	// protoc-gen-go lays them out); bit i of ptrs says that word i holds a
	// pointer. Else words is 0 and they are copied one by one.
	from  uintptr
	words int
	ptrs  uint64
}

// wordSize is the size of a pointer, and of the words that copyFields copies.
const wordSize = unsafe.Sizeof(uintptr(0))

// goField is a field of a struct: where it is and how to copy it.
type goField struct {
	off  uintptr
	size uintptr
	kind fieldKind
}

// fieldKind says how a field's memory is copied and cleared.
type fieldKind uint8

const (
	plainBytes fieldKind = iota // no pointers: bool, numbers
	onePointer                  // a pointer or a map
	stringKind
	sliceKind
	ifaceKind
)

// structNode is a message on the paths of a plan: its struct type and the
// fields of its steps.
//
// Copies are allocated in groups, so that a redacted copy costs few
// allocations however deep its paths: the group of a node is a struct (made
// with reflect.StructOf) holding the node's own struct first, then the group
// of each singular message field among its steps, so that one allocation
// holds the copies of a message and of the messages below it along singular
// fields; the copies of the elements of a list are an array of their groups,
// one allocation for the changed elements of the list.
//
// A list of at most maxBatch elements of which at least half change takes
// one allocation for its pointers and the copies (a listBlock), and the
// response takes the same allocation for itself and the first of its list
// fields: the copy of a list response is one allocation.
type structNode struct {
	st     *structType
	steps  []structStep
	group  reflect.Type               // the node's group
	arrays [maxBatch + 1]reflect.Type // arrays[k]: an array of k groups

	listed   int                      // of the response's node: the step of the list field that withList holds; else -1
	withList *[maxBatch + 1]listBlock // withList[n]: the group, then the list block of n elements of listed
}

// listBlock is a type that holds a list of n elements and n groups, their
// copies: at list, an array of n pointers; at elems, an array of n groups.
type listBlock struct {
	typ         reflect.Type
	list, elems uintptr
}

// maxBatch is the most groups allocated at once for the elements of a list.
const maxBatch = 16

// structStep is the field of a step in its message's struct.
type structStep struct {
	*step
	field    goField
	list     bool         // a repeated message field: []*T
	mapT     reflect.Type // of a map field: the map type
	next     *structNode  // the message type the field holds, below it
	groupOff uintptr      // of a singular message field: where its group is in this node's group

	blocks *[maxBatch + 1]listBlock // of a list field: blocks[n], for n elements
}

// structPlan returns the plan of the fast path for messages of Go type t (a
// pointer to a struct) whose redacted fields are steps, or nil when a message
// on the paths is not an open struct or a field on them is not found.
func structPlan(t reflect.Type, steps []*step) *structNode {
	if t.Kind() != reflect.Pointer {
		return nil
	}
	n := planNode(t.Elem(), steps, 0)
	if n != nil {
		n.planWithList()
	}
	return n
}

func planNode(t reflect.Type, steps []*step, depth int) *structNode {
	st := openStructType(t)
	if st == nil || depth > 64 {
		return nil
	}
	n := &structNode{st: st}
	group := []reflect.StructField{{Name: "Self", Type: t}}
	var singular []int // the steps whose groups are in n's group, in its order
	for _, s := range steps {
		f, ok := fieldByNumber(t, s.fd.Number())
		if !ok || s.fd.ContainingOneof() != nil {
			return nil
		}
		ss := structStep{step: s, field: goFieldOf(f)}
		if s.next != nil {
			var elem reflect.Type
			switch ft := f.Type; {
			case s.fd.IsList() && ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Pointer:
				ss.list, elem = true, ft.Elem().Elem()
			case s.fd.IsMap() && ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Pointer:
				ss.mapT, elem = ft, ft.Elem().Elem()
			case !s.fd.IsList() && !s.fd.IsMap() && ft.Kind() == reflect.Pointer:
				elem = ft.Elem()
			default:
				return nil
			}
			if ss.next = planNode(elem, s.next, depth+1); ss.next == nil {
				return nil
			}
			if !ss.list && ss.mapT == nil {
				singular = append(singular, len(n.steps))
				group = append(group, reflect.StructField{Name: "G" + strconv.Itoa(len(group)), Type: ss.next.group})
			}
		}
		n.steps = append(n.steps, ss)
	}
	n.group = t // a named type, which reflect.New allocates faster
	if len(singular) > 0 {
		n.group = reflect.StructOf(group)
		for i, j := range singular {
			n.steps[j].groupOff = n.group.Field(i + 1).Offset
		}
	}
	for k := 1; k <= maxBatch; k++ {
		n.arrays[k] = reflect.ArrayOf(k, n.group)
	}
	n.listed = -1
	for i := range n.steps {
		s := &n.steps[i]
		if !s.list {
			continue
		}
		ptrs := reflect.TypeFor[unsafe.Pointer]()
		s.blocks = new([maxBatch + 1]listBlock)
		for k := 1; k <= maxBatch; k++ {
			t := reflect.StructOf([]reflect.StructField{
				{Name: "List", Type: reflect.ArrayOf(k, ptrs)},
				{Name: "Elems", Type: s.next.arrays[k]},
			})
			s.blocks[k] = listBlock{typ: t, list: 0, elems: t.Field(1).Offset}
		}
	}
	return n
}

// planWithList makes the types with which the copy of a message of n's
// type made on its own (the response) holds the block of its first list
// field too.
func (n *structNode) planWithList() {
	for i := range n.steps {
		s := &n.steps[i]
		if !s.list {
			continue
		}
		n.listed = i
		n.withList = new([maxBatch + 1]listBlock)
		for k := 1; k <= maxBatch; k++ {
			t := reflect.StructOf([]reflect.StructField{
				{Name: "Self", Type: n.group},
				{Name: "Block", Type: s.blocks[k].typ},
			})
			off := t.Field(1).Offset
			n.withList[k] = listBlock{typ: t, list: off, elems: off + s.blocks[k].elems}
		}
		return
	}
}

// fieldByNumber returns the field of struct t that holds the proto field
// number num, by its protobuf struct tag.
func fieldByNumber(t reflect.Type, num protoreflect.FieldNumber) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("protobuf")
		if tag == "" {
			continue
		}
		parts := strings.SplitN(tag, ",", 3)
		if len(parts) >= 2 && parts[1] == strconv.Itoa(int(num)) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

var messageState = reflect.TypeFor[protoimpl.MessageState]()

// openStructType returns how to copy the struct t when it is a message of
// protoc-gen-go's open struct API (its state, size cache and unknown fields
// unexported, every other field exported), else nil.
func openStructType(t reflect.Type) *structType {
	if t.Kind() != reflect.Struct {
		return nil
	}
	st := &structType{typ: t}
	hasState := false
	var skip []goField // the state and the size cache
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.Name == "state" && f.Type == messageState:
			hasState = true
			skip = append(skip, goFieldOf(f))
			continue
		case f.Name == "sizeCache" && f.Type.Kind() == reflect.Int32:
			skip = append(skip, goFieldOf(f))
			continue
		case f.Name == "unknownFields" && f.Type.Kind() == reflect.Slice:
		case !f.IsExported() || strings.HasPrefix(f.Name, "XXX_"):
			return nil // the opaque or hybrid API, extensions, lazy fields, older generated code
		}
		gf := goFieldOf(f)
		if gf.kind == plainBytes && !pointerFree(f.Type) {
			return nil
		}
		st.fields = append(st.fields, gf)
	}
	if !hasState {
		return nil
	}
	st.layWords(skip)
	return st
}

// layWords sets from, words and ptrs when the fields of st lie in at most
// 64 words that hold none of skip, the state and the size cache.
func (st *structType) layWords(skip []goField) {
	if len(st.fields) == 0 {
		return
	}
	from, to := st.fields[0].off, uintptr(0)
	for _, f := range st.fields {
		from, to = min(from, f.off), max(to, f.off+f.size)
	}
	from -= from % wordSize
	to = (to + wordSize - 1) / wordSize * wordSize
	for _, f := range skip {
		if f.off < to && f.off+f.size > from {
			return
		}
	}
	if (to-from)/wordSize > 64 {
		return
	}
	var ptrs uint64
	for _, f := range st.fields {
		w := (f.off - from) / wordSize
		switch f.kind {
		case onePointer, stringKind, sliceKind:
			ptrs |= 1 << w // the data pointer, first
		case ifaceKind:
			ptrs |= 3 << w // the type and the data
		}
	}
	st.from, st.words, st.ptrs = from, int((to-from)/wordSize), ptrs
}

// copyFields copies the fields of st (all but state and size cache) from the
// struct at src to the one at dst.
func (st *structType) copyFields(dst, src unsafe.Pointer) {
	if st.words == 0 {
		for _, f := range st.fields {
			copyField(dst, src, f)
		}
		return
	}
	d, s := unsafe.Add(dst, st.from), unsafe.Add(src, st.from)
	for i := range st.words {
		off := uintptr(i) * wordSize
		if st.ptrs&(1<<i) != 0 {
			*(*unsafe.Pointer)(unsafe.Add(d, off)) = *(*unsafe.Pointer)(unsafe.Add(s, off))
		} else {
			*(*uintptr)(unsafe.Add(d, off)) = *(*uintptr)(unsafe.Add(s, off))
		}
	}
}

// goFieldOf returns where f is and how to copy it.
func goFieldOf(f reflect.StructField) goField {
	g := goField{off: f.Offset, size: f.Type.Size()}
	switch f.Type.Kind() {
	case reflect.Pointer, reflect.Map, reflect.UnsafePointer, reflect.Chan, reflect.Func:
		g.kind = onePointer
	case reflect.String:
		g.kind = stringKind
	case reflect.Slice:
		g.kind = sliceKind
	case reflect.Interface:
		g.kind = ifaceKind
	}
	return g
}

// pointerFree reports whether values of t hold no pointers.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	}
	return false
}

// copyField copies field f from the struct at src to the one at dst, with the
// write barriers of its pointers.
func copyField(dst, src unsafe.Pointer, f goField) {
	d, s := unsafe.Add(dst, f.off), unsafe.Add(src, f.off)
	switch f.kind {
	case onePointer:
		*(*unsafe.Pointer)(d) = *(*unsafe.Pointer)(s)
	case stringKind:
		*(*string)(d) = *(*string)(s)
	case sliceKind:
		*(*[]byte)(d) = *(*[]byte)(s)
	case ifaceKind:
		*(*any)(d) = *(*any)(s)
	default:
		copy(unsafe.Slice((*byte)(d), f.size), unsafe.Slice((*byte)(s), f.size))
	}
}

// isSet reports whether field f of the struct at p holds a value: a non-nil
// pointer or map, a non-empty string or slice, a non-nil interface, or
// non-zero bytes. (A proto3 scalar is set when it is not zero, as Has says.)
func isSet(p unsafe.Pointer, f goField) bool {
	q := unsafe.Add(p, f.off)
	switch f.kind {
	case onePointer:
		return *(*unsafe.Pointer)(q) != nil
	case stringKind:
		return len(*(*string)(q)) > 0
	case sliceKind:
		return len(*(*[]byte)(q)) > 0
	case ifaceKind:
		return *(*any)(q) != nil
	}
	for _, b := range unsafe.Slice((*byte)(q), f.size) {
		if b != 0 {
			return true
		}
	}
	return false
}

// clearField zeroes field f of the struct at p.
func clearField(p unsafe.Pointer, f goField) {
	q := unsafe.Add(p, f.off)
	switch f.kind {
	case onePointer:
		*(*unsafe.Pointer)(q) = nil
	case stringKind:
		*(*string)(q) = ""
	case sliceKind:
		*(*[]byte)(q) = nil
	case ifaceKind:
		*(*any)(q) = nil
	default:
		clear(unsafe.Slice((*byte)(q), f.size))
	}
}

// changes reports whether the message at src, of n's type, holds data in a
// field of mask: whether redaction copies it. It only reads.
func (n *structNode) changes(src unsafe.Pointer, mask uint64) bool {
	for i := range n.steps {
		s := &n.steps[i]
		if s.via&mask == 0 || !isSet(src, s.field) {
			continue
		}
		switch {
		case s.ends&mask != 0:
			return true
		case s.list:
			for _, e := range *(*[]unsafe.Pointer)(unsafe.Add(src, s.field.off)) {
				if e != nil && s.next.changes(e, mask) {
					return true
				}
			}
		case s.mapT != nil:
			for it := reflect.NewAt(s.mapT, unsafe.Add(src, s.field.off)).Elem().MapRange(); it.Next(); {
				if v := it.Value().UnsafePointer(); v != nil && s.next.changes(v, mask) {
					return true
				}
			}
		default:
			if s.next.changes(*(*unsafe.Pointer)(unsafe.Add(src, s.field.off)), mask) {
				return true
			}
		}
	}
	return false
}

// redactCopy is the fast path of the package's redactCopy on the message at
// src, of n's type: a copy without the fields of mask, and true, or src and
// false when none of them holds data. It never writes to src or to what src
// points to.
func (n *structNode) redactCopy(src unsafe.Pointer, mask uint64) (unsafe.Pointer, bool) {
	if n.listed >= 0 {
		// The copy of a list response: one allocation, when the list fits.
		s := &n.steps[n.listed]
		if s.via&mask != 0 && s.ends&mask == 0 {
			list := *(*[]unsafe.Pointer)(unsafe.Add(src, s.field.off))
			if changed, ok := s.blockFits(list, mask); ok {
				b := &n.withList[len(list)]
				g := reflect.New(b.typ).UnsafePointer()
				n.copyInto(g, src, mask, listCopy{unsafe.Add(g, b.list), changed})
				return g, true
			}
		}
	}
	if !n.changes(src, mask) {
		return src, false
	}
	g := reflect.New(n.group).UnsafePointer()
	n.copyInto(g, src, mask, listCopy{})
	return g, true
}

// listCopy is where a list field is copied to: a listBlock allocated for it
// (nil for none), and the elements of the list that change, as bits.
type listCopy struct {
	block   unsafe.Pointer
	changed uint64
}

// blockFits returns the elements of list (of s's elements) that change, as
// bits, and whether its copy takes a listBlock: it has at most maxBatch
// elements, and at least half of them change.
func (s *structStep) blockFits(list []unsafe.Pointer, mask uint64) (changed uint64, ok bool) {
	if len(list) == 0 || len(list) > maxBatch {
		return 0, false
	}
	for i, e := range list {
		if e != nil && s.next.changes(e, mask) {
			changed |= 1 << i
		}
	}
	return changed, 2*bits.OnesCount64(changed) >= len(list)
}

// copyInto writes into the group at g (zeroed) the redacted copy of the
// message at src, of n's type, which changes: its struct at g, and the copies
// below it along singular fields in their places in g. When listed.block is
// not nil, the list field of step n.listed is copied there.
func (n *structNode) copyInto(g, src unsafe.Pointer, mask uint64, listed listCopy) {
	n.st.copyFields(g, src)
	for i := range n.steps {
		s := &n.steps[i]
		if s.via&mask == 0 || !isSet(src, s.field) {
			continue
		}
		at := unsafe.Add(g, s.field.off)
		switch {
		case s.ends&mask != 0:
			clearField(g, s.field)
		case s.list:
			var to listCopy
			if i == n.listed {
				to = listed
			}
			s.copyList(at, *(*[]unsafe.Pointer)(unsafe.Add(src, s.field.off)), mask, to)
		case s.mapT != nil:
			s.copyMap(at, unsafe.Add(src, s.field.off), mask)
		default:
			if e := *(*unsafe.Pointer)(unsafe.Add(src, s.field.off)); s.next.changes(e, mask) {
				c := unsafe.Add(g, s.groupOff)
				s.next.copyInto(c, e, mask, listCopy{})
				*(*unsafe.Pointer)(at) = c
			}
		}
	}
}

// copyList sets the list field at dst of a copy to a new list holding the
// elements of src, the redacted copies in place of those that change. The
// list and the copies are the listBlock to.block when it is not nil (made for
// len(src) elements, to.changed of which change), or one that copyList
// allocates when the list fits one; else the copies are allocated maxBatch
// groups at a time.
func (s *structStep) copyList(dst unsafe.Pointer, src []unsafe.Pointer, mask uint64, to listCopy) {
	if to.block == nil {
		if changed, ok := s.blockFits(src, mask); ok {
			to = listCopy{reflect.New(s.blocks[len(src)].typ).UnsafePointer(), changed}
		}
	}
	if to.block != nil {
		b := &s.blocks[len(src)]
		out := unsafe.Slice((*unsafe.Pointer)(unsafe.Add(to.block, b.list)), len(src))
		size := s.next.group.Size()
		for i, e := range src {
			if to.changed&(1<<i) != 0 {
				c := unsafe.Add(to.block, b.elems+uintptr(i)*size)
				s.next.copyInto(c, e, mask, listCopy{})
				e = c
			}
			out[i] = e
		}
		*(*[]unsafe.Pointer)(dst) = out
		return
	}
	var changed [4]uint64 // of the first 256 elements, those that change
	k := 0
	for i, e := range src {
		if e != nil && s.next.changes(e, mask) {
			if i < 256 {
				changed[i/64] |= 1 << (i % 64)
			}
			k++
		}
	}
	if k == 0 {
		return
	}
	// The new list: an array of pointers, as the field's []*T is.
	out := make([]unsafe.Pointer, len(src))
	copy(out, src)
	var batch unsafe.Pointer
	used, left := 0, 0
	size := s.next.group.Size()
	for i, e := range src {
		if i < 256 && changed[i/64]&(1<<(i%64)) == 0 || i >= 256 && (e == nil || !s.next.changes(e, mask)) {
			continue
		}
		if used == left {
			left, used = min(k, maxBatch), 0
			batch = reflect.New(s.next.arrays[left]).UnsafePointer()
			k -= left
		}
		c := unsafe.Add(batch, uintptr(used)*size)
		s.next.copyInto(c, e, mask, listCopy{})
		out[i] = c
		used++
	}
	*(*[]unsafe.Pointer)(dst) = out
}

// copyMap sets the map field at dst of a copy to a new map holding the
// entries of the map field at src, the redacted copies in place of the values
// that change, when any does.
func (s *structStep) copyMap(dst, src unsafe.Pointer, mask uint64) {
	m := reflect.NewAt(s.mapT, src).Elem()
	out := reflect.MakeMapWithSize(s.mapT, m.Len())
	elem := s.mapT.Elem().Elem()
	for it := m.MapRange(); it.Next(); {
		v := it.Value()
		if e := v.UnsafePointer(); e != nil && s.next.changes(e, mask) {
			g := reflect.New(s.next.group).UnsafePointer()
			s.next.copyInto(g, e, mask, listCopy{})
			v = reflect.NewAt(elem, g)
		}
		out.SetMapIndex(it.Key(), v)
	}
	reflect.NewAt(s.mapT, dst).Elem().Set(out)
}
