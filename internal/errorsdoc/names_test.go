package errorsdoc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// packageDirs maps the package names the documents use to their directories.
var packageDirs = map[string]string{
	"native":     "native",
	"dbtype":     "dbtype",
	"sqldriver":  "sqldriver",
	"conv":       "conv",
	"nativetest": "nativetest",
	"neo4jotel":  "otel",
}

// exportedNames returns the package's exported top-level names, and
// "Type.Member" for the fields and methods of its types.
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
					continue
				}
				typ := d.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if g, ok := typ.(*ast.IndexExpr); ok {
					typ = g.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					names[id.Name+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					case *ast.TypeSpec:
						names[s.Name.Name] = true
						switch tt := s.Type.(type) {
						case *ast.StructType:
							for _, fld := range tt.Fields.List {
								for _, n := range fld.Names {
									names[s.Name.Name+"."+n.Name] = true
								}
							}
						case *ast.InterfaceType:
							for _, m := range tt.Methods.List {
								for _, n := range m.Names {
									names[s.Name.Name+"."+n.Name] = true
								}
							}
						}
					}
				}
			}
		}
	}
	return names
}

var qualified = regexp.MustCompile(`\b(native|dbtype|sqldriver|conv|nativetest|neo4jotel)\.([A-Z]\w*)(\.[A-Z]\w*)?`)

// boltwireText returns the parts of a document that name boltwire's API: all
// prose, and in MIGRATION.md's tables only the second (boltwire) column, as
// the first names the official driver's API.
func boltwireText(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "|") {
			cells := strings.Split(line, "|")
			if len(cells) > 3 {
				b.WriteString(cells[2])
				b.WriteByte('\n')
			}
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestDocumentedNamesExist checks that every qualified boltwire name in the
// user documents (native.X, dbtype.X, native.Config.Field, ...) exists in
// the source.
func TestDocumentedNamesExist(t *testing.T) {
	api := map[string]map[string]bool{}
	for pkg, dir := range packageDirs {
		api[pkg] = exportedNames(t, dir)
	}
	for _, doc := range []string{"MIGRATION.md", "TESTING.md", "OBSERVABILITY.md", "ERRORS.md"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "docs", doc))
		if err != nil {
			t.Errorf("%s: %v", doc, err)
			continue
		}
		text := string(raw)
		if doc == "MIGRATION.md" {
			text = boltwireText(text)
		}
		checked := 0
		for _, m := range qualified.FindAllStringSubmatch(text, -1) {
			pkg, name, member := m[1], m[2], strings.TrimPrefix(m[3], ".")
			checked++
			if !api[pkg][name] {
				t.Errorf("%s names %s.%s, which package %s does not declare", doc, pkg, name, pkg)
				continue
			}
			// Members are checked on types declared in the package (aliases
			// of other packages' types are skipped).
			if member != "" && hasMembers(api[pkg], name) && !api[pkg][name+"."+member] {
				t.Errorf("%s names %s.%s.%s, which does not exist", doc, pkg, name, member)
			}
		}
		if checked == 0 {
			t.Errorf("%s names no boltwire API at all", doc)
		}
	}
}

func hasMembers(names map[string]bool, typ string) bool {
	for n := range names {
		if strings.HasPrefix(n, typ+".") {
			return true
		}
	}
	return false
}
