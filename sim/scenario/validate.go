package scenario

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Limits of the schema.
const (
	maxDuration       = time.Hour
	minSampleInterval = 5 * time.Millisecond
	maxSampleInterval = time.Second
	minHeartbeat      = 10 * time.Millisecond
	maxFailCount      = 1000
	maxCount          = 1_000_000
	maxRate           = 100_000
	maxMembers        = 64
	maxMaxInflight    = 65536
	maxProcessTime    = time.Minute
	maxListedMembers  = 10
	maxHeartbeat      = time.Hour
	maxNameLen        = 64  // scenario, group, publisher and durable names: folder and client-id safe
	maxChannelLen     = 255 // NATS subjects have no hard limit; this keeps labels and files sane
	maxDescriptionLen = 4096
	maxQuoted         = 60 // values longer than this are quoted by a prefix in messages
)

// idRe is the server's rule for names used in client ids and durable names.
var idRe = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// checker validates one decoded scenario. Field arguments are relative to
// the scenario ("listeners[0].ack_wait"); a field that failed to decode, or
// whose parent did, is not checked again.
type checker struct {
	d    *decoder
	path string
	s    *Scenario
}

// validate checks the rules of the schema that decoding cannot, and adds
// warnings for legal but suspicious timing.
func (d *decoder) validate(path string, s *Scenario) {
	c := &checker{d: d, path: path, s: s}
	c.scenario()
	c.publishers()
	c.listeners()
	c.faults()
	c.expectPaths()
	c.warnings()
}

// skip reports whether any of rels, or a parent of one, failed to decode.
func (c *checker) skip(rels ...string) bool {
	for _, rel := range rels {
		for p := join(c.path, rel); p != ""; p = parent(p) {
			if c.d.bad[p] {
				return true
			}
		}
	}
	return false
}

func (c *checker) present(rel string) bool {
	_, ok := c.d.pos[join(c.path, rel)]
	return ok
}

// at is where rel was written, or its nearest written parent.
func (c *checker) at(rel string) (line, col int) {
	for p := join(c.path, rel); p != ""; p = parent(p) {
		if at, ok := c.d.pos[p]; ok {
			return at[0], at[1]
		}
	}
	return 0, 0
}

func (c *checker) report(to *[]located, rel, format string, args ...any) {
	if c.skip(rel) {
		return
	}
	verbs := verbsOf(format)
	for i, a := range args {
		switch v := a.(type) {
		case time.Duration:
			args[i] = short(v)
		case string:
			if i < len(verbs) && verbs[i] == 'q' { // a value from the file
				args[i] = clipQuoted(v)
			}
		}
	}
	line, col := c.at(rel)
	*to = append(*to, located{Error{c.d.file, line, join(c.path, rel), fmt.Sprintf(format, args...)}, col})
}

func (c *checker) errf(rel, format string, args ...any) { c.report(&c.d.errs, rel, format, args...) }

func (c *checker) warnf(rel, format string, args ...any) { c.report(&c.d.warns, rel, format, args...) }

// durationOK reports whether the scenario's duration is usable in relations.
func (c *checker) durationOK() bool {
	return c.present("duration") && !c.skip("duration") && c.s.Duration > 0 && c.s.Duration <= maxDuration
}

func (c *checker) scenario() {
	s := c.s
	if c.present("name") && !scenarioNameRe.MatchString(s.Name) {
		c.errf("name", "%q: must match [a-z0-9-]+ (lower-case letters, digits and '-'; it names the output folder)", s.Name)
	} else if len(s.Name) > maxNameLen {
		c.errf("name", "%q is %d characters long; at most %d (it names the output folder)", s.Name, len(s.Name), maxNameLen)
	}
	if p := textProblem(s.Description, maxDescriptionLen, true); p != "" {
		c.errf("description", "description %s", p)
	}
	for i, t := range s.Tags {
		if strings.TrimSpace(t) == "" {
			c.errf(index("tags", i), "a tag must not be empty")
		}
	}
	if c.present("duration") && (s.Duration <= 0 || s.Duration > maxDuration) {
		c.errf("duration", "duration %v: must be > 0 and <= %v", s.Duration, maxDuration)
	}
	if s.SampleInterval < minSampleInterval || s.SampleInterval > maxSampleInterval {
		c.errf("sample_interval", "sample_interval %v: must be between %v and %v", s.SampleInterval, minSampleInterval, maxSampleInterval)
	}
	if st := s.Server.Store; st != StoreMemory && st != StoreFile {
		c.errf("server.store", "store %q: must be %s or %s", st, StoreMemory, StoreFile)
	}
	c.broker()
	hb := s.Server.Heartbeat
	c.heartbeatBound("server.heartbeat.interval", "heartbeat interval", hb.Interval)
	c.heartbeatBound("server.heartbeat.timeout", "heartbeat timeout", hb.Timeout)
	if hb.FailCount < 1 || hb.FailCount > maxFailCount {
		c.errf("server.heartbeat.fail_count", "fail_count %d: must be between 1 and %d", hb.FailCount, maxFailCount)
	}
}

