package native

import "fmt"

// Record is one row of a result: the column names (shared by all records of a
// result; do not modify) and the values, in the same order.
type Record struct {
	Values []any    // the values, one per key
	Keys   []string // the column names
}

// Get returns the value of the column named key, and whether the column exists.
func (r *Record) Get(key string) (any, bool) {
	for i, k := range r.Keys {
		if k == key {
			if i < len(r.Values) {
				return r.Values[i], true
			}
			return nil, false
		}
	}
	return nil, false
}

// AsMap returns the record as a map from column name to value.
func (r *Record) AsMap() map[string]any {
	m := make(map[string]any, len(r.Keys))
	for i, k := range r.Keys {
		if i < len(r.Values) {
			m[k] = r.Values[i]
		}
	}
	return m
}

// Scan copies the record's values, in column order, into dest, which must hold
// one pointer per column (or fewer: extra columns are skipped). See
// Result.Scan for the conversions performed. A nil entry in dest skips that
// column.
func (r *Record) Scan(dest ...any) error {
	if len(dest) > len(r.Values) {
		return usageErrorf("Scan: %d destinations for %d columns", len(dest), len(r.Values))
	}
	for i, d := range dest {
		if d == nil {
			continue
		}
		if err := assignValue(d, r.Values[i]); err != nil {
			return fmt.Errorf("Scan: column %d (%q): %w", i, r.key(i), err)
		}
	}
	return nil
}

func (r *Record) key(i int) string {
	if i < len(r.Keys) {
		return r.Keys[i]
	}
	return ""
}
