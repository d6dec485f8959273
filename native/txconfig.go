package native

import (
	"maps"
	"math"
	"time"
)

// TxTimeoutServerDefault is the default TransactionConfig.Timeout: the server's
// configured transaction timeout applies.
const TxTimeoutServerDefault time.Duration = math.MinInt64

// TransactionConfig holds the per-transaction options set by WithTxTimeout and
// WithTxMetadata.
type TransactionConfig struct {
	// Timeout aborts the transaction on the server after this long.
	// TxTimeoutServerDefault (the default) uses the server's setting; 0 means no
	// timeout; other negative values are an error. Sub-millisecond parts round up.
	Timeout time.Duration
	// Metadata is attached to the transaction (visible in SHOW TRANSACTIONS and
	// the query log).
	Metadata map[string]any
}

// WithTxTimeout sets the transaction timeout (see TransactionConfig.Timeout).
func WithTxTimeout(timeout time.Duration) func(*TransactionConfig) {
	return func(c *TransactionConfig) { c.Timeout = timeout }
}

// WithTxMetadata attaches metadata to the transaction.
func WithTxMetadata(metadata map[string]any) func(*TransactionConfig) {
	return func(c *TransactionConfig) { c.Metadata = maps.Clone(metadata) }
}

func buildTxConfig(configurers []func(*TransactionConfig)) (TransactionConfig, error) {
	if len(configurers) == 0 {
		// The usual call: no configurers. Returned without taking c's address,
		// which would move it to the heap on every query.
		return TransactionConfig{Timeout: TxTimeoutServerDefault}, nil
	}
	c := TransactionConfig{Timeout: TxTimeoutServerDefault}
	for _, f := range configurers {
		if f != nil {
			f(&c)
		}
	}
	if c.Timeout < 0 && c.Timeout != TxTimeoutServerDefault {
		return c, usageErrorf("transaction timeout must not be negative, got %v", c.Timeout)
	}
	return c, nil
}

// timeoutMillis returns the timeout to send in milliseconds, rounded up, and
// whether one is to be sent at all.
func (c TransactionConfig) timeoutMillis() (int64, bool) {
	if c.Timeout == TxTimeoutServerDefault {
		return 0, false
	}
	ms := int64(c.Timeout / time.Millisecond)
	if c.Timeout%time.Millisecond != 0 {
		ms++
	}
	return ms, true
}
