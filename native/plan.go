package native

// plan implements Plan.
type plan struct {
	operator    string
	arguments   map[string]any
	identifiers []string
	children    []Plan
}

func (p *plan) Operator() string          { return p.operator }
func (p *plan) Arguments() map[string]any { return p.arguments }
func (p *plan) Identifiers() []string     { return p.identifiers }
func (p *plan) Children() []Plan          { return p.children }

func strList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func newPlan(m map[string]any) *plan {
	p := &plan{operator: metaStr(m, "operatorType"), identifiers: strList(m["identifiers"])}
	p.arguments, _ = m["args"].(map[string]any)
	children, _ := m["children"].([]any)
	for _, c := range children {
		if cm, ok := c.(map[string]any); ok {
			p.children = append(p.children, newPlan(cm))
		}
	}
	return p
}

// profiledPlan implements ProfiledPlan.
type profiledPlan struct {
	plan
	dbHits, records, pageCacheHits, pageCacheMisses, time int64
	pageCacheHitRatio                                     float64
	reported                                              map[ProfileStat]bool
	pchildren                                             []ProfiledPlan
}

func (p *profiledPlan) DbHits() int64                 { return p.dbHits }
func (p *profiledPlan) Records() int64                { return p.records }
func (p *profiledPlan) PageCacheHits() int64          { return p.pageCacheHits }
func (p *profiledPlan) PageCacheMisses() int64        { return p.pageCacheMisses }
func (p *profiledPlan) PageCacheHitRatio() float64    { return p.pageCacheHitRatio }
func (p *profiledPlan) Time() int64                   { return p.time }
func (p *profiledPlan) Children() []ProfiledPlan      { return p.pchildren }
func (p *profiledPlan) HasStat(stat ProfileStat) bool { return p.reported[stat] }

func newProfiledPlan(m map[string]any) *profiledPlan {
	p := &profiledPlan{plan: plan{operator: metaStr(m, "operatorType"), identifiers: strList(m["identifiers"])},
		reported: make(map[ProfileStat]bool, 6)}
	p.arguments, _ = m["args"].(map[string]any)
	for stat, dst := range map[ProfileStat]*int64{ProfileDbHits: &p.dbHits, ProfileRows: &p.records,
		ProfilePageCacheHits: &p.pageCacheHits, ProfilePageCacheMisses: &p.pageCacheMisses, ProfileTime: &p.time} {
		*dst, p.reported[stat] = metaInt(m, string(stat))
	}
	switch r := m[string(ProfilePageCacheHitRatio)].(type) {
	case float64:
		p.pageCacheHitRatio, p.reported[ProfilePageCacheHitRatio] = r, true
	case int64:
		p.pageCacheHitRatio, p.reported[ProfilePageCacheHitRatio] = float64(r), true
	}
	children, _ := m["children"].([]any)
	for _, c := range children {
		if cm, ok := c.(map[string]any); ok {
			p.pchildren = append(p.pchildren, newProfiledPlan(cm))
		}
	}
	return p
}

// asPlan returns the profiled plan as a plain plan tree.
func (p *profiledPlan) asPlan() Plan {
	out := &plan{operator: p.operator, arguments: p.arguments, identifiers: p.identifiers}
	for _, c := range p.pchildren {
		out.children = append(out.children, c.(*profiledPlan).asPlan())
	}
	return out
}
