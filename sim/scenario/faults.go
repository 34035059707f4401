package scenario

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/death"
)

// members returns the scenario's member names in listener order, and
// whether the list is complete (no listener's group or size was bad).
func (c *checker) members() (names []string, complete bool) {
	complete = true
	for i, l := range c.s.Listeners {
		at := index("listeners", i)
		if c.skip(at+".group", at+".members") || !idRe.MatchString(l.Group) || l.Members < 1 || l.Members > maxMembers {
			complete = false
			continue
		}
		names = append(names, c.s.MemberNames(l)...)
	}
	return names, complete
}

// listNames joins names, capped at maxListedMembers.
func listNames(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	if len(names) <= maxListedMembers {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxListedMembers], ", "), len(names)-maxListedMembers)
}

func (c *checker) faults() {
	s := c.s
	names, complete := c.members()
	durOK := c.durationOK()
	byMember := map[string][]int{}
	for i, f := range s.Faults {
		at := index("faults", i)
		member := slices.Contains(names, f.Member)
		if c.present(at+".member") && !member && complete {
			c.errf(at+".member", "member %q does not exist; members are named <group>-<i> (i from 1 to members): %s", f.Member, listNames(names))
		}
		known := false
		if c.present(at + ".death") {
			if _, err := death.Parse(string(f.Death)); err != nil {
				c.errf(at+".death", "%v", err)
			} else {
				known = true
			}
		}
		timed := c.present(at+".at") && !c.skip(at+".at", at+".restart_after", at+".resume_after")
		if !c.resume(at, f, known, durOK) {
			timed = false
		}
		switch {
		case f.At < 0:
			c.errf(at+".at", "at %v: must be >= 0", f.At)
			timed = false
		case durOK && f.At >= s.Duration:
			c.errf(at+".at", "at %v: must be before the end of the run (duration %v)", f.At, s.Duration)
			timed = false
		}
		switch {
		case f.RestartAfter < 0:
			c.errf(at+".restart_after", "restart_after %v: must be >= 0 (0 = no restart)", f.RestartAfter)
			timed = false
		case f.RestartAfter > 0 && durOK && f.At < s.Duration && f.At+f.RestartAfter >= s.Duration:
			c.errf(at+".restart_after", "the restart at %v (at %v + restart_after %v) must come before the end of the run (duration %v)",
				f.At+f.RestartAfter, f.At, f.RestartAfter, s.Duration)
		}
		if member && timed {
			byMember[f.Member] = append(byMember[f.Member], i)
		}
	}
	for _, m := range names {
		c.overlaps(m, byMember[m])
	}
}

// overlaps reports faults on one member that come while it is still dead
// from an earlier one. idx are fault indexes in file order.
func (c *checker) overlaps(member string, idx []int) {
	fs := c.s.Faults
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(fs[a].At, fs[b].At) })
	for k := 1; k < len(idx); k++ {
		prev, cur := fs[idx[k-1]], fs[idx[k]]
		rel := index("faults", idx[k]) + ".at"
		prevLine, _ := c.at(index("faults", idx[k-1]))
		switch {
		case prev.Back() == 0:
			c.errf(rel, "member %s is already dead at %v: the fault at %v (line %d) has no restart_after or resume_after", member, cur.At, prev.At, prevLine)
		case cur.At <= prev.At+prev.Back():
			c.errf(rel, "member %s is still dead at %v: the fault at %v (line %d) brings it back at %v; a later fault must come after that",
				member, cur.At, prev.At, prevLine, prev.At+prev.Back())
		}
	}
}

// warnings adds legal but likely unintended timing relations.
func (c *checker) warnings() {
	s := c.s
	if !c.durationOK() {
		return
	}
	for i, p := range s.Publishers {
		at := index("publishers", i)
		if p.Count >= 1 && p.Rate > 0 && !c.skip(at+".count", at+".rate") {
			last := time.Duration(float64(p.Count-1) / p.Rate * float64(time.Second))
			if last >= s.Duration {
				c.warnf(at, "publishing %d messages at %g/s takes until %v, but the run ends at %v: the last messages are never published",
					p.Count, p.Rate, last.Round(time.Millisecond), s.Duration)
			}
		}
		if p.Channel != "" && !slices.ContainsFunc(s.Listeners, func(l Listener) bool { return l.Channel == p.Channel }) {
			c.warnf(at+".channel", "no listener subscribes to %q: its messages are never processed", p.Channel)
		}
	}
	for i, l := range s.Listeners {
		if l.Channel != "" && !slices.ContainsFunc(s.Publishers, func(p Publisher) bool { return p.Channel == l.Channel }) {
			c.warnf(index("listeners", i)+".channel", "no publisher publishes on %q: this group receives nothing", l.Channel)
		}
	}
	hb := s.Server.Heartbeat
	if s.JetStream() {
		c.jetStreamRemovalWarnings()
		return
	}
	if c.skip("server.heartbeat") || hb.Interval < minHeartbeat || hb.FailCount < 1 || hb.FailCount > maxFailCount {
		return
	}
	for i, f := range s.Faults {
		at := index("faults", i)
		w, ok := f.Death.Removal(hb)
		if !ok || f.Death.CallsClose() {
			continue
		}
		period := f.Death.Period(hb)
		if f.At < 0 || f.At >= s.Duration || f.At+w.Max <= s.Duration || c.skip(at+".at") {
			continue
		}
		verb := "may"
		if f.At+w.Min >= s.Duration {
			verb = "will"
		}
		c.warnf(at, "the server %s still list %s when the run ends at %v: after the %s death at %v, removal takes %s = %d·%v to %d·%v = %v to %v (raise duration or shorten server.heartbeat)",
			verb, f.Member, s.Duration, f.Death, f.At, w.Rule, hb.FailCount, period, hb.FailCount+1, period, w.Min, w.Max)
	}
}

// resume checks resume_after: only on a death that can be resumed, not
// with restart_after, and before the end of the run. It reports whether
// the fault's timing is usable.
func (c *checker) resume(at string, f Fault, known, durOK bool) bool {
	if f.ResumeAfter == 0 || !c.present(at+".resume_after") {
		return true
	}
	s := c.s
	switch {
	case f.ResumeAfter < 0:
		c.errf(at+".resume_after", "resume_after %v: must be > 0", f.ResumeAfter)
	case known && !f.Death.Info().Resumable:
		c.errf(at+".resume_after", "resume_after needs a death that can be resumed (hang: SIGCONT thaws it); a %s death cannot come back but by restart_after", f.Death)
	case f.RestartAfter > 0:
		c.errf(at+".resume_after", "resume_after and restart_after exclude each other: a member either thaws (same client) or restarts (new client)")
	case durOK && f.At < s.Duration && f.At+f.ResumeAfter >= s.Duration:
		c.errf(at+".resume_after", "the resume at %v (at %v + resume_after %v) must come before the end of the run (duration %v)",
			f.At+f.ResumeAfter, f.At, f.ResumeAfter, s.Duration)
	default:
		return true
	}
	return false
}
