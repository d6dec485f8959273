package native

import (
	"errors"
	"testing"
)

func TestErrorMessagesForNewUsers(t *testing.T) {
	auth := &Neo4jError{Code: codeUnauthorized, Msg: genericAuthFailure, GqlStatus: "50N42",
		authAddr: "127.0.0.1:7687", authUser: "neo4j", authScheme: "basic"}
	want := `authentication failed for user "neo4j" at 127.0.0.1:7687 (Neo.ClientError.Security.Unauthorized): check the password given to BasicAuth or in the DSN`
	if got := auth.Error(); got != want {
		t.Errorf("auth:\n got %s\nwant %s", got, want)
	}
	var nerr *Neo4jError
	if err := error(&UsageError{Message: "x", Err: auth}); !errors.As(err, &nerr) || nerr.Code != codeUnauthorized {
		t.Errorf("errors.As lost the Neo4jError")
	}
	if got := (&Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "m", GqlStatus: "50N42"}).Error(); got != "Neo4jError: Neo.ClientError.Statement.SyntaxError (m)" {
		t.Errorf("50N42 not omitted: %s", got)
	}
	if got := (&Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "m", GqlStatus: "42001"}).Error(); got != "Neo4jError: Neo.ClientError.Statement.SyntaxError (m) [GQL 42001]" {
		t.Errorf("GQL status: %s", got)
	}
	if got := (&ConnectivityError{Address: "h:1", Inner: errors.New("dial h:1: refused")}).Error(); got != "ConnectivityError: dial h:1: refused" {
		t.Errorf("address twice: %s", got)
	}
	if got := (&ConnectivityError{Address: "h:1", Inner: errors.New("refused")}).Error(); got != "ConnectivityError: h:1: refused" {
		t.Errorf("address missing: %s", got)
	}
	if got := (&UsageError{Message: "Session.Run", Err: ErrSessionClosed}).Error(); got != "Session.Run: session is closed; create a new one with Driver.NewSession" {
		t.Errorf("closed session: %s", got)
	}
}
