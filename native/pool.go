package native

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
)

// poolConn is what the pool needs from a connection.
type poolConn interface {
	IsDefunct() bool
	IsIdle() bool
	CreatedAt() time.Time
	LastUsed() time.Time
	Reset(ctx context.Context) error
	Close() error
}

// poolConfig holds the pool's limits (see Config).
type poolConfig struct {
	maxSize         int           // per server; negative = unlimited
	acquireTimeout  time.Duration // 0 = no wait, negative = wait for ctx
	maxLifetime     time.Duration // <= 0 disables
	livenessTimeout time.Duration // idle longer than this → RESET ping before reuse
	resetTimeout    time.Duration // bound for the RESET on return
}

// grant is what a waiting borrower receives: an idle connection, or (conn
// absent) permission to dial one in a slot reserved for it.
type grant[C poolConn] struct {
	conn C
	has  bool
	err  error
}

type waiter[C poolConn] struct {
	ch chan grant[C]
}

// serverPool holds the connections to one server. Idle connections are reused
// newest first; waiting borrowers are served first-come first-served.
type serverPool[C poolConn] struct {
	addr string
	cfg  poolConfig
	dial func(ctx context.Context) (C, error)

	mu      sync.Mutex
	idle    []C // oldest first; borrow takes from the end
	inUse   int // borrowed, being checked or being dialled
	waiters []*waiter[C]
	closed  bool

	waits    uint64
	waitTime time.Duration
	created  uint64
	closedN  uint64
}

func newServerPool[C poolConn](addr string, cfg poolConfig, dial func(context.Context) (C, error)) *serverPool[C] {
	return &serverPool[C]{addr: addr, cfg: cfg, dial: dial}
}

func (p *serverPool[C]) full() bool {
	return p.cfg.maxSize >= 0 && len(p.idle)+p.inUse >= p.cfg.maxSize
}

func (p *serverPool[C]) expired(c C, now time.Time) bool {
	return p.cfg.maxLifetime > 0 && now.Sub(c.CreatedAt()) >= p.cfg.maxLifetime
}

// closeConn closes c outside the lock and counts it.
func (p *serverPool[C]) closeConn(c C) {
	c.Close()
	p.mu.Lock()
	p.closedN++
	p.mu.Unlock()
}

// borrow returns a connection: an idle one (checked for age and, if idle too
// long, liveness), a new one, or one handed over by a returning borrower.
func (p *serverPool[C]) borrow(ctx context.Context) (C, time.Duration, error) {
	var zero C
	start := time.Now()
	waited := time.Duration(0)
	for {
		c, slot, w, err := p.take(ctx, start)
		waited += w
		if err != nil {
			return zero, waited, err
		}
		if slot {
			dctx, cancel := ctx, context.CancelFunc(func() {})
			if p.cfg.acquireTimeout > 0 {
				dctx, cancel = context.WithDeadline(ctx, start.Add(p.cfg.acquireTimeout))
			}
			c, err := p.dial(dctx)
			cancel()
			if err != nil {
				p.freeSlot()
				if !callerDone(ctx) && isTimeout(err) && !errors.Is(err, ErrConnectTimeout) {
					// The driver's own connect or acquisition timeout, not the
					// caller's context: report it as a (retryable) timeout. The
					// socket's deadline can beat the context's timer, so a bare
					// net timeout counts too.
					inner := err
					if cerr, ok := err.(*ConnectivityError); ok && cerr.Inner != nil {
						inner = cerr.Inner // one "ConnectivityError: <address>" prefix is enough
					}
					err = &ConnectivityError{Address: p.addr, Inner: fmt.Errorf("%w: %v", ErrConnectTimeout, inner)}
				}
				return zero, waited, err
			}
			p.mu.Lock()
			p.created++
			closed := p.closed
			p.mu.Unlock()
			if closed {
				p.closeConn(c)
				p.freeSlot()
				return zero, waited, &UsageError{Message: "borrowing a connection", Err: ErrDriverClosed}
			}
			return c, waited, nil
		}
		now := clock.Now()
		if c.IsDefunct() || p.expired(c, now) {
			p.closeConn(c)
			p.freeSlot()
			continue
		}
		if p.cfg.livenessTimeout != LivenessCheckDisabled && now.Sub(c.LastUsed()) > p.cfg.livenessTimeout {
			if err := c.Reset(ctx); err != nil {
				p.closeConn(c)
				p.freeSlot()
				if ctx.Err() != nil {
					return zero, waited, ctx.Err()
				}
				continue
			}
		}
		return c, waited, nil
	}
}

