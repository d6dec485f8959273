package bolt

import (
	"context"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
)

// Context handling without a goroutine or timer per read:
//
//   - enter records the operation's context; nothing touches the socket yet, so calls
//     served from already-buffered bytes cost nothing.
//   - arm runs before the first socket read or write of the operation. It sets the
//     socket deadline from the context and registers one context.AfterFunc (skipped when
//     ctx.Done() is nil) which, on cancellation, sets a deadline in the past to wake a
//     blocked read or write.
//   - leave deregisters it. A callback that already started cannot hurt a later
//     operation: it checks a generation counter under a mutex.
//
// When the server sent connection.recv_timeout_seconds, each socket read also gets a
// read deadline of that length (or the context's, if sooner).

var pastTime = time.Unix(1, 0)

// enter starts an operation under ctx.
func (c *Conn) enter(ctx context.Context) error {
	if c.defunct != nil {
		return c.defunctErr()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.ctx = ctx
	c.armed = false
	c.interrupted.Store(false)
	return nil
}

// leave ends the operation started by enter.
func (c *Conn) leave() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	if c.armed {
		c.mu.Lock()
		c.gen++
		c.mu.Unlock()
		c.lastUsed = clock.Now() // only when the socket was used: reading the clock is not free
	}
	c.armed = false
	c.ctx = nil
}

// arm prepares the socket for blocking I/O under the current context.
func (c *Conn) arm() error {
	if c.armed {
		return nil
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
		c.ctx = ctx
	}
	c.armed = true
	dl, _ := ctx.Deadline() // zero = no deadline
	if err := c.nc.SetDeadline(dl); err != nil {
		return err
	}
	c.readDL = false
	if ctx.Done() != nil {
		c.mu.Lock()
		gen := c.gen
		c.mu.Unlock()
		c.stop = context.AfterFunc(ctx, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.gen == gen {
				c.interrupted.Store(true)
				c.nc.SetDeadline(pastTime)
			}
		})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// beforeRead runs before every socket read.
func (c *Conn) beforeRead() error {
	if err := c.arm(); err != nil {
		return err
	}
	dl := c.readDeadline()
	if dl.IsZero() {
		if !c.readDL {
			return nil
		}
		dl, _ = c.ctx.Deadline() // back to the context's deadline (zero = none)
	}
	c.readDL = !dl.IsZero()
	if err := c.nc.SetReadDeadline(dl); err != nil {
		return err
	}
	// A cancellation that raced with the line above must still win.
	if c.interrupted.Load() {
		return context.Canceled
	}
	return nil
}

// readDeadline returns the deadline of the next socket read when something
// other than the context bounds it: connection.recv_timeout_seconds from now,
// or the reply deadline of the oldest outstanding request, whichever is sooner
// (never later than the context's). Zero when neither applies.
func (c *Conn) readDeadline() time.Time {
	var dl time.Time
	if rt := c.hints.RecvTimeout; rt > 0 {
		dl = time.Now().Add(rt)
	}
	if len(c.queue) > 0 {
		if h := c.queue[0].deadline; !h.IsZero() && (dl.IsZero() || h.Before(dl)) {
			dl = h
		}
	}
	if dl.IsZero() {
		return dl
	}
	if cdl, ok := c.ctx.Deadline(); ok && cdl.Before(dl) {
		dl = cdl
	}
	return dl
}

// startReplyTimers sets the reply deadline of queued requests that have a
// timeout and are about to be written.
func (c *Conn) startReplyTimers() {
	now := time.Now()
	for _, r := range c.queue {
		if r.timeout > 0 && r.deadline.IsZero() {
			r.deadline = now.Add(r.timeout)
		}
	}
	c.timedQueued = false
}

// flush writes every queued message in one write.
func (c *Conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	if c.defunct != nil {
		return c.defunctErr()
	}
	if err := c.arm(); err != nil {
		return c.fail("write", err)
	}
	if c.timedQueued {
		c.startReplyTimers()
	}
	_, err := c.nc.Write(c.out)
	c.out = c.out[:0]
	if err != nil {
		return c.fail("write", err)
	}
	return nil
}
