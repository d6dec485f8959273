package native

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is the Bolt port used when a URI names none.
const DefaultPort = 7687

// target is a parsed driver URI.
type target struct {
	url            url.URL
	scheme         string            // bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc
	routing        bool              // neo4j* schemes
	encrypted      bool              // +s or +ssc
	skipVerify     bool              // +ssc
	host           string            // host name or IP, without brackets
	address        string            // host:port
	routingContext map[string]string // URI query (routing schemes only) plus "address"
}

// parseURI checks a driver URI and splits it into its parts. Errors are
// *UsageError naming the offending part.
func parseURI(raw string) (*target, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, usageErrorf("URI is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// *url.Error repeats the whole URI, password included: keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &UsageError{Message: "invalid URI " + strconv.Quote(redactURI(raw)), Err: err}
	}
	t := &target{url: *u, scheme: strings.ToLower(u.Scheme)}
	switch t.scheme {
	case "bolt":
	case "bolt+s":
		t.encrypted = true
	case "bolt+ssc":
		t.encrypted, t.skipVerify = true, true
	case "neo4j":
		t.routing = true
	case "neo4j+s":
		t.routing, t.encrypted = true, true
	case "neo4j+ssc":
		t.routing, t.encrypted, t.skipVerify = true, true, true
	case "":
		return nil, usageErrorf("URI %q has no scheme (want bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc)", redactURI(raw))
	default:
		return nil, usageErrorf("URI scheme %q is not supported (want bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc)", u.Scheme)
	}
	if u.Opaque != "" {
		return nil, usageErrorf("URI %q must have the form scheme://host[:port]", redactURI(raw))
	}
	if u.User != nil {
		return nil, usageErrorf("URI must not contain user info (credentials); pass an AuthToken instead")
	}
	t.host = u.Hostname()
	if t.host == "" {
		return nil, usageErrorf("URI %q has no host", redactURI(raw))
	}
	port := DefaultPort
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, usageErrorf("URI port %q is not a number between 1 and 65535", p)
		}
		port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, usageErrorf("URI %q has an empty port", redactURI(raw))
	}
	t.address = net.JoinHostPort(t.host, strconv.Itoa(port))
	if u.Path != "" && u.Path != "/" {
		return nil, usageErrorf("URI path %q is not supported (choose the database in SessionConfig.DatabaseName)", u.Path)
	}
	if u.Fragment != "" {
		return nil, usageErrorf("URI fragment %q is not supported", u.Fragment)
	}
	if u.RawQuery != "" || u.ForceQuery {
		if !t.routing {
			return nil, usageErrorf("URI query %q is only allowed (as routing context) with the neo4j, neo4j+s and neo4j+ssc schemes, not with %s://", u.RawQuery, u.Scheme)
		}
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			return nil, &UsageError{Message: "URI query " + strconv.Quote(u.RawQuery) + " is malformed", Err: err}
		}
		t.routingContext = make(map[string]string, len(q)+1)
		for k, vs := range q {
			switch {
			case k == "":
				return nil, usageErrorf("URI query has an empty routing context key")
			case k == "address":
				return nil, usageErrorf("URI query key \"address\" is reserved for the driver")
			case len(vs) != 1:
				return nil, usageErrorf("URI query key %q appears %d times", k, len(vs))
			case vs[0] == "":
				return nil, usageErrorf("URI query key %q has an empty value", k)
			}
			t.routingContext[k] = vs[0]
		}
	}
	if t.routing {
		if t.routingContext == nil {
			t.routingContext = map[string]string{}
		}
		t.routingContext["address"] = t.address
	}
	return t, nil
}

// redactURI removes a password from a URI for error messages.
func redactURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.Index(raw, "@"); i >= 0 {
			if j := strings.Index(raw, "://"); j >= 0 && j < i {
				return raw[:j+3] + "<redacted>" + raw[i:]
			}
		}
		return raw
	}
	return u.Redacted()
}
