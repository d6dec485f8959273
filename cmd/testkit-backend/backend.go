package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"strconv"
	"strings"
	"sync"

	"github.com/boltwire/neo4j/internal/clock"
	"github.com/boltwire/neo4j/native"
)

// driverFactory creates a driver; tests substitute fakes for native.NewDriver.
type driverFactory func(uri string, auth native.AuthTokenManager, configurers ...func(*native.Config)) (native.Driver, error)

// response is what a handler answers. A zero response (empty name) with a nil
// error means the handler answers later by itself (retryable transactions)
// or that the request expects no answer.
type response struct {
	name string
	data any
}

// frontendError is an error caused by "client code" run by TestKit (for
// example a transaction function that TestKit aborted); it is reported as a
// FrontendError.
type frontendError struct{ msg string }

func (e *frontendError) Error() string { return e.msg }

// backendError is an internal backend problem (bad request, unsupported
// option); it is reported as a BackendError.
type backendError struct{ err error }

func (e *backendError) Error() string { return e.err.Error() }
func (e *backendError) Unwrap() error { return e.err }

func backendErrorf(format string, args ...any) error {
	return &backendError{err: fmt.Errorf(format, args...)}
}

// callbackReply carries the data of a "...Completed" request to the
// goroutine waiting for it.
type callbackReply struct {
	name string
	data json.RawMessage
}

// backend serves one TestKit connection. TestKit opens a connection per test,
// so all objects (drivers, sessions, ...) live here and die with it.
type backend struct {
	w         *frameWriter
	log       *log.Logger
	newDriver driverFactory
	ctx       context.Context
	cancel    context.CancelFunc

	mu               sync.Mutex
	nextID           int
	drivers          map[string]*driverEntry
	sessions         map[string]*sessionEntry
	txs              map[string]*txEntry
	results          map[string]*resultEntry
	errs             map[string]error
	bookmarkManagers map[string]native.BookmarkManager
	authManagers     map[string]native.AuthTokenManager
	callbacks        map[string]chan callbackReply
	testName         string
}

func newBackend(w io.Writer, logger *log.Logger, factory driverFactory) *backend {
	ctx, cancel := context.WithCancel(context.Background())
	return &backend{
		w:                newFrameWriter(w),
		log:              logger,
		newDriver:        factory,
		ctx:              ctx,
		cancel:           cancel,
		drivers:          map[string]*driverEntry{},
		sessions:         map[string]*sessionEntry{},
		txs:              map[string]*txEntry{},
		results:          map[string]*resultEntry{},
		errs:             map[string]error{},
		bookmarkManagers: map[string]native.BookmarkManager{},
		authManagers:     map[string]native.AuthTokenManager{},
		callbacks:        map[string]chan callbackReply{},
	}
}

// newID returns a fresh object id, unique within the connection.
func (b *backend) newID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	return strconv.Itoa(b.nextID)
}

// serve reads requests from r until it ends, dispatching them. Callback
// completions are routed to their waiting goroutine at once; every other
// request is handled in order by one dispatcher goroutine.
func (b *backend) serve(r io.Reader) error {
	defer b.shutdown()
	fr := newFrameReader(r)
	work := make(chan message, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m := range work {
			b.dispatch(m)
		}
	}()
	var readErr error
	for {
		body, err := fr.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			b.sendError(backendErrorf("malformed request: %w", err))
			continue
		}
		if b.deliverCallback(m) {
			continue
		}
		work <- m
	}
	close(work)
	b.cancel() // unblock handlers waiting for callbacks or retry verdicts
	<-done
	return readErr
}

// deliverCallback routes a "...Completed" request to the goroutine waiting
// for it and reports whether it did.
func (b *backend) deliverCallback(m message) bool {
	if !strings.HasSuffix(m.Name, "Completed") {
		return false
	}
	var d struct {
		RequestID any `json:"requestId"`
	}
	if err := json.Unmarshal(m.Data, &d); err != nil {
		return false
	}
	id := fmt.Sprint(d.RequestID)
	b.mu.Lock()
	ch, ok := b.callbacks[id]
	delete(b.callbacks, id)
	b.mu.Unlock()
	if !ok {
		b.log.Printf("callback completion %s for unknown request %s", m.Name, id)
		return true
	}
	ch <- callbackReply{name: m.Name, data: m.Data}
	return true
}

// callback sends a callback request (the driver calls back into TestKit) and
// waits for TestKit's "...Completed" answer.
func (b *backend) callback(ctx context.Context, name string, data map[string]any) (callbackReply, error) {
	id := b.newID()
	ch := make(chan callbackReply, 1)
	b.mu.Lock()
	b.callbacks[id] = ch
	b.mu.Unlock()
	data["id"] = id
	if err := b.w.send(name, data); err != nil {
		return callbackReply{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
	case <-b.ctx.Done():
	}
	b.mu.Lock()
	delete(b.callbacks, id)
	b.mu.Unlock()
	return callbackReply{}, fmt.Errorf("waiting for %s answer: %w", name, context.Canceled)
}

// handlerFunc handles one request type.
type handlerFunc func(b *backend, data json.RawMessage) (response, error)

// dispatch runs the handler of m and sends its answer.
func (b *backend) dispatch(m message) {
	h, ok := handlers[m.Name]
	if !ok {
		b.sendError(backendErrorf("unknown request %q", m.Name))
		return
	}
	resp, err := h(b, m.Data)
	if err != nil {
		b.sendError(err)
		return
	}
	if resp.name != "" {
		if err := b.w.send(resp.name, resp.data); err != nil {
			b.log.Printf("sending %s: %v", resp.name, err)
		}
	}
}

// sendError reports err to TestKit as a FrontendError, BackendError or
// DriverError.
func (b *backend) sendError(err error) {
	var (
		fe *frontendError
		be *backendError
	)
	var name string
	var data any
	switch {
	case errors.As(err, &fe):
		name, data = "FrontendError", map[string]any{"msg": fe.msg}
	case errors.As(err, &be):
		name, data = "BackendError", map[string]any{"msg": be.Error()}
	default:
		id := b.newID()
		b.mu.Lock()
		b.errs[id] = err
		b.mu.Unlock()
		name, data = "DriverError", driverErrorJSON(id, err)
	}
	if werr := b.w.send(name, data); werr != nil {
		b.log.Printf("sending %s: %v", name, werr)
	}
}

// shutdown closes everything the connection created.
func (b *backend) shutdown() {
	b.cancel()
	clock.Uninstall() // a test that ended without FakeTimeUninstall must not freeze the next one
	b.mu.Lock()
	drivers := make([]*driverEntry, 0, len(b.drivers))
	for _, d := range b.drivers {
		drivers = append(drivers, d)
	}
	b.drivers = map[string]*driverEntry{}
	b.mu.Unlock()
	for _, d := range drivers {
		d.driver.Close(context.Background())
	}
}

// decodeData unmarshals request data into T.
func decodeData[T any](raw json.RawMessage) (T, error) {
	var v T
	if len(raw) == 0 || string(raw) == "null" {
		return v, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, backendErrorf("malformed request data: %w", err)
	}
	return v, nil
}

// lookup fetches an object by id from one of the backend's maps.
func lookup[T any](b *backend, m map[string]T, kind, id string) (T, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := m[id]
	if !ok {
		var zero T
		return zero, backendErrorf("unknown %s id %q", kind, id)
	}
	return v, nil
}

// store saves v under a fresh id in m and returns the id.
func store[T any](b *backend, m map[string]T, v T) string {
	id := b.newID()
	b.mu.Lock()
	m[id] = v
	b.mu.Unlock()
	return id
}
