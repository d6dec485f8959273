package bolt

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Bolt protocol version.
type Version struct {
	Major, Minor byte // e.g. 5 and 4 for Bolt 5.4
}

// String renders the version as "major.minor".
func (v Version) String() string {
	return strconv.Itoa(int(v.Major)) + "." + strconv.Itoa(int(v.Minor))
}

// Less reports whether v is an older protocol version than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	return v.Minor < w.Minor
}

// ParseVersion parses "major.minor" (for example "5.8").
func ParseVersion(s string) (Version, error) {
	maj, min, ok := strings.Cut(s, ".")
	if !ok {
		return Version{}, fmt.Errorf("bolt: invalid version %q: want major.minor", s)
	}
	a, err1 := strconv.ParseUint(maj, 10, 8)
	b, err2 := strconv.ParseUint(min, 10, 8)
	if err1 != nil || err2 != nil {
		return Version{}, fmt.Errorf("bolt: invalid version %q: want major.minor", s)
	}
	return Version{byte(a), byte(b)}, nil
}

// SupportedVersions lists every Bolt version this package speaks, newest first.
// Bolt 5.5 is deliberately absent: no server ever negotiated it. The default proposal
// reaches all of them (see defaultClassic for how old servers settle).
var SupportedVersions = []Version{
	{6, 1}, {6, 0},
	{5, 8}, {5, 7}, {5, 6},
	{5, 4}, {5, 3}, {5, 2}, {5, 1}, {5, 0},
	{4, 4}, {4, 3}, {4, 2}, {4, 1}, {4, 0},
	{3, 0},
}

// IsSupported reports whether this package speaks version v.
func IsSupported(v Version) bool {
	for _, s := range SupportedVersions {
		if s == v {
			return true
		}
	}
	return false
}

// Feature names one protocol capability whose presence depends on the Bolt version.
// The table in this file is the single source of truth for those facts; the rest of the
// package asks Version.Has instead of comparing version numbers.
type Feature uint8

// Protocol features and the Bolt versions that carry them.
const (
	// FeatureQueryID: a transaction keeps several results open, each addressed by the
	// qid of RUN's SUCCESS in PULL/DISCARD {n, qid} (4.0+). Before, PULL_ALL and
	// DISCARD_ALL have no fields: results stream whole.
	FeatureQueryID Feature = iota
	// FeatureDatabase: db in BEGIN/RUN selects the database (4.0+).
	FeatureDatabase
	// FeatureHelloRouting: HELLO carries the routing context (4.1+).
	FeatureHelloRouting
	// FeatureRoute: the ROUTE message exists (4.3+); before, the routing table comes
	// from a routing procedure.
	FeatureRoute
	// FeatureRouteExtra: ROUTE's third field is a dictionary {db, imp_user} (4.4+),
	// not a database name or null.
	FeatureRouteExtra
	// FeatureUTCPatch: HELLO may ask for patch_bolt ["utc"] (4.3–4.4).
	FeatureUTCPatch
	// FeatureImpersonation: imp_user in BEGIN/RUN/ROUTE (4.4+).
	FeatureImpersonation
	// FeatureUTCDateTime: DateTime structures carry UTC instants (5.0+).
	FeatureUTCDateTime
	// FeatureElementIDs: Node/Relationship structures carry element ids (5.0+).
	FeatureElementIDs
	// FeatureLogon: auth travels in LOGON, not HELLO; LOGOFF and re-auth exist (5.1+).
	FeatureLogon
	// FeatureNotificationFilters: notification filter keys in HELLO/BEGIN/RUN (5.2+).
	FeatureNotificationFilters
	// FeatureDisabledCategories: the filter key is notifications_disabled_categories (5.2–5.4).
	FeatureDisabledCategories
	// FeatureBoltAgent: HELLO carries the mandatory bolt_agent dictionary (5.3+).
	FeatureBoltAgent
	// FeatureTelemetry: the TELEMETRY message exists (5.4+).
	FeatureTelemetry
	// FeatureDisabledClassifications: the filter key is notifications_disabled_classifications (5.6+).
	FeatureDisabledClassifications
	// FeatureGQLStatuses: PULL/DISCARD SUCCESS carry GQL statuses instead of notifications (5.6+).
	FeatureGQLStatuses
	// FeatureGQLFailure: FAILURE carries neo4j_code, gql_status, description, diagnostic_record, cause (5.7+).
	FeatureGQLFailure
	// FeatureHomeDatabase: RUN/BEGIN SUCCESS report the resolved home db; hint ssr.enabled (5.8+).
	FeatureHomeDatabase
	// FeatureVector: the Vector and UnsupportedType structures (6.0+).
	FeatureVector
	// FeatureUnsupportedType: the server sends UnsupportedType placeholders (6.0+).
	FeatureUnsupportedType
	// FeatureUUID: the UUID PackStream marker (6.1+).
	FeatureUUID
	numFeatures
)

// versionRange is an inclusive range of versions.
type versionRange struct{ from, to Version }

var anyLater = Version{255, 255}

// featureTable says, for each feature, the versions that have it.
var featureTable = [numFeatures]versionRange{
	FeatureQueryID:                 {Version{4, 0}, anyLater},
	FeatureDatabase:                {Version{4, 0}, anyLater},
	FeatureHelloRouting:            {Version{4, 1}, anyLater},
	FeatureRoute:                   {Version{4, 3}, anyLater},
	FeatureRouteExtra:              {Version{4, 4}, anyLater},
	FeatureUTCPatch:                {Version{4, 3}, Version{4, 4}},
	FeatureImpersonation:           {Version{4, 4}, anyLater},
	FeatureUTCDateTime:             {Version{5, 0}, anyLater},
	FeatureElementIDs:              {Version{5, 0}, anyLater},
	FeatureLogon:                   {Version{5, 1}, anyLater},
	FeatureNotificationFilters:     {Version{5, 2}, anyLater},
	FeatureDisabledCategories:      {Version{5, 2}, Version{5, 4}},
	FeatureBoltAgent:               {Version{5, 3}, anyLater},
	FeatureTelemetry:               {Version{5, 4}, anyLater},
	FeatureDisabledClassifications: {Version{5, 6}, anyLater},
	FeatureGQLStatuses:             {Version{5, 6}, anyLater},
	FeatureGQLFailure:              {Version{5, 7}, anyLater},
	FeatureHomeDatabase:            {Version{5, 8}, anyLater},
	FeatureVector:                  {Version{6, 0}, anyLater},
	FeatureUnsupportedType:         {Version{6, 0}, anyLater},
	FeatureUUID:                    {Version{6, 1}, anyLater},
}

// Has reports whether version v carries feature f.
func (v Version) Has(f Feature) bool {
	if f >= numFeatures {
		return false
	}
	r := featureTable[f]
	return !v.Less(r.from) && !r.to.Less(v)
}