// channelProblem says what is wrong with a channel name, or "".
func channelProblem(ch string) string {
	if p := textProblem(ch, maxChannelLen, false); p != "" {
		return p
	}
	switch {
	case ch == "":
		return "must not be empty"
	case strings.IndexFunc(ch, unicode.IsSpace) >= 0:
		return "must not contain whitespace"
	case strings.ContainsAny(ch, "*>"):
		return "must not contain the wildcards * or > (a channel is a literal subject)"
	case slices.Contains(strings.Split(ch, "."), ""):
		return "has an empty token (tokens are separated by single dots, with none at either end)"
	}
	return ""
}

// unique reports name at rel when an earlier item (recorded in seen) has it.
func (c *checker) unique(seen map[string]string, name, rel, what string) {
	if c.skip(rel) || name == "" {
		return
	}
	if first, ok := seen[name]; ok {
		line, _ := c.at(first)
		c.errf(rel, "%s %q is already used by %s (line %d); %s names must be unique", what, name, first, line, what)
		return
	}
	seen[name] = rel
}

func (c *checker) publishers() {
	s := c.s
	if len(s.Publishers) == 0 {
		c.errf("publishers", "at least one publisher is required")
	}
	seen := map[string]string{}
	for i, p := range s.Publishers {
		at := index("publishers", i)
		if c.present(at+".name") && !idRe.MatchString(p.Name) {
			c.errf(at+".name", "publisher name %q: must match [a-zA-Z0-9_-]+ (it is used in client ids)", p.Name)
		} else if len(p.Name) > maxNameLen {
			c.errf(at+".name", "publisher name %q is %d characters long; at most %d", p.Name, len(p.Name), maxNameLen)
		} else {
			c.unique(seen, p.Name, at+".name", "publisher name")
		}
		if c.present(at + ".channel") {
			if msg := channelProblem(p.Channel); msg != "" {
				c.errf(at+".channel", "channel %q: %s", p.Channel, msg)
			}
		}
		if c.present(at+".count") && (p.Count < 1 || p.Count > maxCount) {
			c.errf(at+".count", "count %d: must be between 1 and %d", p.Count, maxCount)
		}
		if c.present(at+".rate") && !(p.Rate > 0 && p.Rate <= maxRate) {
			c.errf(at+".rate", "rate %g: must be > 0 and <= %d messages per second", p.Rate, maxRate)
		}
		if p.Keys < 1 {
			c.errf(at+".keys", "keys %d: must be >= 1", p.Keys)
		} else if p.Count >= 1 && p.Keys > p.Count && !c.skip(at+".count") {
			c.errf(at+".keys", "keys %d: must be <= count %d (each key needs at least one message)", p.Keys, p.Count)
		}
	}
}

