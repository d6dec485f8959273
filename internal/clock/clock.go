// Package clock is the wall clock the driver reads for connection lifetimes,
// idle times (liveness checks), routing-table expiry and token expiry. It is
// time.Now unless a test installs a fake clock, which then stands still until
// advanced. Timers, socket deadlines and durations of I/O keep using the real
// clock: only the readings listed above follow a fake.
//
// The fake is process-wide; TestKit's backend installs it on FakeTimeInstall.
package clock

import (
	"sync"
	"sync/atomic"
	"time"
)

// Fake is a clock that moves only when Advance is called.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the fake time forward by d (backwards when d is negative).
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// NewFake returns a fake clock reading t, not installed: pass its Now where a
// clock function is wanted (tests), or use Install for the process-wide one.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

var installed atomic.Pointer[Fake]

// Now returns the installed fake's time, or time.Now() when none is installed.
func Now() time.Time {
	if f := installed.Load(); f != nil {
		return f.Now()
	}
	return time.Now()
}

// Since returns Now().Sub(t).
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Install freezes the clock at the current real time and returns the fake to
// advance. A fake already installed is replaced.
func Install() *Fake {
	f := NewFake(time.Now())
	installed.Store(f)
	return f
}

// Installed returns the installed fake, or nil.
func Installed() *Fake { return installed.Load() }

// Uninstall returns to the real clock.
func Uninstall() { installed.Store(nil) }
