// Package errorsdoc holds the test that keeps docs/ERRORS.md true: it
// provokes, against a real server, each mistake the document lists and
// asserts the exact message a user sees. It has no non-test code.
package errorsdoc
