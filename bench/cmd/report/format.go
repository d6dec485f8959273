package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/boltwire/neo4j/bench"
)

// Number formatting and ratios.

func human(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f k", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func rate(st *bench.Stat) string {
	if st == nil {
		return "—"
	}
	if st.Err != nil {
		return "FAILED: " + shorten(st.Err.Error())
	}
	lo, hi := st.Spread()
	return fmt.Sprintf("%s [%s–%s]", human(st.Median()), human(lo), human(hi))
}

func shorten(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func ratio(a, b *bench.Stat) float64 {
	if a == nil || b == nil || a.Err != nil || b.Err != nil {
		return math.NaN()
	}
	return a.Median() / b.Median()
}

func fx(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", v)
}

func f1(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
