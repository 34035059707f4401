package report

import (
	"encoding/csv"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// batchDir writes the four fixtures as a batch (each in its own folder,
// forced-kill and clean with charts, one scenario in a nested folder) and
// the batch's index and CSV; it returns the entries.
func batchDir(t *testing.T, dir string) []Entry {
	t.Helper()
	var entries []Entry
	for _, n := range []struct{ name, dir string }{
		{"forced-kill", "forced-kill"}, {"clean", "clean"}, {"interrupted", "more/interrupted"}, {"slow-member", "slow member"},
	} {
		var charts []string
		if n.name == "forced-kill" || n.name == "clean" {
			charts = []string{"timeline", "server-view"}
		}
		a := scenarioDir(t, filepath.Join(dir, filepath.FromSlash(n.dir)), n.name, charts...)
		entries = append(entries, Entry{Name: n.name, Dir: n.dir, Description: description(a), Summary: a.Summary})
	}
	must(t, Batch(dir, entries))
	return entries
}

func TestCSV(t *testing.T) {
	dir := t.TempDir()
	entries := batchDir(t, dir)
	f, err := os.Open(filepath.Join(dir, CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(entries)+1 {
		t.Fatalf("%d rows, want a header and %d", len(rows), len(entries))
	}
	want := []string{"name", "description", "scenario", "reason", "broker", "published", "delivered", "redelivered", "processed", "duplicates", "lost",
		"out_of_order.inversions", "out_of_order.keys_affected", "out_of_order.max_displacement",
		"redelivery_delay_ms.count", "redelivery_delay_ms.p50", "redelivery_delay_ms.p90", "redelivery_delay_ms.p99", "redelivery_delay_ms.max",
		"end_to_end_ms.count", "end_to_end_ms.p50", "end_to_end_ms.p90", "end_to_end_ms.p99", "end_to_end_ms.max", "skips", "final_state.keys", "final_state.wrong_keys", "final_state.wrong",
		"zombie_windows.count", "zombie_windows.max_ms", "zombie_windows.list",
		"expectations", "publish_errors", "ack_errors", "duration_ms", "truncated", "program_problems", "group"}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("header:\n got %q\nwant %q", rows[0], want)
	}
	col := func(row []string, name string) string { return row[slices.Index(want, name)] }
	for i, e := range entries {
		if r := rows[i+1]; len(r) != len(want) || col(r, "name") != e.Name {
			t.Errorf("row %d: %q", i+1, r)
		}
	}
	fk, clean, intr := rows[1], rows[2], rows[3]
	for _, c := range []struct {
		row         []string
		field, want string
	}{
		{fk, "published", "40"}, {fk, "redelivered", "2"}, {fk, "out_of_order.inversions", "6"}, {fk, "out_of_order.keys_affected", "2"},
		{fk, "redelivery_delay_ms.count", "2"}, {fk, "redelivery_delay_ms.p50", "751"}, {fk, "redelivery_delay_ms.p99", "850"},
		{fk, "zombie_windows.count", "1"}, {fk, "zombie_windows.max_ms", "740"}, {fk, "zombie_windows.list", "orders-1 forced at 1210 ms: 740 ms"},
		{fk, "reason", "done"}, {fk, "truncated", "false"},
		{clean, "description", "Two members, no faults. <script>alert(1)</script> | pipes & *stars*"},
		{clean, "redelivery_delay_ms.p50", ""}, {clean, "zombie_windows.count", "0"}, {clean, "zombie_windows.max_ms", ""},
		{intr, "reason", "interrupted"}, {intr, "lost", "2"}, {intr, "truncated", "true"},
	} {
		if got := col(c.row, c.field); got != c.want {
			t.Errorf("%s %s = %q, want %q", col(c.row, "name"), c.field, got, c.want)
		}
	}
}

func TestIndexLinksResolve(t *testing.T) {
	dir := t.TempDir()
	batchDir(t, dir)
	html := read(t, filepath.Join(dir, IndexFile))
	refs := regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(html, -1)
	var reports, images int
	for _, m := range refs {
		ref := strings.ReplaceAll(m[1], "&amp;", "&")
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
			t.Errorf("%q is not a relative link", ref)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(u.Path))); err != nil {
			t.Errorf("%q does not resolve: %v", ref, err)
		}
		switch {
		case strings.HasSuffix(u.Path, "/report.html"):
			reports++
		case strings.HasSuffix(u.Path, ".svg"):
			images++
		}
	}
	if reports < 4 || images != 4 {
		t.Errorf("%d report links and %d thumbnails, want every scenario linked and 4 thumbnails", reports, images)
	}
	for _, want := range []string{
		`<a href="slow%20member/report.html">slow-member</a>`,
		`<a href="more/interrupted/report.html">interrupted</a>`,
		`<span class="badge alert">interrupted</span>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<div class="nochart">No timeline chart.</div>`,
		`orders-1 (forced at 1.21 s): 740 ms`,
		`4 scenarios; 3 with anomalies`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("index.html contains a <script> element")
	}
}
