package native

import (
	"fmt"
	"io"
)

// AccessMode says whether a transaction reads or writes. In a cluster it
// decides where the transaction is routed (readers or the leader); it is not
// enforced on a single server.
type AccessMode int

// Access modes.
const (
	// AccessModeWrite is the default.
	AccessModeWrite AccessMode = iota
	// AccessModeRead routes to readers and marks the transaction read-only.
	AccessModeRead
)

// String returns "WRITE" or "READ".
func (m AccessMode) String() string {
	if m == AccessModeRead {
		return "READ"
	}
	return "WRITE"
}

// SessionConfig configures a session. The zero value is a write session on the
// user's home database with no bookmarks and no bookmark manager.
type SessionConfig struct {
	// AccessMode is the mode of Run and BeginTransaction (ExecuteRead and
	// ExecuteWrite choose their own). Default AccessModeWrite.
	AccessMode AccessMode
	// Bookmarks are waited for by the session's first transaction.
	Bookmarks Bookmarks
	// DatabaseName selects the database; "" is the user's home database.
	DatabaseName string
	// FetchSize overrides Config.FetchSize; FetchDefault (0) keeps it,
	// FetchAll (-1) pulls everything at once.
	FetchSize int
	// ImpersonatedUser runs the session's transactions as this user (Bolt 4.4+,
	// needs the IMPERSONATE privilege).
	ImpersonatedUser string
	// BookmarkManager, if set, is shared between sessions for causal
	// consistency: each transaction waits for the bookmarks it holds and adds its
	// own.
	BookmarkManager BookmarkManager
	// Auth, if set, authenticates this session's connections with another token
	// (needs Bolt 5.1+; older servers report a *UsageError).
	Auth *AuthToken
	// NotificationsMinSeverity overrides the driver's setting for this session.
	NotificationsMinSeverity NotificationMinSeverityLevel
	// NotificationsDisabledClassifications overrides the driver's setting for this
	// session (nil keeps it).
	NotificationsDisabledClassifications []NotificationClassification
	// BoltTrace, if set, traces this session's Bolt messages (see Config.BoltTrace).
	BoltTrace io.Writer
}

// String describes the configuration with the session auth token redacted.
func (c SessionConfig) String() string {
	auth := "nil"
	if c.Auth != nil {
		auth = c.Auth.String()
	}
	return fmt.Sprintf("SessionConfig{AccessMode=%v, Bookmarks=%d, DatabaseName=%q, FetchSize=%d, ImpersonatedUser=%q, BookmarkManager=%t, Auth=%s, NotificationsMinSeverity=%q, NotificationsDisabledClassifications=%v, BoltTrace=%t}",
		c.AccessMode, len(c.Bookmarks), c.DatabaseName, c.FetchSize, c.ImpersonatedUser, c.BookmarkManager != nil,
		auth, string(c.NotificationsMinSeverity), c.NotificationsDisabledClassifications, c.BoltTrace != nil)
}

// GoString is like String, so that %#v redacts too.
func (c SessionConfig) GoString() string { return c.String() }

func (c *SessionConfig) validate() error {
	if c.AccessMode != AccessModeRead && c.AccessMode != AccessModeWrite {
		return usageErrorf("SessionConfig.AccessMode %d is not AccessModeRead or AccessModeWrite", int(c.AccessMode))
	}
	if c.FetchSize < FetchAll {
		return usageErrorf("SessionConfig.FetchSize must be positive, FetchDefault (0) or FetchAll (-1), got %d", c.FetchSize)
	}
	if err := c.NotificationsMinSeverity.validate("SessionConfig.NotificationsMinSeverity"); err != nil {
		return err
	}
	return validateClassifications("SessionConfig.NotificationsDisabledClassifications", c.NotificationsDisabledClassifications)
}
