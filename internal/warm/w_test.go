package warm

import (
	"testing"

	_ "github.com/nats-io/nats-streaming-server/server"
	_ "github.com/nats-io/stan.go"
	_ "gonum.org/v1/plot/vg/vgimg"
	_ "gonum.org/v1/plot/vg/vgsvg"
	_ "gonum.org/v1/plot/vg/vgpdf"
	_ "gonum.org/v1/plot/plotter"
	_ "go.yaml.in/yaml/v3"
	_ "go.uber.org/goleak"
	_ "github.com/chromedp/chromedp"
	_ "github.com/vbauerster/mpb/v8"
)

func TestW(t *testing.T) {}
