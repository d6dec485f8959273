package bolt

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// offline returns a Conn that only encodes (no transport) at version v.
func offline(v Version) *Conn {
	c := &Conn{version: v}
	c.setFeatures()
	return c
}

// ts renders a tiny (< 16 bytes) PackStream string as hex, straight from the spec:
// marker 0x80 + length, then the UTF-8 bytes.
func ts(s string) string {
	if len(s) > 15 {
		panic("ts: string too long")
	}
	return fmt.Sprintf("%02x%s ", 0x80+len(s), hex.EncodeToString([]byte(s)))
}

func TestMessageBytes(t *testing.T) {
	v58 := Version{5, 8}
	for _, tc := range []struct {
		name  string
		v     Version
		queue func(c *Conn) error
		want  string
	}{
		{"RESET", v58, func(c *Conn) error { _, err := c.queueSimple(msgReset); return err }, "b0 0f"},
		{"GOODBYE", v58, func(c *Conn) error { _, err := c.queueSimple(msgGoodbye); return err }, "b0 02"},
		{"COMMIT", v58, func(c *Conn) error { _, err := c.queueSimple(msgCommit); return err }, "b0 12"},
		{"ROLLBACK", v58, func(c *Conn) error { _, err := c.queueSimple(msgRollback); return err }, "b0 13"},
		{"LOGOFF", v58, func(c *Conn) error { _, err := c.queueSimple(msgLogoff); return err }, "b0 6b"},
		{"PULL all", v58, func(c *Conn) error { _, err := c.queuePullDiscard(msgPull, nil, -1, -1); return err },
			"b1 3f a1" + ts("n") + "ff"},
		{"PULL n qid", Version{4, 4}, func(c *Conn) error { _, err := c.queuePullDiscard(msgPull, nil, 1000, 3); return err },
			"b1 3f a2" + ts("n") + "c9 03 e8" + ts("qid") + "03"},
		{"DISCARD", v58, func(c *Conn) error { _, err := c.queuePullDiscard(msgDiscard, nil, -1, 2); return err },
			"b1 2f a2" + ts("n") + "ff" + ts("qid") + "02"},
		{"RUN", v58, func(c *Conn) error { _, err := c.queueRun(nil, "RETURN 1", nil, nil); return err },
			"b3 10" + ts("RETURN 1") + "a0 a0"},
		{"RUN params extra", v58, func(c *Conn) error {
			extra, err := c.txKVs(&TxConfig{Mode: Read, Database: "neo4j"})
			if err != nil {
				return err
			}
			_, err = c.queueRun(nil, "RETURN $x", map[string]any{"x": -17}, extra)
			return err
		}, "b3 10" + ts("RETURN $x") + "a1" + ts("x") + "c8 ef a2" + ts("mode") + ts("r") + ts("db") + ts("neo4j")},
		{"BEGIN full", v58, func(c *Conn) error {
			_, err := c.queueBegin(&TxConfig{Bookmarks: []string{"bm"}, Timeout: 2 * time.Second, TimeoutSet: true,
				Metadata: map[string]any{"k": "v"}, Mode: Read, Database: "db", ImpersonatedUser: "bob",
				Notifications: &NotificationConfig{MinimumSeverity: "OFF"}})
			return err
		}, "b1 11 a7" + ts("bookmarks") + "91" + ts("bm") + ts("tx_timeout") + "c9 07 d0" + ts("tx_metadata") +
			"a1" + ts("k") + ts("v") + ts("mode") + ts("r") + ts("db") + ts("db") + ts("imp_user") + ts("bob") +
			"d0 1e" + hex.EncodeToString([]byte("notifications_minimum_severity")) + ts("OFF")},
		{"BEGIN empty", Version{4, 4}, func(c *Conn) error { _, err := c.queueBegin(&TxConfig{}); return err }, "b1 11 a0"},
		{"TELEMETRY", v58, func(c *Conn) error { _, err := c.queueTelemetry(TelemetryAutoCommit); return err }, "b1 54 02"},
		{"ROUTE", v58, func(c *Conn) error {
			_, err := c.queueRoute(map[string]string{"address": "h:1"}, nil, "neo4j", "")
			return err
		}, "b3 66 a1" + ts("address") + ts("h:1") + "90 a1" + ts("db") + ts("neo4j")},
		{"ROUTE home db", Version{4, 4}, func(c *Conn) error {
			_, err := c.queueRoute(nil, []string{"b"}, "", "")
			return err
		}, "b3 66 a0 91" + ts("b") + "a0"},
		{"LOGON", Version{5, 1}, func(c *Conn) error { _, err := c.queueLogon(BasicAuth("u", "p", "")); return err },
			"b1 6a a3" + ts("scheme") + ts("basic") + ts("credentials") + ts("p") + ts("principal") + ts("u")},
		{"HELLO 4.4", Version{4, 4}, func(c *Conn) error {
			return c.queueHello(DialConfig{UserAgent: "ua", Auth: BasicAuth("u", "p", "")})
		}, "b1 01 a5" + ts("user_agent") + ts("ua") + ts("patch_bolt") + "91" + ts("utc") +
			ts("scheme") + ts("basic") + ts("credentials") + ts("p") + ts("principal") + ts("u")},
		{"HELLO 5.0", Version{5, 0}, func(c *Conn) error {
			return c.queueHello(DialConfig{UserAgent: "ua", Auth: NoAuth()})
		}, "b1 01 a2" + ts("user_agent") + ts("ua") + ts("scheme") + ts("none")},
		{"HELLO 5.1 routing", Version{5, 1}, func(c *Conn) error {
			return c.queueHello(DialConfig{UserAgent: "ua", Auth: NoAuth(), RoutingContext: map[string]string{"address": "h:1"}})
		}, "b1 01 a2" + ts("user_agent") + ts("ua") + ts("routing") + "a1" + ts("address") + ts("h:1") +
			"b1 6a a1" + ts("scheme") + ts("none")},
		{"HELLO 5.2 categories", Version{5, 2}, func(c *Conn) error {
			return c.queueHello(DialConfig{UserAgent: "ua", Auth: NoAuth(),
				Notifications: NotificationConfig{DisabledClassifications: []string{"HINT"}}})
		}, "b1 01 a2" + ts("user_agent") + ts("ua") + "d0 21" +
			hex.EncodeToString([]byte("notifications_disabled_categories")) + "91" + ts("HINT") +
			"b1 6a a1" + ts("scheme") + ts("none")},
		{"HELLO 5.6 classifications", Version{5, 6}, func(c *Conn) error {
			return c.queueHello(DialConfig{UserAgent: "ua", Auth: NoAuth(), BoltAgent: map[string]string{"product": "p/1"},
				Notifications: NotificationConfig{DisabledClassifications: []string{}}})
		}, "b1 01 a3" + ts("user_agent") + ts("ua") + ts("bolt_agent") + "a1" + ts("product") + ts("p/1") + "d0 26" +
			hex.EncodeToString([]byte("notifications_disabled_classifications")) + "90" +
			"b1 6a a1" + ts("scheme") + ts("none")},
	} {
		c := offline(tc.v)
		require.NoError(t, tc.queue(c), tc.name)
		// Messages are each chunked separately: rebuild the expected wire bytes.
		var want []byte
		body := unhex(t, tc.want)
		f := newFrameReader(bytes.NewReader(c.out), readBufSize)
		for len(body) > 0 {
			got, err := f.readMessage()
			require.NoError(t, err, tc.name)
			require.LessOrEqual(t, len(got), len(body), tc.name)
			want = appendChunked(want, body[:len(got)])
			body = body[len(got):]
		}
		require.Equal(t, hexOf(want), hexOf(c.out), tc.name)
	}
}

