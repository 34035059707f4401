package batch

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress shows running scenarios: one live bar each on a terminal, plain
// start and end lines otherwise (CI logs, pipes).
type progress struct {
	w  io.Writer
	mu sync.Mutex // plain lines
	pb *mpb.Progress
	t0 time.Time
}

func newProgress(w io.Writer, terminal bool) *progress {
	p := &progress{w: w, t0: time.Now()}
	if terminal {
		p.pb = mpb.New(mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithRefreshRate(150*time.Millisecond))
	}
	return p
}

// scenarioBar is one running scenario's display.
type scenarioBar struct {
	p      *progress
	name   string
	bar    *mpb.Bar
	status atomic.Value // string, shown once finished
}

func (p *progress) start(name string, total int, limit time.Duration) *scenarioBar {
	b := &scenarioBar{p: p, name: name}
	b.status.Store("")
	if p.pb == nil {
		p.line("%-24s started (%d messages, at most %s)", name, total, limit)
		return b
	}
	b.bar = p.pb.AddBar(int64(max(total, 1)),
		mpb.PrependDecorators(decor.Name(name, decor.WC{W: 24, C: decor.DindentRight})),
		mpb.AppendDecorators(
			decor.CountersNoUnit("%d/%d done", decor.WC{W: 14}),
			decor.Any(func(decor.Statistics) string { return "  " + b.status.Load().(string) }),
		),
	)
	return b
}

func (b *scenarioBar) update(published, done int) {
	if b.bar != nil {
		b.bar.SetCurrent(int64(done))
	}
}

func (b *scenarioBar) finish(status string) {
	if b.bar == nil {
		b.p.line("%-24s %s", b.name, status)
		return
	}
	b.status.Store(status)
	b.bar.SetTotal(-1, true)
}

func (p *progress) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%5.1fs] "+format+"\n", append([]any{time.Since(p.t0).Seconds()}, args...)...)
}

func (p *progress) close() {
	if p.pb != nil {
		p.pb.Wait()
	}
}
