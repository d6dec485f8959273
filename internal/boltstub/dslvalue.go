package boltstub

import (
	"fmt"
	"strconv"
	"strings"
)

// valueParser reads the field syntax of Parse: JSON values plus `*`, `...`
// and <absent>.
type valueParser struct {
	s      string
	pos    int
	expect bool // null becomes the Null matcher (client lines)
}

func (p *valueParser) eof() bool { return p.pos >= len(p.s) }

func (p *valueParser) space() {
	for !p.eof() && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *valueParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at column %d: %s", p.pos+1, fmt.Sprintf(format, args...))
}

func (p *valueParser) consume(tok string) bool {
	if strings.HasPrefix(p.s[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *valueParser) value() (any, error) {
	p.space()
	if p.eof() {
		return nil, p.errorf("value expected")
	}
	switch c := p.s[p.pos]; {
	case c == '*':
		p.pos++
		return Any, nil
	case c == '"':
		return p.str()
	case c == '{':
		return p.dict()
	case c == '[':
		return p.list()
	case p.consume("<absent>"):
		return Absent, nil
	case p.consume("null"):
		if p.expect {
			return Null, nil
		}
		return nil, nil
	case p.consume("true"):
		return true, nil
	case p.consume("false"):
		return false, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errorf("unexpected %q", p.s[p.pos:])
}

func (p *valueParser) str() (string, error) {
	start := p.pos
	p.pos++
	for !p.eof() {
		switch p.s[p.pos] {
		case '\\':
			p.pos += 2
			continue
		case '"':
			p.pos++
			v, err := strconv.Unquote(p.s[start:p.pos])
			if err != nil {
				return "", p.errorf("bad string %s: %v", p.s[start:p.pos], err)
			}
			return v, nil
		}
		p.pos++
	}
	return "", p.errorf("unterminated string")
}

func (p *valueParser) number() (any, error) {
	start := p.pos
	p.pos++
	for !p.eof() && strings.IndexByte("0123456789.eE+-", p.s[p.pos]) >= 0 {
		p.pos++
	}
	tok := p.s[start:p.pos]
	if i, err := strconv.ParseInt(tok, 10, 64); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		return nil, p.errorf("bad number %q", tok)
	}
	return f, nil
}

func (p *valueParser) list() (any, error) {
	p.pos++ // [
	out := []any{}
	for {
		p.space()
		if p.consume("]") {
			return out, nil
		}
		if len(out) > 0 && !p.consume(",") {
			return nil, p.errorf("',' or ']' expected")
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func (p *valueParser) dict() (any, error) {
	p.pos++ // {
	out := map[string]any{}
	partial := false
	for n := 0; ; n++ {
		p.space()
		if p.consume("}") {
			if partial {
				return Partial(out), nil
			}
			return out, nil
		}
		if partial {
			return nil, p.errorf("'...' must be the last entry")
		}
		if n > 0 && !p.consume(",") {
			return nil, p.errorf("',' or '}' expected")
		}
		p.space()
		if p.consume("...") {
			partial = true
			continue
		}
		if p.eof() || p.s[p.pos] != '"' {
			return nil, p.errorf("dictionary key (a quoted string) expected")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if !p.consume(":") {
			return nil, p.errorf("':' expected after key %q", k)
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
}
