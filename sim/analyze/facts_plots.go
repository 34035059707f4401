package analyze

// Resumed reports whether d's member came back in the same connection (a
// hang thawed, as by SIGCONT) rather than restarting with a new client:
// d.Restart is then a resume. False when the member never came back.
func (a *Analysis) Resumed(d *Death) bool {
	if d.Restart < 0 || d.Client == "" {
		return false
	}
	if mb := a.Member(d.Member); mb != nil {
		for _, s := range mb.Spans {
			if s.Up == d.Restart {
				return s.Client == d.Client
			}
		}
	}
	return false
}
