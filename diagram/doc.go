// Package diagram draws course diagrams from real runs: each preset runs
// one or two small scenarios (two members, about ten messages on one key)
// against the embedded NATS Streaming server, then draws every panel as a
// sequence diagram with time flowing down: lanes for the publisher, the
// channel (the server) and each member; an arrow per publish and per
// delivery labelled "#seq key vN"; processing bars ending in a done dot;
// deaths as an X, named from the death table; the time a dead member is
// still listed by the server as a shaded band; sends to a dead member
// (inferred by the analysis: it records nothing) dotted; redelivered
// copies dashed in their cause's colour; versions done out of order
// ringed; deliveries a version check skipped (neither applied nor acked)
// as a slashed ring. A legend and a caption with the measured numbers go
// under the panels; when a panel checks versions, the caption tells each
// panel's final state. Every fact drawn comes from package analyze; the diagram only
// lays it out.
//
// Make runs and draws; Redraw draws again from the kept histories. Output
// is SVG, PNG and PDF (the same bytes for the same history) and a Mermaid
// sequenceDiagram for notes.
package diagram
