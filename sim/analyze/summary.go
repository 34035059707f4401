// Package analyze turns a history into the numbers and records every later
// stage draws from. It is a pure function of the history: the same file gives
// the same Analysis, byte for byte once encoded.
package analyze

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/stansim/stansim/outfile"
)

// SummaryFile is summary.json's name inside a scenario folder.
const SummaryFile = "summary.json"

// Summary is summary.json. Field names are a contract that outside checks
// rely on (README.md, "summary.json"): extend them, never rename them.
type Summary struct {
	Scenario string `json:"scenario"`
	Reason   string `json:"reason"`
	// Broker is the broker that ran, as run_start names it
	// ("nats-streaming" or "jetstream"); "" for a history without it.
	Broker string `json:"broker,omitempty"`

	Figures
	ZombieWindows []ZombieWindow `json:"zombie_windows"`
	// Groups holds each queue group's own figures, by group name.
	Groups map[string]*GroupSummary `json:"groups"`
	// Expectations are the scenario's `expect:` entries, checked.
	Expectations []ExpectationResult `json:"expectations,omitempty"`

	// Extensions beyond the contract.
	PublishErrors int     `json:"publish_errors"`
	AckErrors     int     `json:"ack_errors"`
	DurationMs    float64 `json:"duration_ms"`
	Truncated     bool    `json:"truncated,omitempty"`
	// ProgramProblems counts what member programs did wrong (exited by
	// themselves, printed lines that are not protocol lines, reported no
	// delivery of what the server sent them); the report names each.
	ProgramProblems int `json:"program_problems"`
}

// Figures are the counts and timings summary.json holds at the top level
// and for each queue group.
type Figures struct {
	Published   int `json:"published"`
	Delivered   int `json:"delivered"`
	Redelivered int `json:"redelivered"`
	Processed   int `json:"processed"`
	Duplicates  int `json:"duplicates"`
	Lost        int `json:"lost"`

	OutOfOrder        OutOfOrder `json:"out_of_order"`
	RedeliveryDelayMs Quantiles  `json:"redelivery_delay_ms"`
	EndToEndMs        Quantiles  `json:"end_to_end_ms"`

	// Skips counts skip lines: deliveries a version-check member neither
	// applied nor acked.
	Skips int `json:"skips"`
	// FinalState is what the group's state (the top level: every group's)
	// holds at the end.
	FinalState FinalState `json:"final_state"`
}

// OutOfOrder measures reordering over the first done of each id, per key
// (and per group when several groups read one channel).
type OutOfOrder struct {
	Inversions      int `json:"inversions"`
	KeysAffected    int `json:"keys_affected"`
	MaxDisplacement int `json:"max_displacement"`
}

// Quantiles are nearest-rank percentiles in milliseconds; nil when Count is 0.
type Quantiles struct {
	Count int      `json:"count"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P99   *float64 `json:"p99"`
	Max   *float64 `json:"max"`
}

// ZombieWindow is how long the server kept listing a member after its death.
type ZombieWindow struct {
	Member string   `json:"member"`
	Death  string   `json:"death"`
	AtMs   float64  `json:"at_ms"`
	Ms     *float64 `json:"ms"`
	// PredictedMs is the death table's window for the run's settings; nil
	// when the history does not carry them.
	PredictedMs *Bounds `json:"predicted_ms"`
}

// Bounds is a predicted range in milliseconds.
type Bounds struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// NewQuantiles computes nearest-rank p50/p90/p99/max of values in ms.
func NewQuantiles(ms []float64) Quantiles {
	return quantilesOf(append([]float64(nil), ms...))
}

// quantilesOf is NewQuantiles of values it may reorder (it sorts them).
func quantilesOf(s []float64) Quantiles {
	q := Quantiles{Count: len(s)}
	if len(s) == 0 {
		return q
	}
	slices.Sort(s)
	q.P50 = ptr(Percentile(s, 50))
	q.P90 = ptr(Percentile(s, 90))
	q.P99 = ptr(Percentile(s, 99))
	q.Max = ptr(s[len(s)-1])
	return q
}

// Percentile is the nearest-rank percentile of sorted values.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	// p·n/100, not p/100·n: p/100 is inexact (0.07·100 = 7.000000000000001).
	rank := int(math.Ceil(p * float64(len(sorted)) / 100))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

func ptr(f float64) *float64 { return &f }

// Ms converts run nanoseconds to milliseconds, rounded to the microsecond.
func Ms(ns int64) float64 { return math.Round(float64(ns)/1e3) / 1e3 }

// WriteFile writes the summary as indented JSON, atomically.
func (s *Summary) WriteFile(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return outfile.Write(path, append(b, '\n'))
}
