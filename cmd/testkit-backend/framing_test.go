package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestFrameReaderReadsFramesAndSkipsNoise(t *testing.T) {
	in := "log line\n#request begin\n{\"name\":\"GetFeatures\",\n\"data\":{}}\n#request end\n\n" +
		"#request begin\r\n{\"name\":\"StartTest\",\"data\":{\"testName\":\"x\"}}\r\n#request end\r\n"
	fr := newFrameReader(strings.NewReader(in))
	var names []string
	for {
		body, err := fr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("unmarshal %q: %v", body, err)
		}
		names = append(names, m.Name)
	}
	if strings.Join(names, ",") != "GetFeatures,StartTest" {
		t.Fatalf("names = %v", names)
	}
}

func TestFrameReaderErrors(t *testing.T) {
	cases := map[string]struct {
		in   string
		want error
	}{
		"truncated":    {"#request begin\n{}\n", io.ErrUnexpectedEOF},
		"nested begin": {"#request begin\n#request begin\n", errFraming},
		"stray end":    {"#request end\n", errFraming},
		"empty":        {"", io.EOF},
		"no newline":   {"#request begin\n{}\n#request end", nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newFrameReader(strings.NewReader(c.in)).next()
			if c.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestFrameWriterFormat(t *testing.T) {
	var buf bytes.Buffer
	fw := newFrameWriter(&buf)
	if err := fw.send("RunTest", nil); err != nil {
		t.Fatal(err)
	}
	if err := fw.send("Driver", map[string]any{"id": "1"}); err != nil {
		t.Fatal(err)
	}
	want := "#response begin\n{\"name\":\"RunTest\",\"data\":{}}\n#response end\n" +
		"#response begin\n{\"name\":\"Driver\",\"data\":{\"id\":\"1\"}}\n#response end\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestFrameWriterConcurrentFramesDoNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	fw := newFrameWriter(&buf)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = fw.send("Record", map[string]any{"values": strings.Repeat("x", 1000)})
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 150 {
		t.Fatalf("got %d lines", len(lines))
	}
	for i := 0; i < len(lines); i += 3 {
		if lines[i] != responseBegin || lines[i+2] != responseEnd {
			t.Fatalf("frame %d malformed: %q / %q", i/3, lines[i], lines[i+2])
		}
	}
}

func TestFrameWriterRejectsUnencodable(t *testing.T) {
	fw := newFrameWriter(io.Discard)
	if err := fw.send("X", map[string]any{"f": func() {}}); err == nil {
		t.Fatal("want an encoding error")
	}
}
