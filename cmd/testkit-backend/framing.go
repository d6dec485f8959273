package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Frame markers of the TestKit backend protocol. A request is the line
// "#request begin", the JSON document (possibly spread over several lines) and
// "#request end"; responses use the same shape with "response". Lines outside
// a frame are ignored (a backend may log there).
const (
	requestBegin  = "#request begin"
	requestEnd    = "#request end"
	responseBegin = "#response begin"
	responseEnd   = "#response end"
)

// errFraming reports a malformed frame sequence.
var errFraming = errors.New("testkit framing error")

// frameReader reads request frames from TestKit.
type frameReader struct {
	r *bufio.Reader
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 64*1024)}
}

// next returns the JSON body of the next request frame. It returns io.EOF when
// the stream ends cleanly between frames and io.ErrUnexpectedEOF inside one.
func (fr *frameReader) next() ([]byte, error) {
	var body bytes.Buffer
	inFrame := false
	for {
		line, err := fr.r.ReadString('\n')
		if err != nil && (line == "" || err != io.EOF) {
			if err == io.EOF && inFrame {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case trimmed == requestBegin:
			if inFrame {
				return nil, fmt.Errorf("%w: %q inside a request", errFraming, requestBegin)
			}
			inFrame = true
			body.Reset()
		case trimmed == requestEnd:
			if !inFrame {
				return nil, fmt.Errorf("%w: %q outside a request", errFraming, requestEnd)
			}
			return body.Bytes(), nil
		case inFrame:
			body.WriteString(trimmed)
			body.WriteByte('\n')
		}
		if err == io.EOF {
			if inFrame {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, io.EOF
		}
	}
}

// message is the envelope of every request and response.
type message struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data"`
}

// frameWriter writes response frames; it is safe for concurrent use (the
// retry goroutines and callbacks write while the dispatcher works).
type frameWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func newFrameWriter(w io.Writer) *frameWriter { return &frameWriter{w: w} }

// send writes one response named name with the given data (nil means {}).
func (fw *frameWriter) send(name string, data any) error {
	if data == nil {
		data = struct{}{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	env, err := json.Marshal(message{Name: name, Data: raw})
	if err != nil {
		return fmt.Errorf("encoding %s envelope: %w", name, err)
	}
	var b bytes.Buffer
	b.Grow(len(env) + 48)
	b.WriteString(responseBegin + "\n")
	b.Write(env)
	b.WriteString("\n" + responseEnd + "\n")
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if _, err := fw.w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