func TestRunOver65535IsChunked(t *testing.T) {
	c := offline(Version{5, 8})
	q := string(pattern(70000))
	_, err := c.queueRun(nil, q, nil, nil)
	require.NoError(t, err)
	sizes := chunkSizes(t, c.out)
	require.Equal(t, 65535, sizes[0])
	require.Equal(t, 70000+2+5+2, sizes[0]+sizes[1], "struct header, D2 string header, two empty maps")
}

func TestEncodeErrorLeavesQueueClean(t *testing.T) {
	c := offline(Version{5, 8})
	_, err := c.queueRun(nil, "x", map[string]any{"bad": make(chan int)}, nil)
	require.ErrorContains(t, err, "bad")
	require.Empty(t, c.out)
	require.Empty(t, c.queue)
	_, err = c.queueBegin(&TxConfig{TimeoutSet: true, Timeout: -time.Second})
	require.Error(t, err)
}

func TestVersionTable(t *testing.T) {
	cases := []struct {
		f    Feature
		has  []Version
		lack []Version
	}{
		{FeatureUTCPatch, []Version{{4, 4}}, []Version{{5, 0}}},
		{FeatureElementIDs, []Version{{5, 0}, {6, 1}}, []Version{{4, 4}}},
		{FeatureLogon, []Version{{5, 1}}, []Version{{5, 0}, {4, 4}}},
		{FeatureNotificationFilters, []Version{{5, 2}, {6, 0}}, []Version{{5, 1}}},
		{FeatureDisabledCategories, []Version{{5, 2}, {5, 4}}, []Version{{5, 6}, {5, 1}}},
		{FeatureBoltAgent, []Version{{5, 3}}, []Version{{5, 2}}},
		{FeatureTelemetry, []Version{{5, 4}}, []Version{{5, 3}}},
		{FeatureDisabledClassifications, []Version{{5, 6}}, []Version{{5, 4}}},
		{FeatureGQLFailure, []Version{{5, 7}}, []Version{{5, 6}}},
		{FeatureHomeDatabase, []Version{{5, 8}}, []Version{{5, 7}}},
		{FeatureVector, []Version{{6, 0}}, []Version{{5, 8}}},
		{FeatureUUID, []Version{{6, 1}}, []Version{{6, 0}}},
	}
	for _, tc := range cases {
		for _, v := range tc.has {
			require.True(t, v.Has(tc.f), "%s should have feature %d", v, tc.f)
		}
		for _, v := range tc.lack {
			require.False(t, v.Has(tc.f), "%s should lack feature %d", v, tc.f)
		}
	}
	c := offline(Version{6, 1})
	require.True(t, c.dec.Features.UUID && c.dec.Features.Vector && c.dec.Features.UTCDateTime && c.dec.Features.ElementIDs)
	c = offline(Version{4, 4})
	require.False(t, c.dec.Features.UTCDateTime || c.dec.Features.ElementIDs)
	c.utcPatch = true
	c.setFeatures()
	require.True(t, c.enc.Features.UTCDateTime)
	v, err := ParseVersion("5.8")
	require.NoError(t, err)
	require.Equal(t, Version{5, 8}, v)
	require.Equal(t, "5.8", v.String())
	_, err = ParseVersion("5")
	require.Error(t, err)
	require.False(t, IsSupported(Version{5, 5}))
}

