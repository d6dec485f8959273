package native

import (
	"context"
	"fmt"
	"reflect"
)

// ExecuteRead runs work in a retried read transaction of session and returns
// its typed result (see Session.ExecuteRead).
func ExecuteRead[T any](ctx context.Context, session Session, work func(tx ManagedTransaction) (T, error),
	configurers ...func(*TransactionConfig)) (T, error) {
	if s, ok := ownSession(session); ok {
		return executeOwn(ctx, s, "Session.ExecuteRead", AccessModeRead, work, configurers)
	}
	return executeTyped(ctx, session.ExecuteRead, work, configurers)
}

// ExecuteWrite runs work in a retried write transaction of session and returns
// its typed result (see Session.ExecuteWrite).
func ExecuteWrite[T any](ctx context.Context, session Session, work func(tx ManagedTransaction) (T, error),
	configurers ...func(*TransactionConfig)) (T, error) {
	if s, ok := ownSession(session); ok {
		return executeOwn(ctx, s, "Session.ExecuteWrite", AccessModeWrite, work, configurers)
	}
	return executeTyped(ctx, session.ExecuteWrite, work, configurers)
}

// ownSession returns s as this package's session, if it is one.
func ownSession(s Session) (*session, bool) {
	own, ok := s.(*session)
	return own, ok
}

// executeOwn is executeTyped for this package's sessions: executeManaged is
// called directly rather than through the Session interface, so neither the
// wrapping closure nor the typed result escapes to the heap (two allocations
// fewer per call).
func executeOwn[T any](ctx context.Context, s *session, op string, mode AccessMode,
	work func(tx ManagedTransaction) (T, error), configurers []func(*TransactionConfig)) (T, error) {
	var zero, out T
	if work == nil {
		return zero, usageErrorf("transaction function is nil")
	}
	_, err := s.executeManaged(ctx, op, mode, func(tx ManagedTransaction) (any, error) {
		v, err := work(tx)
		out = v
		return nil, err
	}, configurers)
	if err != nil {
		return zero, err
	}
	return out, nil
}

func executeTyped[T any](ctx context.Context,
	exec func(context.Context, ManagedTransactionWork, ...func(*TransactionConfig)) (any, error),
	work func(ManagedTransaction) (T, error), configurers []func(*TransactionConfig)) (T, error) {
	var zero T
	if work == nil {
		return zero, usageErrorf("transaction function is nil")
	}
	// The typed value travels in a closure variable, so no type assertion (and
	// no boxing surprise for interface T) is needed.
	var out T
	_, err := exec(ctx, func(tx ManagedTransaction) (any, error) {
		v, err := work(tx)
		out = v
		return nil, err
	}, configurers...)
	if err != nil {
		return zero, err
	}
	return out, nil
}

// GetRecordValue returns the value of column key in rec converted to T. isNil is
// true (and the error nil) when the value is NULL. A missing column or a value
// that cannot be converted to T is an error.
func GetRecordValue[T any](rec *Record, key string) (value T, isNil bool, err error) {
	if rec == nil {
		return value, false, usageErrorf("GetRecordValue: nil record")
	}
	raw, ok := rec.Get(key)
	if !ok {
		return value, false, usageErrorf("GetRecordValue: record has no column %q (columns: %v)", key, rec.Keys)
	}
	if raw == nil {
		return value, true, nil
	}
	if v, ok := raw.(T); ok {
		return v, false, nil
	}
	if err := setValue(reflect.ValueOf(&value).Elem(), raw, false); err != nil {
		return value, false, fmt.Errorf("GetRecordValue: column %q: %w", key, err)
	}
	return value, false, nil
}

// GetProperty returns the property key of a node or relationship (or any
// value with GetProperties) converted to T.
func GetProperty[T any](entity interface{ GetProperties() map[string]any }, key string) (T, error) {
	var value T
	raw, ok := entity.GetProperties()[key]
	if !ok {
		return value, usageErrorf("GetProperty: no property %q", key)
	}
	if v, ok := raw.(T); ok {
		return v, nil
	}
	if err := setValue(reflect.ValueOf(&value).Elem(), raw, false); err != nil {
		return value, fmt.Errorf("GetProperty: property %q: %w", key, err)
	}
	return value, nil
}

// CollectT collects all remaining records of result, each mapped with mapper.
func CollectT[T any](ctx context.Context, result Result, mapper func(*Record) (T, error)) ([]T, error) {
	if result == nil {
		return nil, usageErrorf("CollectT: nil result")
	}
	var out []T
	for result.Next(ctx) {
		v, err := mapper(result.Record())
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, result.Err()
}

// SingleT returns the only remaining record of result mapped with mapper; zero
// or more than one record is an error (see Result.Single).
func SingleT[T any](ctx context.Context, result Result, mapper func(*Record) (T, error)) (T, error) {
	var zero T
	if result == nil {
		return zero, usageErrorf("SingleT: nil result")
	}
	rec, err := result.Single(ctx)
	if err != nil {
		return zero, err
	}
	return mapper(rec)
}

// Collect is a convenience after a Run call: it returns runErr if set, else
// all remaining records of result.
//
//	result, err := tx.Run(ctx, query, params)
//	records, err := native.Collect(ctx, result, err)
func Collect(ctx context.Context, result Result, runErr error) ([]*Record, error) {
	if runErr != nil {
		return nil, runErr
	}
	if result == nil {
		return nil, usageErrorf("Collect: nil result")
	}
	return result.Collect(ctx)
}

// Single is a convenience after a Run call: it returns runErr if set, else the
// only remaining record of result.
//
//	result, err := tx.Run(ctx, query, params)
//	rec, err := native.Single(ctx, result, err)
func Single(ctx context.Context, result Result, runErr error) (*Record, error) {
	if runErr != nil {
		return nil, runErr
	}
	if result == nil {
		return nil, usageErrorf("Single: nil result")
	}
	return result.Single(ctx)
}

// CollectAs collects all remaining records of result into values of type T,
// mapped as by RecordAs.
func CollectAs[T any](ctx context.Context, result Result) ([]T, error) {
	if result == nil {
		return nil, usageErrorf("CollectAs: nil result")
	}
	var out []T
	for result.Next(ctx) {
		v, err := RecordAs[T](result.Record())
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, result.Err()
}

// SingleAs returns the only remaining record of result as a T, mapped as by
// RecordAs.
func SingleAs[T any](ctx context.Context, result Result) (T, error) {
	var zero T
	if result == nil {
		return zero, usageErrorf("SingleAs: nil result")
	}
	rec, err := result.Single(ctx)
	if err != nil {
		return zero, err
	}
	return RecordAs[T](rec)
}
