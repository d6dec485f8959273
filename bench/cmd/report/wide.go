package main

import (
	"log"

	"github.com/boltwire/neo4j/bench"
)

const nullName = "database/sql over a null driver (Scan cost only)"

// wideSection times database/sql and sqlx against native on wide rows.
func (r *report) wideSection(ps pass) {
	if !r.section("wide") {
		return
	}
	ctx, e, ws, reps, canned, where := ps.ctx, ps.e, ps.ws, ps.reps, ps.canned, ps.where
	w := ws["wide"]
	r.p("\n### database/sql and sqlx on wide rows (%d rows × %d columns; ratio vs native Result.Scan into the same fields)\n\n", w.Rows, bench.WideColumns)
	log.Printf("[%s] wide: verifying", where)
	want, err := r.verify(ctx, e, w, canned, true)
	if err != nil {
		r.p("WRONG ANSWER: %s\n", shorten(err.Error()))
	} else {
		log.Printf("[%s] wide: timing", where)
		nullDB, err := bench.OpenNullSQL(w)
		if err != nil {
			r.p("null driver: %s\n", shorten(err.Error()))
			return
		}
		defer nullDB.Close()
		st := bench.Interleave([]bench.Subject{
			{Name: "official (Record.Values)", Run: stream(ctx, e, w, bench.StreamOfficial), Want: want},
			{Name: "native (Record.Values)", Run: stream(ctx, e, w, bench.StreamBoltwire), Want: want},
			{Name: "native (Result.Scan)", Run: stream(ctx, e, w, bench.WideNativeScan), Want: want},
			{Name: "database/sql (Rows.Scan)", Run: stream(ctx, e, w, bench.WideSQL), Want: want},
			{Name: "sqlx (StructScan)", Run: stream(ctx, e, w, bench.WideSQLX), Want: want},
			{Name: "floor", Run: stream(ctx, e, w, bench.StreamFloor), Want: want},
			{Name: nullName, Run: func() (bench.Outcome, error) { return bench.WideSQLNull(ctx, nullDB, w) }, Want: want},
		}, reps)
		base := st["native (Result.Scan)"]
		r.p("| subject | rows/s | ÷ native Scan (paired) | allocs/row | B/row |\n|---|---|---|---|---|\n")
		for _, n := range []string{"official (Record.Values)", "native (Record.Values)", "native (Result.Scan)", "database/sql (Rows.Scan)", "sqlx (StructScan)", "floor", nullName} {
			s := st[n]
			r.p("| %s | %s | %s (%s) | %s | %s |\n", n, rate(s), fx(ratio(s, base)), fx(bench.PairedRatio(s, base)), f1(s.AllocsPer()), f1(s.BytesPer()))
		}
		// database/sql's own cost per row (the null driver) is paid on top of
		// whatever the driver costs. A driver that decoded as native does
		// (a value slice per record) could reach at most native ÷ (native +
		// null); sqldriver decodes into one reused slice, like the floor, so
		// its bound is native ÷ (floor + null).
		nativeRate, nullRate, floorRate := base.Median(), st[nullName].Median(), st["floor"].Median()
		if st[nullName].Err == nil && st["floor"].Err == nil && nativeRate > 0 && nullRate > 0 && floorRate > 0 {
			nat, null, floor := 1e9/nativeRate, 1e9/nullRate, 1e9/floorRate
			r.p("\ndatabase/sql's own Rows.Next + Scan over a driver that does no work (%s rows/s) costs %.0f ns a row; native Result.Scan %.0f ns, "+
				"the floor (decoding alone) %.0f ns. Through database/sql a driver decoding as native does (a value slice per record) would reach at most **%s** of native Scan, "+
				"one decoding at the floor's cost (sqldriver decodes into one reused slice) at most **%s**.\n",
				rate(st[nullName]), null, nat, floor, fx(nat/(nat+null)), fx(nat/(floor+null)))
		}
		if canned {
			q := ratio(st["database/sql (Rows.Scan)"], base)
			r.target("database/sql on wide rows vs native", "≥ 0.8×", fx(q), q >= 0.8)
			q = ratio(st["sqlx (StructScan)"], base)
			r.target("sqlx on wide rows vs native", "≥ 0.8× (same goal)", fx(q), q >= 0.8)
		}
	}
}