// TestTxKVsAllocs pins the list of BEGIN/RUN extras to the Conn's array and the
// bookmark list to a pointer (a slice in an interface would allocate): no
// allocation at all.
func TestTxKVsAllocs(t *testing.T) {
	c := offline(Version{5, 8})
	tx := &TxConfig{Bookmarks: []string{"bm"}, Mode: Read}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := c.txKVs(tx); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("txKVs allocates %v times, want 0", n)
	}
	extra, err := c.txKVs(tx)
	require.NoError(t, err)
	require.Equal(t, []kv{{"bookmarks", &c.txBms}, {"mode", "r"}}, extra)
	require.Equal(t, []string{"bm"}, c.txBms)
}

// TestRequestSlots pins that a transaction's requests (BEGIN, RUN, PULL, COMMIT)
// are the ones embedded in the Conn and the Stream: queueing them allocates
// nothing. A slot still in the queue is not reused: a second BEGIN queued before
// the first was answered gets a request of its own and leaves the first intact.
func TestRequestSlots(t *testing.T) {
	c := offline(Version{5, 8})
	s := &Stream{c: c, qid: -1}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := c.queueMsg(msgBegin, nil, func() error { c.enc.StructHeader(sigBegin, 1); return c.writeKVs(nil) }); err != nil {
			t.Fatal(err)
		}
		if _, err := c.queueRun(s, "RETURN 1", nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.pull(1000); err != nil {
			t.Fatal(err)
		}
		if _, err := c.queueSimple(msgCommit); err != nil {
			t.Fatal(err)
		}
		for len(c.queue) > 0 {
			c.pop()
		}
		c.out = c.out[:0]
	}); n != 0 {
		t.Errorf("queueing BEGIN, RUN, PULL and COMMIT allocates %v times, want 0", n)
	}
	require.Same(t, &s.pullReq, s.pending)

	first, err := c.queueMsg(msgBegin, nil, func() error { c.enc.StructHeader(sigBegin, 1); return c.writeKVs(nil) })
	require.NoError(t, err)
	require.Same(t, &c.beginReq, first)
	second, err := c.queueSimple(msgRollback)
	require.NoError(t, err)
	require.Same(t, &c.endReq, second)
	third, err := c.queueMsg(msgBegin, nil, func() error { c.enc.StructHeader(sigBegin, 1); return c.writeKVs(nil) })
	require.NoError(t, err)
	require.NotSame(t, first, third, "a queued slot is not reused")
	require.Equal(t, []*request{first, second, third}, c.queue)
	require.True(t, first.queued && first.kind == msgBegin)
	c.dropQueue(errIgnored, nil)
	require.False(t, first.queued || second.queued || third.queued)
}
