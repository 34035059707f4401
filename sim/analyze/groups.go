package analyze

import "slices"

// GroupSummary is one queue group's figures in summary.json (`groups`):
// the same fields as the top level, over the messages published on the
// group's channel, with processed + lost = published.
type GroupSummary struct {
	Channel string `json:"channel"`
	Figures
}

// Groups lists the queue groups: the scenario's in file order, then any
// the history shows that the settings do not name.
func (a *Analysis) Groups() []string {
	if a.groups != nil {
		return slices.Clone(a.groups)
	}
	return a.listGroups()
}

func (a *Analysis) listGroups() []string {
	gs := append([]string(nil), a.Settings.Order...)
	add := func(g string) {
		if g != "" && !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	for _, mb := range a.Members {
		add(mb.Group)
	}
	for m := range a.All() {
		for _, d := range m.Deliveries {
			add(d.Group)
		}
		for _, d := range m.Dones {
			add(d.Group)
		}
	}
	return gs
}

// channelOf is the channel group g reads: from the settings, else from the
// first message the history shows it handling.
func (a *Analysis) channelOf(g string) string {
	if gs, ok := a.Settings.Groups[g]; ok {
		return gs.Channel
	}
	for m := range a.All() {
		for _, d := range m.Deliveries {
			if d.Group == g {
				return m.Channel
			}
		}
		for _, d := range m.Dones {
			if d.Group == g {
				return m.Channel
			}
		}
	}
	return ""
}

// readers lists the groups that read channel.
func (a *Analysis) readers(channel string) []string {
	if a.readersOf == nil {
		a.readersOf = map[string][]string{}
		for _, g := range a.Groups() {
			c := a.channelOf(g)
			a.readersOf[c] = append(a.readersOf[c], g)
		}
	}
	return a.readersOf[channel]
}

// Readers lists the queue groups that read channel, in Groups order.
func (a *Analysis) Readers(channel string) []string { return a.readers(channel) }

// FirstDoneIn returns m's first done in group g, or nil.
func (m *Message) FirstDoneIn(g string) *Done {
	for i := range m.Dones {
		if m.Dones[i].Group == g {
			return &m.Dones[i]
		}
	}
	return nil
}

// DoneCount is how many times group g finished m.
func (m *Message) DoneCount(g string) int {
	n := 0
	for i := range m.Dones {
		if m.Dones[i].Group == g {
			n++
		}
	}
	return n
}

// ProcessedByAll reports whether every group that reads m's channel has
// done m (false when no group reads it).
func (a *Analysis) ProcessedByAll(m *Message) bool {
	rs := a.readers(m.Channel)
	for _, g := range rs {
		if m.FirstDoneIn(g) == nil {
			return false
		}
	}
	return len(rs) > 0
}

// summarise computes summary.json: per group, then the top level over all
// groups (ARCHITECTURE.md, "One analysis": processed = done by every group
// that reads the channel, lost = not done by some such group, sums elsewhere).
func (a *Analysis) summarise() {
	s := &a.Summary
	if st := a.Log.Start; st != nil {
		s.Scenario, s.Broker = st.Scenario, st.Versions["broker"]
	}
	s.Reason = a.Log.Reason()
	s.Truncated = a.Log.Truncated
	if a.Log.End != nil {
		s.DurationMs = Ms(a.Log.End.T)
	} else {
		s.DurationMs = Ms(a.End)
	}
	var perGroup map[string]OutOfOrder
	s.OutOfOrder, perGroup, a.Inversions = a.outOfOrder()
	s.Groups = map[string]*GroupSummary{}
	s.FinalState.Wrong = []WrongKey{}
	for _, g := range a.Groups() {
		gs := a.groupSummary(g)
		gs.OutOfOrder = perGroup[g]
		gs.FinalState = a.finalState(g, gs.Channel)
		s.Groups[g] = gs
		s.Duplicates += gs.Duplicates
		s.Skips += gs.Skips
		s.FinalState.add(gs.FinalState)
	}
	e2e, redeliv := make([]float64, 0, a.NumMessages()), []float64(nil)
	for m := range a.All() {
		if m.AckErr != "" {
			s.PublishErrors++
		}
		if !m.Acked {
			continue
		}
		s.Published++
		if !a.ProcessedByAll(m) {
			s.Lost++
			continue
		}
		s.Processed++
		first := m.FirstDone()
		e2e = append(e2e, Ms(first.T-m.PublishT))
		if first.Delivery >= 0 && m.Deliveries[first.Delivery].Redelivered {
			redeliv = append(redeliv, Ms(m.Deliveries[first.Delivery].T-m.PublishT))
		}
	}
	s.EndToEndMs = quantilesOf(e2e)
	s.RedeliveryDelayMs = quantilesOf(redeliv)
	s.ZombieWindows = []ZombieWindow{}
	for _, d := range a.Deaths {
		z := ZombieWindow{Member: d.Member, Death: string(d.Kind), AtMs: Ms(d.T)}
		if d.Removed >= 0 {
			z.Ms = ptr(Ms(d.Removed - d.T))
		}
		if p := d.Predicted; p != nil {
			z.PredictedMs = &Bounds{Min: Ms(int64(p.Min)), Max: Ms(int64(p.Max))}
		}
		s.ZombieWindows = append(s.ZombieWindows, z)
	}
}

// groupSummary computes one group's figures (all but out_of_order).
func (a *Analysis) groupSummary(g string) *GroupSummary {
	gs := &GroupSummary{Channel: a.channelOf(g)}
	e2e, redeliv := make([]float64, 0, a.NumMessages()), []float64(nil)
	for m := range a.All() {
		for _, d := range m.Deliveries {
			if d.Group == g {
				gs.Delivered++
				if d.Redelivered {
					gs.Redelivered++
				}
			}
		}
		for _, sk := range m.Skips {
			if sk.Group == g {
				gs.Skips++
			}
		}
		if !m.Acked || m.Channel != gs.Channel {
			continue
		}
		gs.Published++
		first := m.FirstDoneIn(g)
		if first == nil {
			gs.Lost++
			continue
		}
		gs.Processed++
		if m.DoneCount(g) > 1 {
			gs.Duplicates++
		}
		e2e = append(e2e, Ms(first.T-m.PublishT))
		if first.Delivery >= 0 && m.Deliveries[first.Delivery].Redelivered {
			redeliv = append(redeliv, Ms(m.Deliveries[first.Delivery].T-m.PublishT))
		}
	}
	gs.EndToEndMs = quantilesOf(e2e)
	gs.RedeliveryDelayMs = quantilesOf(redeliv)
	return gs
}
