package scopeproto

import (
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/scopegen/scopegen/enforce"
)

// Redactions is what Redact reads of a decision; every generated Decision
// has these methods (enforce.Decision).
type Redactions interface {
	// Method is the endpoint decided on: the cache's key.
	Method() string
	// RedactionMask holds the bits of the fields of Redactable to remove.
	RedactionMask() uint64
	// Redactable iterates over the fields the endpoint redacts from some
	// callers, as dotted paths of proto or JSON field names.
	Redactable() iter.Seq[string]
}

// Redactor removes from response messages the fields that decisions
// redact. It caches, per endpoint, the endpoint's redacted fields resolved on
// the type of its responses, so that field paths are read once per type, not
// per call; reads of the cache take no lock and allocate nothing. The zero
// Redactor is ready to use; it is safe for concurrent use, and must not be
// copied after first use.
type Redactor struct {
	// InPlace removes fields from the messages given to Redact instead of
	// from copies of them. Set it only when handlers return messages they
	// made for the call, never ones they keep or share.
	InPlace bool

	byMethod atomic.Pointer[map[string]*redactor]
	last     atomic.Pointer[redactor] // the one found last, tried first
	mu       sync.Mutex               // serializes writers, which copy the map
}

// redactor holds the redacted fields of an endpoint resolved on one message
// type.
type redactor struct {
	method string
	desc   protoreflect.MessageDescriptor
	typ    reflect.Type // the Go type of the messages, which plan is for
	plan   *structNode  // the fast path of redactCopy for typ, or nil
	bad    uint64       // the redacted fields that are not fields of desc
	errs   []error      // why the i-th redacted field is not a field of desc, or nil
	steps  []*step      // the first fields of the paths, which share their prefixes
}

// step is a field on the paths of redacted fields. Bit i of a mask stands for
// the endpoint's i-th redacted field, as in a Decision.
type step struct {
	fd   protoreflect.FieldDescriptor
	ends uint64  // the redacted fields that are this field
	via  uint64  // the redacted fields at or below this field
	next []*step // the fields below it
}

// redactorFor returns the redactor of the endpoint of d for msg, a valid
// message of Go type typ.
func redactorFor[D Redactions](rs *Redactor, d D, msg proto.Message, typ reflect.Type) *redactor {
	method := d.Method()
	if r := rs.last.Load(); r != nil && r.method == method && r.is(msg, typ) {
		return r
	}
	if m := rs.byMethod.Load(); m != nil {
		if r := (*m)[method]; r != nil && r.is(msg, typ) {
			rs.last.Store(r)
			return r
		}
	}
	r := newRedactor(method, d.Redactable(), msg.ProtoReflect().Descriptor(), typ)
	rs.last.Store(r)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	next := map[string]*redactor{method: r}
	if m := rs.byMethod.Load(); m != nil {
		for k, v := range *m {
			if k != method {
				next[k] = v
			}
		}
	}
	rs.byMethod.Store(&next)
	return r
}

// is reports whether r is for msg, of Go type typ: a type of protoc-gen-go's
// open struct API has one descriptor, and other messages (dynamicpb's) are
// told apart by theirs.
func (r *redactor) is(msg proto.Message, typ reflect.Type) bool {
	return r.typ == typ && (r.plan != nil || r.desc == msg.ProtoReflect().Descriptor())
}

// newRedactor resolves fields, the redacted fields of method in order, on
// messages of type desc, of Go type typ.
func newRedactor(method string, fields iter.Seq[string], desc protoreflect.MessageDescriptor, typ reflect.Type) *redactor {
	r := &redactor{method: method, desc: desc, typ: typ}
	for field := range fields {
		bit := uint64(1) << len(r.errs)
		p, err := resolve(desc, field)
		if err == nil {
			r.steps = insert(r.steps, p, bit)
		} else {
			r.bad |= bit
		}
		r.errs = append(r.errs, err)
	}
	r.plan = structPlan(typ, r.steps)
	return r
}

