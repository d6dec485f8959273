// Package apidoc holds a test that every exported name of the module's
// packages (exported fields and interface methods of exported types
// included) has a doc comment, and every package a package comment.
package apidoc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// moduleRoot is the directory holding go.mod, two levels up.
const moduleRoot = "../.."

// skipDir reports directories that are not this module's library code:
// other modules (bench, otel have their own go.mod and their own check
// below), test data and hidden folders.
func skipDir(rel string, d fs.DirEntry) bool {
	name := d.Name()
	return rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules")
}

// missingDocs walks root and returns one line per exported declaration
// without a doc comment, per exported field or interface method of an
// exported type without a doc or line comment, and per package without a
// package comment, in the non-test .go files of every directory (nested
// modules included: their API is ours too).
func missingDocs(t *testing.T, root string) []string {
	out, _ := walk(t, root)
	return out
}

// walk is missingDocs that also returns the directories it parsed.
func walk(t *testing.T, root string) (out, dirs []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if skipDir(rel, d) {
			return filepath.SkipDir
		}
		out = append(out, checkDir(t, path, rel)...)
		dirs = append(dirs, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out, dirs
}

func checkDir(t *testing.T, dir, rel string) []string {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		t.Fatalf("parse %s: %v", dir, err)
	}
	var out []string
	for name, pkg := range pkgs {
		hasPkgDoc := false
		for _, f := range pkg.Files {
			if f.Doc != nil {
				hasPkgDoc = true
			}
		}
		if !hasPkgDoc && name != "main" {
			out = append(out, rel+": package "+name+" has no package comment")
		}
		if name == "main" {
			// Commands: only the package comment (their exported names
			// are not an API).
			if !hasPkgDoc {
				out = append(out, rel+": command has no package comment")
			}
			continue
		}
		for file, f := range pkg.Files {
			base, _ := filepath.Rel(moduleRoot, file)
			for _, decl := range f.Decls {
				out = append(out, checkDecl(fset, base, decl)...)
			}
		}
	}
	return out
}

func checkDecl(fset *token.FileSet, file string, decl ast.Decl) []string {
	where := func(p token.Pos) string {
		return file + ":" + itoa(fset.Position(p).Line)
	}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() || d.Doc != nil {
			return nil
		}
		if d.Recv != nil {
			recv := receiverType(d.Recv.List[0].Type)
			if !ast.IsExported(recv) {
				return nil // methods of unexported types are not API docs
			}
			return []string{where(d.Pos()) + ": method " + recv + "." + d.Name.Name}
		}
		return []string{where(d.Pos()) + ": func " + d.Name.Name}
	case *ast.GenDecl:
		var out []string
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				if s.Doc == nil && d.Doc == nil {
					out = append(out, where(s.Pos())+": type "+s.Name.Name)
				}
				out = append(out, checkMembers(where, s.Name.Name, s.Type)...)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					// A grouped const/var block documented as a whole
					// (iota enumerations) counts as documented.
					if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
						out = append(out, where(n.Pos())+": "+d.Tok.String()+" "+n.Name)
					}
				}
			}
		}
		return out
	}
	return nil
}

// checkMembers reports the exported fields of the struct type and the
// methods of the interface type t (of the exported type or field named
// owner) that have neither a doc comment nor a trailing line comment, and
// does the same for the anonymous struct and interface types nested in their
// types (owner.Field.Inner). Embedded fields are documented by their type.
func checkMembers(where func(token.Pos) string, owner string, t ast.Expr) []string {
	var out []string
	ast.Inspect(t, func(n ast.Node) bool {
		var list *ast.FieldList
		kind := "field"
		switch x := n.(type) {
		case *ast.StructType:
			list = x.Fields
		case *ast.InterfaceType:
			list, kind = x.Methods, "interface method"
		case *ast.FuncType:
			return false // parameters and results are not members
		default:
			return true
		}
		for _, f := range list.List {
			for _, name := range f.Names {
				if !name.IsExported() {
					continue
				}
				if f.Doc == nil && f.Comment == nil {
					out = append(out, where(name.Pos())+": "+kind+" "+owner+"."+name.Name)
				}
				if kind == "field" {
					out = append(out, checkMembers(where, owner+"."+name.Name, f.Type)...)
				}
			}
		}
		return false
	})
	return out
}

func receiverType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverType(x.X)
	case *ast.IndexExpr:
		return receiverType(x.X)
	case *ast.IndexListExpr:
		return receiverType(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// TestEveryExportedNameHasADocComment fails with the list of exported
// declarations (types, functions, methods of exported types, constants and
// variables) without a doc comment, fields and interface methods of exported
// types without a doc or line comment, and packages without a package
// comment, anywhere in the repository (the bench and otel modules too).
func TestEveryExportedNameHasADocComment(t *testing.T) {
	if _, err := os.Stat(filepath.Join(moduleRoot, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	missing, dirs := walk(t, moduleRoot)
	for _, want := range []string{"bolt", "bolt/packstream", "dbtype", "native", "sqldriver", "conv", "bench", "otel", "cmd/testkit-backend"} {
		if !slices.Contains(dirs, want) {
			t.Errorf("the walk did not reach %s (parsed: %v)", want, dirs)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d exported names or packages without a doc comment:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestMissingDocsFindsUndocumentedNames runs the check on a package written
// for it: each kind of undocumented exported name is reported, documented
// and unexported ones are not.
func TestMissingDocsFindsUndocumentedNames(t *testing.T) {
	dir := t.TempDir()
	src := `package p

// Documented is documented.
func Documented() {}

func Bare() {}

func unexported() {}

type T struct{}

func (T) M() {}

// N is documented.
func (T) N() {}

type hidden struct{}

func (hidden) Exported() {}

const C = 1

// Group is documented as a whole.
const (
	A = iota
	B
)

var V, w int

// S is documented.
type S struct {
	Bare int
	// Doc is documented.
	Doc      int
	Line     int // Line is documented by its line comment.
	A, B     int // A and B are documented together.
	unexported int
	T               // embedded: documented by its type
	// Nested is documented.
	Nested struct {
		Inner int
	}
}

// I is documented.
type I interface {
	Bare()
	// Doc is documented.
	Doc()
	Line() // Line is documented by its line comment.
	stringer
	unexported()
}

type stringer interface{ String() string }

type hiddenStruct struct {
	Exported int
}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc TestX() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := missingDocs(t, dir)
	var kinds []string
	for _, g := range got {
		_, what, _ := strings.Cut(g, ": ")
		if i := strings.LastIndex(g, ": "); i >= 0 {
			what = g[i+2:]
		}
		kinds = append(kinds, what)
	}
	want := []string{"const C", "field S.Bare", "field S.Nested.Inner", "func Bare", "interface method I.Bare", "method T.M", "package p has no package comment", "type T", "var V"}
	sort.Strings(kinds)
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("reported:\n%s\nwant the kinds %q", strings.Join(got, "\n"), want)
	}
}
