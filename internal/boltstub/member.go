package boltstub

import "fmt"

// memberConn is the protocol state of one connection to a cluster member.
type memberConn struct {
	m       *Member
	conn    int
	failed  bool
	inTx    bool
	txExtra map[string]any
	pending *Result
	db      string
	autoTx  bool
}

// session is the member's Handler.
func (m *Member) session(conn int, _ Version) Session {
	mc := &memberConn{m: m, conn: conn}
	return func(msg Message) ([]Response, error) {
		rs, err := mc.handle(msg)
		m.mu.Lock()
		d := m.latency
		m.mu.Unlock()
		if d > 0 && err == nil {
			rs = append([]Response{Sleep(d)}, rs...)
		}
		return rs, err
	}
}

func (mc *memberConn) handle(msg Message) ([]Response, error) {
	m, c := mc.m, mc.m.c
	if mc.failed && msg.Sig != SigReset && msg.Sig != SigGoodbye {
		return []Response{Ignored()}, nil
	}
	switch msg.Sig {
	case SigHello:
		c.mu.Lock()
		meta := M{"server": "Neo4j/5.26.0", "connection_id": fmt.Sprintf("bolt-%s-%d", m.name, mc.conn)}
		if c.hints != nil {
			meta["hints"] = c.hints
		}
		c.mu.Unlock()
		return []Response{Success(meta)}, nil
	case SigLogon, SigLogoff, SigTelemetry:
		return []Response{Success(nil)}, nil
	case SigGoodbye:
		return []Response{Close()}, nil
	case SigReset:
		*mc = memberConn{m: m, conn: mc.conn}
		return []Response{Success(nil)}, nil
	case SigRoute:
		extra := msg.Extra()
		db, _ := extra["db"].(string)
		if db == "" {
			user, _ := extra["imp_user"].(string)
			db = c.homeOf(user)
		}
		m.mu.Lock()
		code, text := m.routeFail, m.routeFailMs
		m.mu.Unlock()
		if code != "" {
			mc.failed = true
			return []Response{Failure(code, text)}, nil
		}
		r, ok := c.routeAnswer(db)
		mc.failed = !ok
		return []Response{r}, nil
	case SigBegin:
		if mc.inTx {
			return nil, fmt.Errorf("BEGIN inside a transaction")
		}
		extra := msg.Extra()
		if r := mc.checkWrite(extra); r != nil {
			return r, nil
		}
		mc.inTx, mc.txExtra = true, extra
		return []Response{Success(nil)}, nil
	case SigRun:
		return mc.run(msg)
	case SigPull, SigDiscard:
		if mc.pending == nil {
			return nil, fmt.Errorf("%s without an open result", msg.Name)
		}
		res := mc.pending
		mc.pending = nil
		var out []Response
		if msg.Sig == SigPull {
			for _, rec := range res.Records {
				out = append(out, Record(rec...))
			}
		}
		meta := M{"type": "rw", "db": mc.db, "t_last": 0}
		if mc.autoTx {
			meta["bookmark"] = c.nextBookmark(m.name)
		}
		return append(out, Success(meta)), nil
	case SigCommit, SigRollback:
		if !mc.inTx {
			return nil, fmt.Errorf("%s outside a transaction", msg.Name)
		}
		mc.inTx, mc.txExtra = false, nil
		if msg.Sig == SigCommit {
			return []Response{Success(M{"bookmark": c.nextBookmark(m.name)})}, nil
		}
		return []Response{Success(nil)}, nil
	}
	return nil, fmt.Errorf("cluster member does not handle %s", msg.Name)
}

// resolveDB returns the database named by extra, else the user's home.
func (mc *memberConn) resolveDB(extra map[string]any) string {
	if db, _ := extra["db"].(string); db != "" {
		return db
	}
	user, _ := extra["imp_user"].(string)
	return mc.m.c.homeOf(user)
}

// checkWrite answers NotALeader when extra asks to write on a non-writer.
func (mc *memberConn) checkWrite(extra map[string]any) []Response {
	if mode, _ := extra["mode"].(string); mode == "r" {
		return nil
	}
	db := mc.resolveDB(extra)
	if mc.m.c.isWriter(mc.m.name, db) {
		return nil
	}
	mc.failed = true
	return []Response{Failure("Neo.ClientError.Cluster.NotALeader",
		fmt.Sprintf("No write operations are allowed directly on this database (%s on %s).", db, mc.m.name))}
}

func (mc *memberConn) run(msg Message) ([]Response, error) {
	if mc.pending != nil {
		return nil, fmt.Errorf("RUN while a result is still open")
	}
	extra := msg.Extra()
	mc.autoTx = !mc.inTx
	if mc.inTx {
		extra = mc.txExtra
	} else if r := mc.checkWrite(extra); r != nil {
		return r, nil
	}
	q := Query{Member: mc.m.name, Database: mc.resolveDB(extra), Mode: "w", InTx: mc.inTx}
	q.Text, _ = msg.Field(0).(string)
	q.Params, _ = msg.Field(1).(map[string]any)
	if mode, _ := extra["mode"].(string); mode == "r" {
		q.Mode = "r"
	}
	mc.m.mu.Lock()
	fn := mc.m.onQuery
	mc.m.mu.Unlock()
	res := Result{Fields: []string{"x"}, Records: [][]any{{1}}}
	if fn != nil {
		res = fn(q)
	}
	if res.Failure != "" {
		mc.failed = true
		return []Response{Failure(res.Failure, res.Message)}, nil
	}
	mc.pending, mc.db = &res, q.Database
	fields := res.Fields
	if fields == nil {
		fields = []string{}
	}
	meta := M{"fields": fields, "t_first": 0}
	if mc.inTx {
		meta["qid"] = 0
	}
	return []Response{Success(meta)}, nil
}
