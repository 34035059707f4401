package scenario

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/stansim/stansim/sim/death"
)

// YAML field names, in the order ResolvedYAML writes them.
var (
	scenarioFields  = []string{"name", "description", "tags", "seed", "duration", "sample_interval", "broker", "server", "publishers", "listeners", "faults", "expect", "sweep"}
	serverFields    = []string{"store", "heartbeat", "ping"}
	pingFields      = []string{"interval", "max_out"}
	heartbeatFields = []string{"interval", "timeout", "fail_count"}
	publisherFields = []string{"name", "channel", "count", "rate", "keys"}
	listenerFields  = []string{"group", "channel", "members", "durable", "ack_wait", "max_inflight", "process_time", "start", "policy", "mode", "close_on_signal", "command", "env", "dir", "consumer", "max_deliver", "backoff", "on_close"}
	faultFields     = []string{"at", "member", "death", "restart_after", "resume_after"}
)

var scenarioNameRe = regexp.MustCompile(`^[a-z0-9-]+$`)

// scenarioPath names scenario i in field paths: "scenarios[1] (forced-kill)",
// or "scenarios[1]" while its name is missing or not valid.
func scenarioPath(base string, n *yaml.Node) string {
	if v := lookup(n, "name"); v != nil && v.Kind == yaml.ScalarNode && scenarioNameRe.MatchString(v.Value) {
		return fmt.Sprintf("%s (%s)", base, v.Value)
	}
	return base
}

// scenario decodes one merged scenario mapping, starting from the built-in
// defaults.
func (d *decoder) scenario(path string, n *yaml.Node) Scenario {
	s := Scenario{
		Seed:           DefaultSeed,
		SampleInterval: DefaultSampleInterval,
		Broker:         DefaultBroker,
		Server: Server{
			Store:     DefaultStore,
			Heartbeat: Heartbeat{Interval: DefaultHBInterval, Timeout: DefaultHBTimeout, FailCount: DefaultHBFailCount},
			Ping:      Ping{Interval: death.DefaultPingInterval, MaxOut: death.DefaultPingMaxOut},
		},
	}
	d.mark(path, n)
	ok := d.fields(path, n, scenarioFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "name":
			d.str(p, v, &s.Name)
		case "description":
			d.str(p, v, &s.Description)
		case "tags":
			d.strList(p, v, &s.Tags)
		case "seed":
			d.integer(p, v, &s.Seed)
		case "duration":
			d.duration(p, v, &s.Duration)
		case "sample_interval":
			d.duration(p, v, &s.SampleInterval)
		case "broker":
			d.str(p, v, &s.Broker)
		case "server":
			d.server(p, v, &s.Server)
		case "publishers":
			d.list(p, v, "publishers", func(ip string, iv *yaml.Node) {
				s.Publishers = append(s.Publishers, d.publisher(ip, iv))
			})
		case "listeners":
			d.list(p, v, "listeners", func(ip string, iv *yaml.Node) {
				s.Listeners = append(s.Listeners, d.listener(ip, iv))
			})
		case "faults":
			d.list(p, v, "faults", func(ip string, iv *yaml.Node) {
				s.Faults = append(s.Faults, d.fault(ip, iv))
			})
		case "expect":
			s.Expect = d.expectations(p, v)
		case "sweep":
			s.Sweep = d.sweep(p, n, v)
		}
	})
	if ok {
		d.require(path, n, "name", "duration")
	}
	return s
}

func (d *decoder) server(path string, n *yaml.Node, s *Server) {
	d.fields(path, n, serverFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "store":
			d.str(p, v, &s.Store)
		case "heartbeat":
			hb := &s.Heartbeat
			d.fields(p, v, heartbeatFields, func(key, p string, v *yaml.Node) {
				switch key {
				case "interval":
					d.duration(p, v, &hb.Interval)
				case "timeout":
					d.duration(p, v, &hb.Timeout)
				case "fail_count":
					d.int(p, v, &hb.FailCount)
				}
			})
		case "ping":
			d.fields(p, v, pingFields, func(key, p string, v *yaml.Node) {
				switch key {
				case "interval":
					d.duration(p, v, &s.Ping.Interval)
				case "max_out":
					d.int(p, v, &s.Ping.MaxOut)
				}
			})
		}
	})
}

func (d *decoder) publisher(path string, n *yaml.Node) Publisher {
	pub := Publisher{Keys: DefaultKeys}
	if d.fields(path, n, publisherFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "name":
			d.str(p, v, &pub.Name)
		case "channel":
			d.str(p, v, &pub.Channel)
		case "count":
			d.int(p, v, &pub.Count)
		case "rate":
			d.float(p, v, &pub.Rate)
		case "keys":
			d.int(p, v, &pub.Keys)
		}
	}) {
		d.require(path, n, "name", "channel", "count", "rate")
	}
	return pub
}

func (d *decoder) listener(path string, n *yaml.Node) Listener {
	l := Listener{
		Members:     DefaultMembers,
		AckWait:     DefaultAckWait,
		MaxInflight: DefaultMaxInflight,
		ProcessTime: Dist{Kind: DistFixed},
		Start:       DefaultStart,
		Policy:      DefaultPolicy,
		Mode:        DefaultMode,
		// A member's signal handler calls Close() unless told otherwise.
		CloseOnSignal: true,
		Consumer:      ConsumerPush,
		OnClose:       OnCloseNone,
	}
	if d.fields(path, n, listenerFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "group":
			d.str(p, v, &l.Group)
		case "channel":
			d.str(p, v, &l.Channel)
		case "members":
			d.int(p, v, &l.Members)
		case "durable":
			d.str(p, v, &l.Durable)
		case "ack_wait":
			d.duration(p, v, &l.AckWait)
		case "max_inflight":
			d.int(p, v, &l.MaxInflight)
		case "process_time":
			d.dist(p, v, &l.ProcessTime)
		case "start":
			d.str(p, v, &l.Start)
		case "policy":
			d.str(p, v, &l.Policy)
		case "mode":
			d.str(p, v, &l.Mode)
		case "close_on_signal":
			d.boolean(p, v, &l.CloseOnSignal)
		case "command":
			d.strList(p, v, &l.Command)
		case "env":
			d.strMap(p, v, &l.Env)
		case "dir":
			d.str(p, v, &l.Dir)
		case "consumer":
			d.str(p, v, &l.Consumer)
		case "max_deliver":
			d.int(p, v, &l.MaxDeliver)
		case "backoff":
			d.durationList(p, v, &l.BackOff)
		case "on_close":
			d.str(p, v, &l.OnClose)
		}
	}) {
		d.require(path, n, "group", "channel")
	}
	return l
}

func (d *decoder) fault(path string, n *yaml.Node) Fault {
	var f Fault
	if d.fields(path, n, faultFields, func(key, p string, v *yaml.Node) {
		switch key {
		case "at":
			d.duration(p, v, &f.At)
		case "member":
			d.str(p, v, &f.Member)
		case "death":
			var k string
			d.str(p, v, &k)
			f.Death = death.Kind(k)
		case "restart_after":
			d.duration(p, v, &f.RestartAfter)
		case "resume_after":
			d.duration(p, v, &f.ResumeAfter)
		}
	}) {
		d.require(path, n, "at", "member", "death")
	}
	return f
}
