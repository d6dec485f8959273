package bolt

import (
	"context"
	"errors"
)

// DefaultFetchSize is the number of records a PULL asks for when Run gets fetchSize 0.
const DefaultFetchSize = 1000

// Stream is the result of Run: keys, then records fetched in batches of the fetch size.
// Like its Conn it is not safe for concurrent use.
type Stream struct {
	c         *Conn
	keys      []string
	qid       int64
	fetchSize int64
	inTx      bool

	buf        [][]any  // records received ahead of Next (another request had to be sent)
	pending    *request // PULL or DISCARD in flight
	hasMore    bool     // the server holds more records
	done       bool     // final summary received
	discarding bool     // records of the pending PULL are dropped
	err        error

	pulled  bool  // a PULL was sent for this stream
	records int64 // RECORD messages received, including dropped ones

	meta    Meta // RUN's SUCCESS metadata, then merged with the final one (finish)
	summary Summary

	runReq, pullReq request // RUN's, and the latest PULL's or DISCARD's (see Conn.slot)

	block     []any // unused rest of the current record value block (see decodeRecord)
	into      []any // NextInto's destination while it runs
	blockRows int   // rows the next block holds: 1, 8, then 64
}

// Keys returns the column names.
func (s *Stream) Keys() []string { return s.keys }

// QID returns the statement id inside an explicit transaction (-1 outside one).
func (s *Stream) QID() int64 { return s.qid }

// FetchAll makes the PULLs still to come ask for all remaining records at once
// (n = -1) instead of the fetch size: for a caller that reads the result to the end
// anyway, it saves the round trips between batches.
func (s *Stream) FetchAll() { s.fetchSize = -1 }

// Err returns the error that ended the stream, if any.
func (s *Stream) Err() error { return s.err }

// Pulled reports whether a PULL was sent for this stream (false when the records
// were only ever discarded).
func (s *Stream) Pulled() bool { return s.pulled }

// RecordsReceived returns how many records the server sent for this stream so far,
// counting those dropped by Consume.
func (s *Stream) RecordsReceived() int64 { return s.records }

// finish builds the summary from RUN's and the final SUCCESS metadata: the final
// keys are laid over RUN's in the stream's own Meta (the final SUCCESS wins on a
// repeated key), and has_more is removed.
func (s *Stream) finish(final *Meta) {
	s.meta.overlay(final)
	s.meta.remove("has_more")
	s.summary = Summary{Meta: &s.meta}
}

// Next returns the next record, or nil, nil after the last one. It sends the PULL for
// the next batch itself. The returned slice belongs to the caller.
func (s *Stream) Next(ctx context.Context) ([]any, error) {
	if len(s.buf) > 0 {
		r := s.buf[0]
		s.buf[0] = nil
		s.buf = s.buf[1:]
		return recordOrErr(r)
	}
	if s.err != nil {
		return nil, s.err
	}
	if s.done {
		return nil, nil
	}
	c := s.c
	if s.pending != nil && !s.discarding && c.defunct == nil && len(c.out) == 0 &&
		len(c.queue) > 0 && c.queue[0] == s.pending {
		// Fast path: the next message is a RECORD for this stream, already in the
		// read buffer. No socket I/O, so no enter/leave; the context is still checked
		// here and armed by the next read that does reach the socket.
		if msg := c.rd.bufferedRecord(); msg != nil {
			if err := ctx.Err(); err != nil {
				c.rd.unread(len(msg))
				return nil, err
			}
			c.dec.Reset(msg)
			c.dec.StructHeader() // checked by bufferedRecord: RECORD with 1 field
			s.records++
			rec, err := c.decodeRecord(s, s.into)
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) {
					return nil, c.fail("read", err)
				}
				c.traceIn(msg)
				return nil, re
			}
			c.traceIn(msg)
			return rec, nil
		}
	}
	return s.nextSlow(ctx)
}

