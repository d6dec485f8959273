package boltstub

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Matcher checks one received value. Put one anywhere in an expected field
// (also inside dictionaries and lists).
type Matcher interface {
	// Match returns nil when got is acceptable, else what is wrong.
	Match(got any) error
	// String describes what is accepted, for failure messages.
	String() string
}

type anyMatcher struct{}

// Match implements Matcher.
func (anyMatcher) Match(any) error { return nil }

// String implements Matcher.
func (anyMatcher) String() string { return "*" }

// Any matches every value.
var Any Matcher = anyMatcher{}

type absentMatcher struct{}

// Match implements Matcher.
func (absentMatcher) Match(got any) error {
	return fmt.Errorf("want the key absent, got %s", render(got))
}

// String implements Matcher.
func (absentMatcher) String() string { return "<absent>" }

// Absent, as a dictionary value, requires the key to be missing.
var Absent Matcher = absentMatcher{}

type nullMatcher struct{}

// Match implements Matcher.
func (nullMatcher) Match(got any) error {
	if got == nil {
		return nil
	}
	return fmt.Errorf("want null, got %s", render(got))
}

// String implements Matcher.
func (nullMatcher) String() string { return "null" }

// Null matches only null. (A nil expected field means "anything"; use Null
// to require null there.)
var Null Matcher = nullMatcher{}

type funcMatcher struct {
	desc string
	fn   func(any) bool
}

// Match implements Matcher.
func (f funcMatcher) Match(got any) error {
	if f.fn(got) {
		return nil
	}
	return fmt.Errorf("want %s, got %s", f.desc, render(got))
}

// String implements Matcher.
func (f funcMatcher) String() string { return f.desc }

// Func matches the values fn accepts; desc describes them in failure messages.
func Func(desc string, fn func(got any) bool) Matcher { return funcMatcher{desc, fn} }

// partial matches a dictionary holding at least the given keys.
type partial struct{ want map[string]any }

// Partial matches a dictionary that has at least the given entries (extra keys
// are allowed); Absent values require a key to be missing.
func Partial(want M) Matcher { return partial{normalize(want).(map[string]any)} }

// String implements Matcher.
func (p partial) String() string { return "partial" + render(p.want) }

// Match implements Matcher.
func (p partial) Match(got any) error {
	g, ok := got.(map[string]any)
	if !ok {
		return fmt.Errorf("want a dictionary, got %s", render(got))
	}
	return matchKeys(p.want, g, false)
}

// matchValue compares a normalised expectation with a received value.
func matchValue(want, got any) error {
	switch w := want.(type) {
	case Matcher:
		return w.Match(got)
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("want %s, got %s", render(want), render(got))
		}
		return matchKeys(w, g, true)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("want %s, got %s", render(want), render(got))
		}
		for i := range w {
			if err := matchValue(w[i], g[i]); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Errorf("want %s, got %s", render(want), render(got))
	}
	return nil
}

// matchKeys compares dictionaries; exact also rejects keys not in want.
func matchKeys(want, got map[string]any, exact bool) error {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := want[k]
		g, present := got[k]
		if w == Absent {
			if present {
				return fmt.Errorf("key %q: want it absent, got %s", k, render(g))
			}
			continue
		}
		if !present {
			return fmt.Errorf("key %q missing (want %s)", k, render(w))
		}
		if err := matchValue(w, g); err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
	}
	if exact {
		var extra []string
		for k := range got {
			if _, ok := want[k]; !ok {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			return fmt.Errorf("unexpected keys %s in %s", strings.Join(extra, ", "), render(got))
		}
	}
	return nil
}

// normalize converts an expectation into the types the decoder produces:
// integers to int64, float32 to float64, slices and arrays (not []byte) to
// []any, string-keyed maps to map[string]any. Matchers stay as they are.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, Matcher, string, bool, int64, float64, []byte:
		return v
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			out := make(map[string]any, rv.Len())
			it := rv.MapRange()
			for it.Next() {
				out[it.Key().String()] = normalize(it.Value().Interface())
			}
			return out
		}
	}
	return v
}

// Expectation is a client message a script expects: a signature and, per
// field, the expected value (nil = anything).
type Expectation struct {
	Sig    byte  // the expected message signature, e.g. SigRun
	Fields []any // expected values per field; nil entries match anything
}

// Expect builds an expectation for any signature; fields are compared after
// normalisation (nil = any value).
func Expect(sig byte, fields ...any) Expectation {
	out := Expectation{Sig: sig, Fields: make([]any, len(fields))}
	for i, f := range fields {
		if f == nil {
			out.Fields[i] = Any
		} else {
			out.Fields[i] = normalize(f)
		}
	}
	return out
}

// Match reports why m does not satisfy e (nil if it does).
func (e Expectation) Match(m Message) error {
	if m.Sig != e.Sig {
		return fmt.Errorf("want %s, got %s", MessageName(e.Sig), m.Name)
	}
	if len(m.Fields) != len(e.Fields) {
		return fmt.Errorf("%s: want %d fields, got %d", m.Name, len(e.Fields), len(m.Fields))
	}
	for i, w := range e.Fields {
		if err := matchValue(w, m.Fields[i]); err != nil {
			return fmt.Errorf("%s field %d: %w", m.Name, i, err)
		}
	}
	return nil
}

// String renders the expectation like a Message.
func (e Expectation) String() string {
	return Message{Sig: e.Sig, Name: MessageName(e.Sig), Fields: e.Fields}.String()
}

// Hello expects HELLO with the given extra (nil = any; use Partial to check
// some keys and ignore user_agent, bolt_agent and the like).
func Hello(extra any) Expectation { return Expect(SigHello, extra) }

// Logon expects LOGON with the given auth dictionary (nil = any).
func Logon(auth any) Expectation { return Expect(SigLogon, auth) }

// Logoff expects LOGOFF.
func Logoff() Expectation { return Expect(SigLogoff) }

// Run expects RUN; nil params or extra match anything.
func Run(query any, params, extra any) Expectation { return Expect(SigRun, query, params, extra) }

// Pull expects PULL with the given extra ({n, qid}; nil = any).
func Pull(extra any) Expectation { return Expect(SigPull, extra) }

// Discard expects DISCARD with the given extra (nil = any).
func Discard(extra any) Expectation { return Expect(SigDiscard, extra) }

// Begin expects BEGIN with the given extra (nil = any).
func Begin(extra any) Expectation { return Expect(SigBegin, extra) }

// Commit expects COMMIT.
func Commit() Expectation { return Expect(SigCommit) }

// Rollback expects ROLLBACK.
func Rollback() Expectation { return Expect(SigRollback) }

// Reset expects RESET.
func Reset() Expectation { return Expect(SigReset) }

// Goodbye expects GOODBYE.
func Goodbye() Expectation { return Expect(SigGoodbye) }

// Telemetry expects TELEMETRY with the given api (nil = any).
func Telemetry(api any) Expectation { return Expect(SigTelemetry, api) }

// Route expects ROUTE (Bolt 4.4+ layout): routing context, bookmarks, extra
// {db, imp_user}; nil = any.
func Route(routing, bookmarks, extra any) Expectation {
	return Expect(SigRoute, routing, bookmarks, extra)
}
