package clock

import (
	"testing"
	"time"
)

func TestFakeStandsStillUntilAdvanced(t *testing.T) {
	defer Uninstall()
	f := Install()
	t0 := Now()
	time.Sleep(5 * time.Millisecond)
	if got := Now(); !got.Equal(t0) {
		t.Fatalf("fake clock moved by itself: %v -> %v", t0, got)
	}
	f.Advance(90 * time.Minute)
	if got := Since(t0); got != 90*time.Minute {
		t.Fatalf("Since after Advance(90m) = %v", got)
	}
	if Installed() != f {
		t.Fatal("Installed does not return the installed fake")
	}
	Uninstall()
	if Installed() != nil {
		t.Fatal("fake still installed after Uninstall")
	}
	if d := time.Since(Now()); d < 0 || d > time.Second {
		t.Fatalf("real clock after Uninstall is off by %v", d)
	}
}
