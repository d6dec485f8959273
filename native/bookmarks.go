package native

import (
	"context"
	"slices"
	"sync"
)

// Bookmarks are opaque server tokens, each naming a committed transaction. A
// transaction started with bookmarks sees the effects of all of them (causal
// consistency).
type Bookmarks = []string

// CombineBookmarks merges several bookmark sets into one, dropping duplicates and
// empty strings.
func CombineBookmarks(sets ...Bookmarks) Bookmarks {
	var out Bookmarks
	seen := map[string]bool{}
	for _, set := range sets {
		for _, b := range set {
			if b != "" && !seen[b] {
				seen[b] = true
				out = append(out, b)
			}
		}
	}
	return out
}

// BookmarkManager keeps the bookmarks of a group of sessions so that each
// transaction in the group sees the writes of all earlier ones. Share one
// manager between sessions (SessionConfig.BookmarkManager) for causal
// consistency across them. Implementations must be safe for concurrent use.
type BookmarkManager interface {
	// UpdateBookmarks replaces previous (the bookmarks a transaction started
	// with) by next (the bookmark it produced).
	UpdateBookmarks(ctx context.Context, previous, next Bookmarks) error
	// GetBookmarks returns the bookmarks a new transaction must wait for.
	GetBookmarks(ctx context.Context) (Bookmarks, error)
}

// BookmarkManagerConfig configures NewBookmarkManager.
type BookmarkManagerConfig struct {
	// InitialBookmarks are the bookmarks the manager starts with.
	InitialBookmarks Bookmarks
	// BookmarksSupplier, if set, is called by GetBookmarks; its bookmarks are
	// added to that answer (e.g. bookmarks kept by another process) but not
	// to the managed ones. Sessions call GetBookmarks for each transaction and
	// for each routing-table fetch it needs, so the supplier may be called
	// twice for one transaction.
	BookmarksSupplier func(ctx context.Context) (Bookmarks, error)
	// BookmarksConsumer, if set, is called after every update with the new set
	// of managed bookmarks.
	BookmarksConsumer func(ctx context.Context, bookmarks Bookmarks) error
}

// NewBookmarkManager returns the built-in BookmarkManager.
func NewBookmarkManager(config BookmarkManagerConfig) BookmarkManager {
	m := &bookmarkManager{
		set:      map[string]struct{}{},
		supplier: config.BookmarksSupplier,
		consumer: config.BookmarksConsumer,
	}
	for _, b := range config.InitialBookmarks {
		if b != "" {
			m.set[b] = struct{}{}
		}
	}
	return m
}

type bookmarkManager struct {
	mu       sync.Mutex
	set      map[string]struct{}
	supplier func(context.Context) (Bookmarks, error)
	consumer func(context.Context, Bookmarks) error
}

func (m *bookmarkManager) snapshot() Bookmarks {
	out := make(Bookmarks, 0, len(m.set))
	for b := range m.set {
		out = append(out, b)
	}
	slices.Sort(out)
	return out
}

func (m *bookmarkManager) UpdateBookmarks(ctx context.Context, previous, next Bookmarks) error {
	if len(next) == 0 {
		return nil
	}
	m.mu.Lock()
	for _, b := range previous {
		delete(m.set, b)
	}
	for _, b := range next {
		if b != "" {
			m.set[b] = struct{}{}
		}
	}
	var snap Bookmarks
	if m.consumer != nil {
		snap = m.snapshot()
	}
	m.mu.Unlock()
	if m.consumer != nil {
		return m.consumer(ctx, snap)
	}
	return nil
}

func (m *bookmarkManager) GetBookmarks(ctx context.Context) (Bookmarks, error) {
	m.mu.Lock()
	own := m.snapshot()
	m.mu.Unlock()
	if m.supplier == nil {
		return own, nil
	}
	extra, err := m.supplier(ctx)
	if err != nil {
		return nil, err
	}
	return CombineBookmarks(own, extra), nil
}