func (c *checker) listeners() {
	s := c.s
	if len(s.Listeners) == 0 {
		c.errf("listeners", "at least one listener is required")
	}
	seen := map[string]string{}
	for i, l := range s.Listeners {
		at := index("listeners", i)
		if c.present(at+".group") && !idRe.MatchString(l.Group) {
			c.errf(at+".group", "group %q: must match [a-zA-Z0-9_-]+ (member names are used in client ids)", l.Group)
		} else if len(l.Group) > maxNameLen {
			c.errf(at+".group", "group %q is %d characters long; at most %d", l.Group, len(l.Group), maxNameLen)
		} else {
			c.unique(seen, l.Group, at+".group", "group")
		}
		if c.present(at + ".channel") {
			if msg := channelProblem(l.Channel); msg != "" {
				c.errf(at+".channel", "channel %q: %s", l.Channel, msg)
			}
		}
		if l.Members < 1 || l.Members > maxMembers {
			c.errf(at+".members", "members %d: must be between 1 and %d", l.Members, maxMembers)
		}
		c.listenerBroker(i)
		if l.MaxInflight < 1 || l.MaxInflight > maxMaxInflight {
			c.errf(at+".max_inflight", "max_inflight %d: must be between 1 and %d", l.MaxInflight, maxMaxInflight)
		}
		c.processTime(at+".process_time", l.ProcessTime)
		c.mode(at+".mode", l.Mode)
		c.command(i)
		if l.Policy != PolicyNaive && l.Policy != PolicyVersionCheck {
			c.errf(at+".policy", "policy %q: must be %s (apply every delivery) or %s (apply only the next version of a key; otherwise do not ack it, so it comes back after AckWait)", l.Policy, PolicyNaive, PolicyVersionCheck)
		}
		if l.Start != StartAll && l.Start != StartNew {
			c.errf(at+".start", "start %q: must be %s (DeliverAllAvailable) or %s (only messages published after subscribing)", l.Start, StartAll, StartNew)
		}
	}
}

func (c *checker) processTime(rel string, pt Dist) {
	inRange := func(x time.Duration) bool { return x >= 0 && x <= maxProcessTime }
	switch pt.Kind {
	case DistUniform:
		if !inRange(pt.Min) || !inRange(pt.Max) {
			c.errf(rel+".uniform", "process_time %v: min and max must be between 0 and %v", pt, maxProcessTime)
		} else if pt.Min > pt.Max {
			c.errf(rel+".uniform", "process_time %v: min %v must be <= max %v", pt, pt.Min, pt.Max)
		}
	case DistExponential:
		if !inRange(pt.Mean) {
			c.errf(rel+".exponential", "process_time %v: the mean must be between 0 and %v", pt, maxProcessTime)
		}
	default:
		if !inRange(pt.Fixed) {
			c.errf(rel, "process_time %v: must be between 0 and %v", pt, maxProcessTime)
		}
	}
}

// clipQuoted shortens a value quoted in a message (%q): a prefix of
// maxQuoted runes and the full length, so that an error never echoes a huge
// value whole.
func clipQuoted(v string) string {
	r := []rune(v)
	if len(r) <= maxQuoted {
		return v
	}
	return fmt.Sprintf("%s... (%d bytes)", string(r[:maxQuoted]), len(v))
}

// verbsOf lists the verb letter of each argument of a format string.
func verbsOf(format string) []byte {
	var vs []byte
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] != '%' {
			vs = append(vs, format[i])
		}
	}
	return vs
}

// textProblem says what is wrong with a name or text, or "": too long, or
// holding control characters (they break SVG, HTML and terminals).
func textProblem(v string, maxLen int, newlines bool) string {
	if len(v) > maxLen {
		return fmt.Sprintf("is %d bytes long; at most %d", len(v), maxLen)
	}
	for _, r := range v {
		if unicode.IsControl(r) && !(newlines && (r == '\n' || r == '\t')) {
			return fmt.Sprintf("holds the control character %U", r)
		}
	}
	return ""
}

// heartbeatBound checks one heartbeat duration against [minHeartbeat, maxHeartbeat].
func (c *checker) heartbeatBound(rel, what string, d time.Duration) {
	switch {
	case d < minHeartbeat:
		c.errf(rel, "%s %v: must be >= %v", what, d, minHeartbeat)
	case d > maxHeartbeat:
		c.errf(rel, "%s %v: must be <= %v (the server would keep a dead member listed for (F+1) times that)", what, d, maxHeartbeat)
	}
}

// mode checks a listener's mode; process mode needs Unix signals.
func (c *checker) mode(rel, m string) {
	switch {
	case m != ModeInProcess && m != ModeProcess && m != ModeCommand:
		c.errf(rel, "mode %q: must be %s (members in this process), %s (each member a child process killed by real signals) or %s (each member your own program, given by command)", m, ModeInProcess, ModeProcess, ModeCommand)
	case m != ModeInProcess && !processModeSupported:
		c.errf(rel, "mode %s needs Linux or another Unix system (signals such as SIGTERM, SIGKILL and SIGSTOP); on %s use mode in-process, which imitates each death", m, runtime.GOOS)
	}
}
