package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stansim/stansim/sim/analyze"
)

// secs formats run nanoseconds as seconds, "1.21 s".
func secs(ns int64) string { return fmt.Sprintf("%.2f s", float64(ns)/1e9) }

// short names a message briefly once it has been introduced: "#17".
func short(m *analyze.Message) string {
	if m.Seq > 0 {
		return fmt.Sprintf("#%d", m.Seq)
	}
	return m.ID
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func msgList(ms []*analyze.Message, limit int) string {
	var s []string
	for i, m := range ms {
		if i == limit {
			s = append(s, fmt.Sprintf("and %d more", len(ms)-limit))
			break
		}
		s = append(s, m.String())
	}
	return strings.Join(s, ", ")
}

// count says "1 message", "3 messages".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %s", n, plural(noun))
}

func plural(noun string) string {
	switch {
	case strings.HasSuffix(noun, "s"):
		return noun + "es"
	case strings.HasSuffix(noun, "y") && !strings.ContainsAny(noun[len(noun)-2:len(noun)-1], "aeiou"):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}

func joinAnd(list []string) string {
	if len(list) <= 1 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

func itoa(n int) string { return strconv.Itoa(n) }

func ifZero(n int, zero, other string) string {
	if n == 0 {
		return zero
	}
	return other
}

// wereCount says "1 message was", "3 messages were".
func wereCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun + " was"
	}
	return count(n, noun) + " were"
}

func atLeast(n int, lower bool) string {
	if lower {
		return "At least " + itoa(n)
	}
	return itoa(n)
}

// msText formats milliseconds for reading: "0.4 ms", "25 ms", "2.05 s".
func msText(f float64) string {
	switch {
	case f < 10:
		return strconv.FormatFloat(f, 'f', 1, 64) + " ms"
	case f < 1000:
		return strconv.FormatFloat(f, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(f/1000, 'f', 2, 64) + " s"
}

func qText(p *float64) string {
	if p == nil {
		return "–"
	}
	return msText(*p)
}

func durText(d time.Duration) string { return msText(float64(d) / 1e6) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
