package diff

import (
	"fmt"

	"github.com/scopegen/scopegen/internal/model"
)

// bindings reports the HTTP bindings n gains and loses against OLD's o (nil
// for an endpoint OLD does not define, which endpoint-added reports), and
// each new binding that meets a binding of another endpoint in OLD. Bindings
// are the same when their patterns are: a variable's name does not change
// which requests they match.
func (c *comparer) bindings(o, n *model.Endpoint) {
	had := map[string]bool{}
	if o != nil {
		for _, b := range o.HTTP {
			had[b.Pattern()] = true
		}
	}
	has := map[string]bool{}
	for i := range n.HTTP {
		b := &n.HTTP[i]
		has[b.Pattern()] = true
		if had[b.Pattern()] {
			continue
		}
		if o != nil {
			c.finding("endpoint-binding-added", n.Name, b.Pos, false, []string{n.Name},
				fmt.Sprintf("endpoint %s is also reached by HTTP %s, which needs what the endpoint requires", n.Name, b.String()))
		}
		for _, oe := range c.om.Endpoints {
			if oe.Name == n.Name {
				continue
			}
			for j := range oe.HTTP {
				ob := &oe.HTTP[j]
				if !b.Overlaps(ob) {
					continue
				}
				how := "the requests it wins by precedence (a literal beats a variable, a variable beats **) are now decided by " + n.Name
				if ob.Pattern() == b.Pattern() {
					how = "they match the same requests, which now need what both endpoints require"
				}
				c.finding("endpoint-binding-overlaps", n.Name, b.Pos, false, []string{n.Name, oe.Name},
					fmt.Sprintf("HTTP %s of endpoint %s matches requests that %s of endpoint %s matched: %s", b.String(), n.Name, ob.String(), oe.Name, how))
			}
		}
	}
	if o == nil {
		return
	}
	unknown := c.nm.Outcome(model.UnknownEndpoint)
	for i := range o.HTTP {
		b := &o.HTTP[i]
		if !has[b.Pattern()] {
			c.finding("endpoint-binding-removed", n.Name, b.Pos, true, []string{n.Name},
				fmt.Sprintf("endpoint %s is no longer reached by HTTP %s: its clients get %d %s, or another binding that matches their requests decides them", n.Name, b.String(), unknown.Code, unknown.Status))
		}
	}
}
