package diagram

import (
	"fmt"

	"github.com/stansim/stansim/sim/analyze"
)

// orderToken is one version in a "done order" row.
type orderToken struct {
	text string
	late bool
}

// orderRows are the "done order" rows under the panel: for each key (at
// most two) that was done out of order, the versions in the order they
// were first done, the late ones highlighted.
func (pd *panelDraw) orderRows() [][]orderToken {
	late := map[*analyze.Message]bool{}
	for _, d := range pd.pv.Dones {
		if len(d.After) > 0 {
			late[d.Msg.M] = true
		}
	}
	if len(late) == 0 {
		return nil
	}
	var keys []string
	byKey := map[string][]orderToken{}
	lateKey := map[string]bool{}
	seen := map[*analyze.Message]bool{}
	for _, d := range pd.pv.Dones {
		m := d.Msg.M
		if seen[m] {
			continue
		}
		seen[m] = true
		if _, ok := byKey[m.Key]; !ok {
			keys = append(keys, m.Key)
		}
		byKey[m.Key] = append(byKey[m.Key], orderToken{text: fmt.Sprintf("v%d", m.Ver), late: late[m]})
		lateKey[m.Key] = lateKey[m.Key] || late[m]
	}
	var rows [][]orderToken
	for _, k := range keys {
		if !lateKey[k] || len(rows) == 2 {
			continue
		}
		head := "done order:"
		if pd.pv.MultiKey {
			head = "done order of " + shortKey(k, pd.pv.Msgs[0].M.Pub) + ":"
		}
		rows = append(rows, append([]orderToken{{text: head}}, byKey[k]...))
	}
	return rows
}

// orderFooter draws the "done order" rows under the time axis.
func (pd *panelDraw) orderFooter() {
	y := pd.bottom + 14
	for _, row := range pd.orderRows() {
		x := pd.x0 + axisW - 6
		yy := y
		for i, tk := range row {
			sty := styNote
			if i == 0 {
				sty.Color = colSubtle
			}
			if tk.late {
				sty = styLate
			}
			w := sty.width(tk.text)
			xx := x
			pd.add(func(p *painter) {
				if tk.late {
					p.rectOutline(lineStyle(colLate, 1.6), rect{xx - 3, yy - 1, xx + w + 3, yy + sty.lineHeight() + 1})
				}
				p.text(sty, xx, yy, 0, tk.text)
			})
			x += w + 12
		}
		y += styNote.lineHeight() + 8
	}
}