// insert adds the path of the redacted field of bit to steps.
func insert(steps []*step, path []protoreflect.FieldDescriptor, bit uint64) []*step {
	var s *step
	for _, x := range steps {
		if x.fd == path[0] {
			s = x
		}
	}
	if s == nil {
		s = &step{fd: path[0]}
		steps = append(steps, s)
	}
	s.via |= bit
	if len(path) == 1 {
		s.ends |= bit
	} else {
		s.next = insert(s.next, path[1:], bit)
	}
	return steps
}

// mask returns the bits of the fields of mask, or why one of them is not a
// field of r's message type.
func (r *redactor) mask(mask uint64) (uint64, error) {
	if mask&r.bad != 0 {
		return 0, r.errs[bits.TrailingZeros64(mask&r.bad)]
	}
	return mask, nil
}

// redactCopy returns m without the data of the fields of mask, and whether
// any of them held data. It never changes m: when one did, it returns a
// shallow copy of m in which each field on the way to such a field is a
// redacted copy in turn (a list or map a new one, holding m's elements but
// for the copies), and every other field is m's own value, shared; else it
// returns m. The cost is that of the messages on the paths, not of the whole
// message as with proto.Clone.
func redactCopy(m protoreflect.Message, steps []*step, mask uint64) (protoreflect.Message, bool) {
	var c protoreflect.Message // the copy, made at the first change
	for _, s := range steps {
		if s.via&mask == 0 || !m.Has(s.fd) {
			continue
		}
		switch {
		case s.ends&mask != 0:
			if c == nil {
				c = shallowCopy(m)
			}
			c.Clear(s.fd)
		case s.fd.IsList():
			src := m.Get(s.fd).List()
			var dst protoreflect.List
			for i := range src.Len() {
				v := src.Get(i)
				r, changed := redactCopy(v.Message(), s.next, mask)
				if changed && dst == nil {
					if c == nil {
						c = shallowCopy(m)
					}
					dst = c.NewField(s.fd).List()
					for j := range i {
						dst.Append(src.Get(j))
					}
				}
				switch {
				case changed:
					dst.Append(protoreflect.ValueOfMessage(r))
				case dst != nil:
					dst.Append(v)
				}
			}
			if dst != nil {
				c.Set(s.fd, protoreflect.ValueOfList(dst))
			}
		case s.fd.IsMap():
			src := m.Get(s.fd).Map()
			if !populated(m, []*step{s}, mask) {
				continue
			}
			if c == nil {
				c = shallowCopy(m)
			}
			dst := c.NewField(s.fd).Map()
			src.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				if r, changed := redactCopy(v.Message(), s.next, mask); changed {
					v = protoreflect.ValueOfMessage(r)
				}
				dst.Set(k, v)
				return true
			})
			c.Set(s.fd, protoreflect.ValueOfMap(dst))
		default:
			r, changed := redactCopy(m.Get(s.fd).Message(), s.next, mask)
			if !changed {
				continue
			}
			if c == nil {
				c = shallowCopy(m)
			}
			if s.fd.ContainingOneof() != nil {
				// The copy shares m's oneof wrapper, which Set would
				// write into: clear it from the copy first.
				c.Clear(s.fd)
			}
			c.Set(s.fd, protoreflect.ValueOfMessage(r))
		}
	}
	if c == nil {
		return m, false
	}
	return c, true
}

// populated reports whether m holds data in a field of mask.
func populated(m protoreflect.Message, steps []*step, mask uint64) bool {
	for _, s := range steps {
		switch {
		case s.via&mask == 0:
		case s.ends&mask != 0:
			if m.Has(s.fd) {
				return true
			}
		case s.fd.IsList():
			if !m.Has(s.fd) {
				continue // an empty list, whose view Get would allocate
			}
			l := m.Get(s.fd).List()
			for i := range l.Len() {
				if populated(l.Get(i).Message(), s.next, mask) {
					return true
				}
			}
		case s.fd.IsMap():
			if !m.Has(s.fd) {
				continue
			}
			found := false
			m.Get(s.fd).Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
				found = populated(v.Message(), s.next, mask)
				return !found
			})
			if found {
				return true
			}
		default:
			// A singular message: Get returns an invalid message when it is
			// unset, without allocating, so one call does the work of Has and Get.
			if next := m.Get(s.fd).Message(); next.IsValid() && populated(next, s.next, mask) {
				return true
			}
		}
	}
	return false
}