// take gets an idle connection or a dial slot, waiting if the pool is full.
// The slot (connection or permission) is counted in inUse.
func (p *serverPool[C]) take(ctx context.Context, start time.Time) (C, bool, time.Duration, error) {
	var zero C
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return zero, false, 0, &UsageError{Message: "borrowing a connection", Err: ErrDriverClosed}
	}
	if n := len(p.idle); n > 0 && len(p.waiters) == 0 {
		c := p.idle[n-1]
		var z C
		p.idle[n-1] = z
		p.idle = p.idle[:n-1]
		p.inUse++
		p.mu.Unlock()
		return c, false, 0, nil
	}
	if !p.full() && len(p.waiters) == 0 {
		p.inUse++
		p.mu.Unlock()
		return zero, true, 0, nil
	}
	if p.cfg.acquireTimeout == 0 {
		p.mu.Unlock()
		return zero, false, 0, &ConnectivityError{Address: p.addr, Inner: ErrPoolAcquisitionTimeout}
	}
	w := &waiter[C]{ch: make(chan grant[C], 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()

	var timeout <-chan time.Time
	if p.cfg.acquireTimeout > 0 {
		t := time.NewTimer(p.cfg.acquireTimeout - time.Since(start))
		defer t.Stop()
		timeout = t.C
	}
	waitStart := time.Now()
	var g grant[C]
	var werr error
	select {
	case g = <-w.ch:
	case <-timeout:
		werr = &ConnectivityError{Address: p.addr, Inner: ErrPoolAcquisitionTimeout}
	case <-ctx.Done():
		werr = &ConnectivityError{Address: p.addr, Inner: errors.Join(ErrPoolAcquisitionTimeout, ctx.Err())}
	}
	waited := time.Since(waitStart)
	p.mu.Lock()
	p.waits++
	p.waitTime += waited
	if werr != nil {
		removed := false
		for i, x := range p.waiters {
			if x == w {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				removed = true
				break
			}
		}
		p.mu.Unlock()
		if !removed { // a grant raced with the timeout: give it back
			g = <-w.ch
			if g.err == nil {
				if g.has {
					p.giveBack(g.conn)
				} else {
					p.freeSlot()
				}
			}
		}
		return zero, false, waited, werr
	}
	p.mu.Unlock()
	if g.err != nil {
		return zero, false, waited, g.err
	}
	return g.conn, !g.has, waited, nil
}

// freeSlot gives up a slot counted in inUse (its connection was closed or never
// dialled) and lets the first waiter dial in it.
func (p *serverPool[C]) freeSlot() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.waiters) > 0 && !p.closed {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		w.ch <- grant[C]{} // slot stays counted, now for w
		return
	}
	p.inUse--
}

// giveBack puts a healthy connection back: to the first waiter, else idle.
func (p *serverPool[C]) giveBack(c C) {
	p.mu.Lock()
	if p.closed {
		p.inUse--
		p.mu.Unlock()
		p.closeConn(c)
		return
	}
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w.ch <- grant[C]{conn: c, has: true}
		return
	}
	p.inUse--
	p.idle = append(p.idle, c)
	p.mu.Unlock()
}

// release returns a borrowed connection. A connection left mid-transaction or
// mid-stream is RESET first (bounded by resetTimeout); defunct, failed-to-reset
// and over-age ones are closed. purge also closes every idle connection of this
// server (they are likely dead too, e.g. after a server restart).
func (p *serverPool[C]) release(c C, purge bool) {
	if !c.IsDefunct() && !c.IsIdle() {
		ctx, cancel := context.WithTimeout(context.Background(), p.cfg.resetTimeout)
		c.Reset(ctx)
		cancel()
	}
	if purge {
		p.purgeIdle()
	}
	if c.IsDefunct() || !c.IsIdle() || p.expired(c, clock.Now()) {
		p.closeConn(c)
		p.freeSlot()
		return
	}
	p.giveBack(c)
}

// purgeIdle closes every idle connection.
func (p *serverPool[C]) purgeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		p.closeConn(c)
	}
}

// close closes the idle connections, fails the waiters and makes later borrows
// fail; connections in use are closed when returned.
func (p *serverPool[C]) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, w := range waiters {
		w.ch <- grant[C]{err: &UsageError{Message: "borrowing a connection", Err: ErrDriverClosed}}
	}
	for _, c := range idle {
		p.closeConn(c)
	}
}

func (p *serverPool[C]) stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PoolStats{
		Address: p.addr, Idle: len(p.idle), InUse: p.inUse, Waiting: len(p.waiters),
		WaitTime: p.waitTime, Waits: p.waits, Created: p.created, Closed: p.closedN,
		MaxSize: p.cfg.maxSize,
	}
}

// callerDone reports whether ctx has ended or its deadline has passed (the
// context's own timer may lag a moment behind the deadline).
func callerDone(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}
