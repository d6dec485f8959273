package neo4jotel

import (
	"context"
	"fmt"

	"github.com/boltwire/neo4j/native"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// StatsSource is what ObservePool reads; native.Driver satisfies it.
type StatsSource interface {
	// Stats returns a snapshot of every server pool (see native.PoolStats).
	Stats() []native.PoolStats
}

// ObservePool reports the connection pools of driver (one per server, named
// by its host:port in db.client.connection.pool.name) each time the
// MeterProvider collects:
//
//   - db.client.connection.count (state = idle | used)
//   - db.client.connection.pending_requests: borrowers waiting now
//   - neo4j.client.connection.created / .closed: connections dialled / closed
//   - neo4j.client.connection.waits: borrows that had to wait
//   - neo4j.client.connection.wait_time.total: seconds borrowers spent waiting
//
// The last four are cumulative counters. Call Unregister on the result when
// the driver is closed.
func (t *Tracer) ObservePool(driver StatsSource) (metric.Registration, error) {
	m := t.meter
	count, err := m.Int64ObservableUpDownCounter("db.client.connection.count", metric.WithUnit("{connection}"),
		metric.WithDescription("The number of connections that are currently in the state described by the state attribute."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating db.client.connection.count: %w", err)
	}
	pending, err := m.Int64ObservableUpDownCounter("db.client.connection.pending_requests", metric.WithUnit("{request}"),
		metric.WithDescription("The number of current pending requests for an open connection."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating db.client.connection.pending_requests: %w", err)
	}
	created, err := m.Int64ObservableCounter("neo4j.client.connection.created", metric.WithUnit("{connection}"),
		metric.WithDescription("Connections dialled successfully since the driver started."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating neo4j.client.connection.created: %w", err)
	}
	closed, err := m.Int64ObservableCounter("neo4j.client.connection.closed", metric.WithUnit("{connection}"),
		metric.WithDescription("Connections closed since the driver started."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating neo4j.client.connection.closed: %w", err)
	}
	waits, err := m.Int64ObservableCounter("neo4j.client.connection.waits", metric.WithUnit("{wait}"),
		metric.WithDescription("Connection borrows that had to wait for a free connection."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating neo4j.client.connection.waits: %w", err)
	}
	waitTime, err := m.Float64ObservableCounter("neo4j.client.connection.wait_time.total", metric.WithUnit("s"),
		metric.WithDescription("Total time borrowers spent waiting for a free connection."))
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: creating neo4j.client.connection.wait_time.total: %w", err)
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for _, s := range driver.Stats() {
			base := append([]attribute.KeyValue{semconv.DBSystemNameNeo4j, semconv.DBClientConnectionPoolName(s.Address)}, t.cfg.attrs...)
			with := func(extra ...attribute.KeyValue) metric.ObserveOption {
				return metric.WithAttributes(append(append([]attribute.KeyValue(nil), base...), extra...)...)
			}
			o.ObserveInt64(count, int64(s.Idle), with(semconv.DBClientConnectionStateIdle))
			o.ObserveInt64(count, int64(s.InUse), with(semconv.DBClientConnectionStateUsed))
			o.ObserveInt64(pending, int64(s.Waiting), with())
			o.ObserveInt64(created, int64(s.Created), with())
			o.ObserveInt64(closed, int64(s.Closed), with())
			o.ObserveInt64(waits, int64(s.Waits), with())
			o.ObserveFloat64(waitTime, s.WaitTime.Seconds(), with())
		}
		return nil
	}, count, pending, created, closed, waits, waitTime)
	if err != nil {
		return nil, fmt.Errorf("neo4jotel: registering the pool callback: %w", err)
	}
	return reg, nil
}
