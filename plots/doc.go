// Package plots draws a scenario's charts from its analysis, with
// gonum.org/v1/plot in pure Go: SVG and PNG, PDF on request.
//
// Registry (write.go) is the one list of charts: their names, titles, a
// sentence each for reports, and the functions that draw them. Draw, Chart,
// Charts, Lookup, the reports and the tests all read it; a new chart is one
// entry there. The charts, in display order:
//
//   - timeline: swimlanes per publisher, channel and member; publish ->
//     server -> member arrows, done dots, deaths, restarts, zombie windows,
//     dashed redeliveries labelled "#seq key@ver", out-of-order dones ringed.
//   - delays: redelivery delay histogram and CDF by cause, with AckWait and,
//     for each kind of death in the run, its predicted removal window as
//     references.
//   - order: done rank against publish order, inversions highlighted.
//   - server-view: subscriptions the server lists against members alive,
//     and each subscription's pending count.
//   - throughput: publish and done rates, latency quantiles, faults.
//
// Every chart is a pure function of the analysis (itself a pure function
// of history.jsonl): output bytes are the same for the same history. The
// charts draw what package analyze derived (redelivery causes, who held a
// message, late dones, predicted removals) and derive no fact themselves;
// every word and colour for a death comes from the death table (package
// death, through DeathColor). All colours come from Palette (Okabe–Ito);
// text is Liberation Sans, with a generic sans-serif fallback named in SVG.
// Legends sit below the panels, and labels are thinned so that none
// overlaps another.
package plots