// clearFields removes the data of the fields of mask from m.
func clearFields(m protoreflect.Message, steps []*step, mask uint64) {
	for _, s := range steps {
		if s.via&mask == 0 || !m.Has(s.fd) {
			continue
		}
		switch {
		case s.ends&mask != 0:
			m.Clear(s.fd)
		case s.fd.IsList():
			l := m.Mutable(s.fd).List()
			for i := range l.Len() {
				clearFields(l.Get(i).Message(), s.next, mask)
			}
		case s.fd.IsMap():
			m.Mutable(s.fd).Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
				clearFields(v.Message(), s.next, mask)
				return true
			})
		default:
			clearFields(m.Mutable(s.fd).Message(), s.next, mask)
		}
	}
}

// resolve returns the fields of a dotted path (proto or JSON names) from
// messages of type desc, through singular, repeated and map message fields.
func resolve(desc protoreflect.MessageDescriptor, field string) ([]protoreflect.FieldDescriptor, error) {
	var path []protoreflect.FieldDescriptor
	md := desc
	for _, name := range strings.Split(field, ".") {
		if md == nil {
			return nil, fmt.Errorf("field %s of %s: %s is not a message", field, desc.FullName(), path[len(path)-1].FullName())
		}
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return nil, fmt.Errorf("field %s of %s: %s has no field %q", field, desc.FullName(), md.FullName(), name)
		}
		path = append(path, fd)
		md = fd.Message()
		if fd.IsMap() {
			md = fd.MapValue().Message()
		}
	}
	return path, nil
}

// Redact returns msg without the fields d redacts (d.RedactionMask()). Unless
// r.InPlace is set, it never changes msg: it copies only the messages on the
// paths to the fields that hold data (redactCopy), shares the rest, and
// returns msg itself when none does; with r.InPlace it removes them from msg.
// It returns an error when a field to remove is not a field of msg's type, to
// end the call with the transport's internal error: a redacted field never
// reaches the client.
func Redact[D Redactions](r *Redactor, d D, msg proto.Message) (proto.Message, error) {
	m := msg.ProtoReflect()
	if !m.IsValid() {
		return msg, nil
	}
	rd := redactorFor(r, d, msg, reflect.TypeOf(msg))
	mask, err := rd.mask(d.RedactionMask())
	if err != nil {
		return nil, fmt.Errorf("cannot redact the response of %s: %v", d.Method(), err)
	}
	if r.InPlace {
		clearFields(m, rd.steps, mask)
		return msg, nil
	}
	if rd.plan != nil {
		if c, changed := rd.plan.redactCopy(reflect.ValueOf(msg).UnsafePointer(), mask); changed {
			return reflect.NewAt(rd.typ.Elem(), c).Interface().(proto.Message), nil
		}
		return msg, nil
	}
	if c, changed := redactCopy(m, rd.steps, mask); changed {
		return c.Interface(), nil
	}
	return msg, nil
}

// CheckRedactions resolves the redacted fields of every endpoint of the spec
// of the checker whose Grant type is G that services serve, on the endpoint's
// response type, and returns an error for each field that is not a field of
// it. Call it when the server starts, so that a spec and a proto that
// disagree fail then rather than at the first call (which Redact fails).
func CheckRedactions[G enforce.Grant[D], D enforce.Decision[D]](services ...protoreflect.ServiceDescriptor) error {
	var errs []error
	var none G
	for _, sd := range services {
		methods := sd.Methods()
		for i := range methods.Len() {
			md := methods.Get(i)
			d := none.Check("/" + string(sd.FullName()) + "/" + string(md.Name()))
			if d.Method() == "" {
				continue
			}
			for field := range d.Redactable() {
				if _, err := resolve(md.Output(), field); err != nil {
					errs = append(errs, fmt.Errorf("%s: cannot redact %v", d.Method(), err))
				}
			}
		}
	}
	return errors.Join(errs...)
}
