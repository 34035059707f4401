package scenario

import (
	"bytes"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// ResolvedYAML writes s with every default filled in, as a scenario mapping
// in the file's schema: durations as Go duration strings ("250ms", "2s"),
// process_time as "20ms", {uniform: [5ms, 30ms]} or {exponential: 20ms}.
// ParseScenario reads it back into an equal Scenario (apart from Written).
func (s *Scenario) ResolvedYAML() ([]byte, error) {
	r := resolvedScenario{
		Name:           s.Name,
		Description:    s.Description,
		Tags:           s.Tags,
		Seed:           s.Seed,
		Duration:       yamlDuration(s.Duration),
		SampleInterval: yamlDuration(s.SampleInterval),
		Server:         resolvedServer{Store: s.Server.Store},
	}
	// Each broker's own settings only: a JetStream scenario has no
	// heartbeats, a NATS Streaming one no pings.
	if s.JetStream() {
		r.Broker = s.Broker
		r.Server.Ping = &resolvedPing{Interval: yamlDuration(s.Server.Ping.Interval), MaxOut: s.Server.Ping.MaxOut}
	} else {
		r.Server.Heartbeat = &resolvedHeartbeat{
			Interval:  yamlDuration(s.Server.Heartbeat.Interval),
			Timeout:   yamlDuration(s.Server.Heartbeat.Timeout),
			FailCount: s.Server.Heartbeat.FailCount,
		}
	}
	for _, p := range s.Publishers {
		r.Publishers = append(r.Publishers, resolvedPublisher(p))
	}
	for _, l := range s.Listeners {
		rl := resolvedListener{
			Group: l.Group, Channel: l.Channel, Members: l.Members, Durable: l.Durable,
			AckWait: yamlDuration(l.AckWait), MaxInflight: l.MaxInflight, Start: l.Start,
			Mode: l.Mode, CloseOnSignal: l.CloseOnSignal,
			Command: l.Command, Env: l.Env, Dir: l.Dir,
		}
		if l.Mode != ModeCommand { // a command's program decides these
			pt := yamlDist(l.ProcessTime)
			rl.ProcessTime, rl.Policy = &pt, l.Policy
		}
		if s.JetStream() {
			rl.Consumer, rl.MaxDeliver, rl.OnClose = l.Consumer, l.MaxDeliver, l.OnClose
			for _, b := range l.BackOff {
				rl.BackOff = append(rl.BackOff, yamlDuration(b))
			}
		}
		r.Listeners = append(r.Listeners, rl)
	}
	for _, f := range s.Faults {
		r.Faults = append(r.Faults, resolvedFault{
			At: yamlDuration(f.At), Member: f.Member, Death: string(f.Death),
			RestartAfter: yamlDuration(f.RestartAfter), ResumeAfter: yamlDuration(f.ResumeAfter),
		})
	}
	r.Expect = expectNode(s.Expect)
	r.Sweep = s.Sweep.node()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type resolvedScenario struct {
	Name           string              `yaml:"name"`
	Description    string              `yaml:"description,omitempty"`
	Tags           []string            `yaml:"tags,omitempty,flow"`
	Seed           int64               `yaml:"seed"`
	Duration       yamlDuration        `yaml:"duration"`
	SampleInterval yamlDuration        `yaml:"sample_interval"`
	Broker         string              `yaml:"broker,omitempty"`
	Server         resolvedServer      `yaml:"server"`
	Publishers     []resolvedPublisher `yaml:"publishers"`
	Listeners      []resolvedListener  `yaml:"listeners"`
	Faults         []resolvedFault     `yaml:"faults,omitempty"`
	Expect         *yaml.Node          `yaml:"expect,omitempty"`
	Sweep          *yaml.Node          `yaml:"sweep,omitempty"`
}

type resolvedServer struct {
	Store     string             `yaml:"store"`
	Heartbeat *resolvedHeartbeat `yaml:"heartbeat,omitempty,flow"`
	Ping      *resolvedPing      `yaml:"ping,omitempty,flow"`
}

type resolvedPing struct {
	Interval yamlDuration `yaml:"interval"`
	MaxOut   int          `yaml:"max_out"`
}

type resolvedHeartbeat struct {
	Interval  yamlDuration `yaml:"interval"`
	Timeout   yamlDuration `yaml:"timeout"`
	FailCount int          `yaml:"fail_count"`
}

type resolvedPublisher struct {
	Name    string  `yaml:"name"`
	Channel string  `yaml:"channel"`
	Count   int     `yaml:"count"`
	Rate    float64 `yaml:"rate"`
	Keys    int     `yaml:"keys"`
}

type resolvedListener struct {
	Group         string            `yaml:"group"`
	Channel       string            `yaml:"channel"`
	Members       int               `yaml:"members"`
	Durable       string            `yaml:"durable,omitempty"`
	AckWait       yamlDuration      `yaml:"ack_wait"`
	MaxInflight   int               `yaml:"max_inflight"`
	ProcessTime   *yamlDist         `yaml:"process_time,omitempty"`
	Start         string            `yaml:"start"`
	Policy        string            `yaml:"policy,omitempty"`
	Mode          string            `yaml:"mode"`
	CloseOnSignal bool              `yaml:"close_on_signal"`
	Command       []string          `yaml:"command,omitempty,flow"`
	Env           map[string]string `yaml:"env,omitempty"`
	Dir           string            `yaml:"dir,omitempty"`
	Consumer      string            `yaml:"consumer,omitempty"`
	MaxDeliver    int               `yaml:"max_deliver,omitempty"`
	BackOff       []yamlDuration    `yaml:"backoff,omitempty,flow"`
	OnClose       string            `yaml:"on_close,omitempty"`
}

type resolvedFault struct {
	At           yamlDuration `yaml:"at"`
	Member       string       `yaml:"member"`
	Death        string       `yaml:"death"`
	RestartAfter yamlDuration `yaml:"restart_after,omitempty"`
	ResumeAfter  yamlDuration `yaml:"resume_after,omitempty"`
}

// yamlDuration writes a duration as its Go string ("250ms", "1m30s").
type yamlDuration time.Duration

// MarshalYAML implements yaml.Marshaler.
func (d yamlDuration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// yamlDist writes a Dist in the schema's form.
type yamlDist Dist

// MarshalYAML implements yaml.Marshaler.
func (d yamlDist) MarshalYAML() (any, error) {
	scalar := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	flow := func(kind yaml.Kind, content ...*yaml.Node) *yaml.Node {
		return &yaml.Node{Kind: kind, Style: yaml.FlowStyle, Content: content}
	}
	switch d.Kind {
	case DistUniform:
		return flow(yaml.MappingNode, scalar(DistUniform),
			flow(yaml.SequenceNode, scalar(d.Min.String()), scalar(d.Max.String()))), nil
	case DistExponential:
		return flow(yaml.MappingNode, scalar(DistExponential), scalar(d.Mean.String())), nil
	default:
		return d.Fixed.String(), nil
	}
}

// expectNode writes expectations as the file's mapping, in their order; nil
// when there are none.
func expectNode(es []Expectation) *yaml.Node {
	if len(es) == 0 {
		return nil
	}
	scalar := func(tag, v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }
	num := func(f float64) *yaml.Node { return scalar("!!float", strconv.FormatFloat(f, 'g', -1, 64)) }
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, e := range es {
		var v *yaml.Node
		switch {
		case e.Inside:
			v = scalar("!!str", InsidePredicted)
		case e.Equal != nil:
			v = num(*e.Equal)
		default:
			v = &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
			if e.Min != nil {
				v.Content = append(v.Content, scalar("!!str", "min"), num(*e.Min))
			}
			if e.Max != nil {
				v.Content = append(v.Content, scalar("!!str", "max"), num(*e.Max))
			}
		}
		m.Content = append(m.Content, scalar("!!str", e.Path), v)
	}
	return m
}
