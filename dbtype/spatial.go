package dbtype

import (
	"strconv"
	"strings"
)

// Well-known spatial reference system ids used by Neo4j.
const (
	SRIDCartesian2D uint32 = 7203 // cartesian x, y
	SRIDCartesian3D uint32 = 9157 // cartesian x, y, z
	SRIDWGS84_2D    uint32 = 4326 // WGS-84 longitude (X), latitude (Y)
	SRIDWGS84_3D    uint32 = 4979 // WGS-84 longitude (X), latitude (Y), height (Z)
)

// Point2D is a two-dimensional point. For geographic points (SRID 4326) X is
// the longitude and Y the latitude.
type Point2D struct {
	SpatialRefId uint32  // spatial reference system id, e.g. SRIDCartesian2D
	X, Y         float64 // coordinates: x and y, or longitude and latitude in degrees
}

// Point3D is a three-dimensional point. For geographic points (SRID 4979) X is
// the longitude, Y the latitude and Z the height.
type Point3D struct {
	SpatialRefId uint32  // spatial reference system id, e.g. SRIDCartesian3D
	X, Y, Z      float64 // coordinates: x, y and z, or longitude, latitude (degrees) and height (metres)
}

// String returns the point in Cypher's literal form, e.g.
// "point({srid:7203, x:1.5, y:2.5})".
func (p Point2D) String() string {
	var b strings.Builder
	b.WriteString("point({srid:")
	b.WriteString(strconv.FormatUint(uint64(p.SpatialRefId), 10))
	writeCoord(&b, "x", p.X)
	writeCoord(&b, "y", p.Y)
	b.WriteString("})")
	return b.String()
}

// String returns the point in Cypher's literal form, e.g.
// "point({srid:9157, x:1.0, y:2.0, z:3.0})".
func (p Point3D) String() string {
	var b strings.Builder
	b.WriteString("point({srid:")
	b.WriteString(strconv.FormatUint(uint64(p.SpatialRefId), 10))
	writeCoord(&b, "x", p.X)
	writeCoord(&b, "y", p.Y)
	writeCoord(&b, "z", p.Z)
	b.WriteString("})")
	return b.String()
}

func writeCoord(b *strings.Builder, name string, v float64) {
	b.WriteString(", ")
	b.WriteString(name)
	b.WriteByte(':')
	s := strconv.FormatFloat(v, 'g', -1, 64)
	b.WriteString(s)
	if !strings.ContainsAny(s, ".eEnN") { // keep floats recognisable: 1 → 1.0
		b.WriteString(".0")
	}
}
