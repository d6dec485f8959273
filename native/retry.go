package native

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Retry timing of managed transactions: the n-th wait (n from 0) is
// retryInitialDelay × 2ⁿ, ± retryJitter.
const (
	retryInitialDelay = time.Second
	retryMultiplier   = 2.0
	retryJitter       = 0.2
)

// retryDelay returns the wait before retry number n (0 = first retry).
func retryDelay(n int, rnd func() float64) time.Duration {
	d := float64(retryInitialDelay)
	for i := 0; i < n && d < float64(time.Hour); i++ {
		d *= retryMultiplier
	}
	j := d * retryJitter
	return time.Duration(d - j + 2*j*rnd())
}

// retryState decides whether and when to retry. It starts its clock at the
// first failure and retries while less than the budget has passed since, each
// wait capped by the rest of the budget.
type retryState struct {
	budget       time.Duration
	now          func() time.Time
	rnd          func() float64
	firstFailure time.Time
	errs         []error
}

func newRetryState(budget time.Duration) *retryState {
	return &retryState{budget: budget, now: time.Now, rnd: rand.Float64}
}

// next records a failed attempt and returns the wait before the next one, or
// the error to return (retry = false).
func (r *retryState) next(ctx context.Context, err error) (delay time.Duration, retry bool, final error) {
	if !IsRetryable(err) {
		return 0, false, err
	}
	r.errs = append(r.errs, err)
	now := r.now()
	if r.firstFailure.IsZero() {
		r.firstFailure = now
	}
	if cerr := ctx.Err(); cerr != nil {
		return 0, false, r.limit("context ended", cerr)
	}
	elapsed := now.Sub(r.firstFailure)
	if elapsed >= r.budget {
		return 0, false, r.limit("retry budget (MaxTransactionRetryTime "+r.budget.String()+") exhausted", nil)
	}
	// The back-off is capped by what is left of the budget: the last attempt
	// comes when the budget runs out rather than being given up early.
	delay = min(retryDelay(len(r.errs)-1, r.rnd), r.budget-elapsed)
	return delay, true, nil
}

func (r *retryState) limit(cause string, extra error) error {
	errs := r.errs
	if extra != nil {
		errs = append(errs, extra)
	}
	return &TransactionExecutionLimit{Cause: cause, Errors: errs}
}

// executeManaged runs work in managed transactions until it succeeds, fails
// with a non-retryable error, the retry budget is spent or ctx ends.
func (s *session) executeManaged(ctx context.Context, op string, mode AccessMode, work ManagedTransactionWork,
	configurers []func(*TransactionConfig)) (any, error) {
	if work == nil {
		return nil, usageErrorf("%s: transaction function is nil", op)
	}
	if err := s.enter(op); err != nil {
		return nil, err
	}
	defer s.leave()
	if s.tx != nil {
		return nil, usageErrorf("%s: the session has an open transaction; close it first", op)
	}
	s.finishAutoResult(ctx)
	tc, err := buildTxConfig(configurers)
	if err != nil {
		return nil, err
	}
	state := newRetryState(s.d.config.MaxTransactionRetryTime)
	// TELEMETRY goes once per call: retries skip it once it was answered.
	s.inManaged = true
	defer func() { s.inManaged, s.telemetryDone = false, false }()
	for attempt := 1; ; attempt++ {
		v, err := s.runManagedOnce(ctx, mode, work, tc)
		if err == nil {
			return v, nil
		}
		delay, retry, final := state.next(ctx, err)
		if !retry {
			return nil, final
		}
		if tr := s.d.config.Tracer; tr != nil {
			tr.Retry(ctx, RetryEvent{Attempt: attempt, Err: err, Delay: delay, Database: s.cfg.DatabaseName, AccessMode: mode})
		}
		if l := s.d.config.Logger; l != nil {
			l.Info("retrying managed transaction", "attempt", attempt, "delay", delay, "error", err)
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, state.limit("context ended while waiting to retry", ctx.Err())
		}
	}
}

// runManagedOnce runs one attempt: BEGIN (pipelined with the first RUN), work,
// then COMMIT on success or ROLLBACK on failure.
func (s *session) runManagedOnce(ctx context.Context, mode AccessMode, work ManagedTransactionWork, tc TransactionConfig) (any, error) {
	tx, err := s.begin(ctx, mode, tc, telemetryManaged, true)
	if err != nil {
		return nil, err
	}
	v, werr := work(managedTx{tx})
	if werr != nil {
		tx.rollback(ctx) // if ctx is done, the pool RESETs the connection on return
		return nil, werr
	}
	if tx.state == txTerminated {
		return nil, tx.termErr // a query failed and the work swallowed the error
	}
	if tx.state != txOpen {
		return nil, usageErrorf("managed transaction ended inside the transaction function")
	}
	if err := tx.commit(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

// isContextErr reports errors caused by a cancelled or expired context.
func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
