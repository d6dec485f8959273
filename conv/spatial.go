package conv

import (
	"database/sql/driver"
	"fmt"
	"strconv"

	"github.com/boltwire/neo4j/dbtype"
)

// Point is a [database/sql.Scanner] and [driver.Valuer] for a Cypher POINT of
// either dimension. Is3D tells whether Z is meaningful. For geographic points
// (SRID 4326 and 4979) X is the longitude and Y the latitude.
type Point struct {
	SRID    uint32  // spatial reference system id, e.g. dbtype.SRIDWGS84_2D
	X, Y, Z float64 // coordinates (longitude, latitude, height when geographic); Z counts only when Is3D
	Is3D    bool    // whether the point is a POINT of 3 dimensions (Value then sends a dbtype.Point3D)
}

// Scan stores a POINT (dbtype.Point2D or dbtype.Point3D).
func (p *Point) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Point2D:
		*p = Point{SRID: s.SpatialRefId, X: s.X, Y: s.Y}
	case dbtype.Point3D:
		*p = Point{SRID: s.SpatialRefId, X: s.X, Y: s.Y, Z: s.Z, Is3D: true}
	case *dbtype.Point2D:
		if s == nil {
			return scanErr(src, p)
		}
		return p.Scan(*s)
	case *dbtype.Point3D:
		if s == nil {
			return scanErr(src, p)
		}
		return p.Scan(*s)
	default:
		return scanErr(src, p)
	}
	return nil
}

// Value returns the point as a dbtype.Point2D or dbtype.Point3D.
func (p Point) Value() (driver.Value, error) {
	if p.Is3D {
		return p.Point3D(), nil
	}
	return p.Point2D(), nil
}

// Point2D returns the point without Z.
func (p Point) Point2D() dbtype.Point2D {
	return dbtype.Point2D{SpatialRefId: p.SRID, X: p.X, Y: p.Y}
}

// Point3D returns the point with Z (0 for a 2D point).
func (p Point) Point3D() dbtype.Point3D {
	return dbtype.Point3D{SpatialRefId: p.SRID, X: p.X, Y: p.Y, Z: p.Z}
}

// String returns the point in Cypher's literal form, e.g.
// "point({srid:7203, x:1.5, y:2.5})".
func (p Point) String() string {
	if p.Is3D {
		return p.Point3D().String()
	}
	return p.Point2D().String()
}

// WKT returns the point as well-known text, e.g. "POINT(1.5 2.5)" or
// "POINT Z(1 2 3)"; the SRID is not part of WKT.
func (p Point) WKT() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if p.Is3D {
		return fmt.Sprintf("POINT Z(%s %s %s)", f(p.X), f(p.Y), f(p.Z))
	}
	return fmt.Sprintf("POINT(%s %s)", f(p.X), f(p.Y))
}
