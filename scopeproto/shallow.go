package scopeproto

import "google.golang.org/protobuf/reflect/protoreflect"

// shallowCopy returns a new message of m's type whose fields hold m's
// values: scalars copied, messages, lists and maps shared, through
// protoreflect. Neither m nor the values it shares may be changed through
// the copy: redactCopy only clears fields of the copy and sets new values
// into it. (Messages of the open struct API take the fast path of
// structcopy.go instead.)
func shallowCopy(m protoreflect.Message) protoreflect.Message {
	c := m.New()
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		c.Set(fd, v)
		return true
	})
	if u := m.GetUnknown(); len(u) > 0 {
		c.SetUnknown(u)
	}
	return c
}