// nextSlow is Next when the record is not already decoded or buffered: it reads
// from the socket under ctx. It is a function of its own so that the deferred
// leave, which Go cannot open-code in a function with this many returns, costs
// nothing on Next's fast paths (a deferreturn on every record was ~8 % of the
// integer-streaming profile).
func (s *Stream) nextSlow(ctx context.Context) ([]any, error) {
	c := s.c
	if err := c.enter(ctx); err != nil {
		return nil, err
	}
	defer c.leave()
	for {
		if len(s.buf) > 0 {
			r := s.buf[0]
			s.buf[0] = nil
			s.buf = s.buf[1:]
			return recordOrErr(r)
		}
		if s.err != nil {
			return nil, s.err
		}
		if s.done {
			return nil, nil
		}
		if s.pending == nil {
			if !s.hasMore {
				return nil, s.fail(ErrStreamClosed)
			}
			if err := s.pull(s.fetchSize); err != nil {
				return nil, err
			}
		}
		if err := c.flush(); err != nil {
			return nil, err
		}
		rec, err := c.receive(s)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			return rec, nil
		}
	}
}

// NextInto is Next for a caller that does not keep records: a record read from the
// socket is decoded into dst when dst has room for its fields, and the returned slice
// is then dst[:n], valid until dst is written again. Records that had to be buffered
// ahead (another request was sent meanwhile) come back in slices of their own. It
// saves the per-record allocation of the value slice (database/sql copies each row
// out before asking for the next).
func (s *Stream) NextInto(ctx context.Context, dst []any) ([]any, error) {
	s.into = dst
	rec, err := s.Next(ctx)
	s.into = nil
	return rec, err
}

func (s *Stream) fail(err error) error {
	if s.err == nil {
		s.err = err
	}
	return s.err
}

// qidArg returns the qid PULL/DISCARD send for s: -1 (the key is left out) outside a
// transaction, without query ids (before Bolt 4.0) and for the latest result of the
// transaction, which -1 denotes; its own qid otherwise.
func (s *Stream) qidArg() int64 {
	if !s.inTx || s == s.c.lastRun || !s.c.version.Has(FeatureQueryID) {
		return -1
	}
	return s.qid
}

// pull queues a PULL of n records for s.
func (s *Stream) pull(n int64) error {
	req, err := s.c.queuePullDiscard(msgPull, s, n, s.qidArg())
	if err != nil {
		return err
	}
	s.pending = req
	s.pulled = true
	return nil
}

// Consume discards the records not read yet and returns the summary. Records already
// buffered are dropped too.
func (s *Stream) Consume(ctx context.Context) (Summary, error) {
	s.buf = nil
	if s.err != nil {
		return Summary{}, s.err
	}
	if s.done {
		return s.summary, nil
	}
	c := s.c
	if err := c.enter(ctx); err != nil {
		return Summary{}, err
	}
	defer c.leave()
	s.discarding = true
	for !s.done {
		if s.err != nil {
			return Summary{}, s.err
		}
		if s.pending == nil {
			if !s.hasMore {
				return Summary{}, s.fail(ErrStreamClosed)
			}
			req, err := c.queuePullDiscard(msgDiscard, s, -1, s.qidArg())
			if err != nil {
				return Summary{}, err
			}
			s.pending = req
		}
		if err := c.wait(s.pending); err != nil && s.err == nil {
			return Summary{}, err
		}
	}
	s.buf = nil
	if s.err != nil {
		return Summary{}, s.err
	}
	return s.summary, nil
}

// Summary returns the summary once the stream has ended (ok = false before).
func (s *Stream) Summary() (Summary, bool) { return s.summary, s.done }

// bufferAll reads the rest of s into memory: the PULL in flight and, when all is set,
// every remaining record (PULL n=-1).
func (s *Stream) bufferAll(all bool) error {
	c := s.c
	for {
		if s.err != nil || s.done {
			return nil
		}
		if s.pending == nil {
			if !all || !s.hasMore {
				return nil
			}
			if err := s.pull(-1); err != nil {
				return err
			}
		}
		req := s.pending
		if err := c.wait(req); err != nil && req.err != err {
			return err // connection error; request failures stay in the stream
		}
	}
}
