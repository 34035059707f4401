package batch

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/stansim/stansim/sim/analyze"
)

// WriteTable prints the batch's main figures, one row per scenario.
func WriteTable(w io.Writer, outs []Outcome) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treason\tpublished\tprocessed\tlost\tdup\tredelivered\tinversions\tredeliv p50 ms\tend-to-end p99 ms\tzombie ms\t")
	for _, o := range outs {
		s := o.Summary
		if s == nil {
			reason := o.Reason
			if reason == "" {
				reason = "failed"
			}
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t\t\t\t\t\t\t\n", o.Scenario.Name, reason)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n",
			o.Scenario.Name, s.Reason, s.Published, s.Processed, s.Lost, s.Duplicates, s.Redelivered,
			s.OutOfOrder.Inversions, quant(s.RedeliveryDelayMs.P50), quant(s.EndToEndMs.P99), zombies(s.ZombieWindows))
	}
	return tw.Flush()
}

func quant(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f", *p)
}

func zombies(zs []analyze.ZombieWindow) string {
	if len(zs) == 0 {
		return "-"
	}
	parts := make([]string, len(zs))
	for i, z := range zs {
		if z.Ms == nil {
			parts[i] = "listed at end"
		} else {
			parts[i] = fmt.Sprintf("%.0f", *z.Ms)
		}
	}
	return strings.Join(parts, ",")
}
