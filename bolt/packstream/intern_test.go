package packstream

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestIntern(t *testing.T) {
	var d Decoder
	long := strings.Repeat("x", internMaxLen+1)
	inputs := []string{"", "a", "name", "BenchP", long}
	for i := 0; i < 600; i++ { // more distinct strings than slots: collisions
		inputs = append(inputs, "k"+strconv.Itoa(i))
	}
	for round := 0; round < 2; round++ {
		for _, in := range inputs {
			b := []byte(in)
			got := d.intern(b)
			for i := range b {
				b[i] = 0 // the input buffer is reused: the result must not alias it
			}
			if got != in {
				t.Fatalf("intern(%q) = %q", in, got)
			}
		}
	}
	// A repeated short string is shared.
	a, b := d.intern([]byte("name")), d.intern([]byte("name"))
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("a repeated key was not shared")
	}
	if n := testing.AllocsPerRun(100, func() { d.intern([]byte("name")) }); n != 0 {
		t.Errorf("intern of a cached string allocates %v times", n)
	}
}
