package packstream

// Features selects version-dependent encodings; package bolt fills it from its
// version table.
type Features struct {
	UTCDateTime     bool // Bolt 5.0+ (and 4.4 with the "utc" patch): DateTime tags 'I' (0x49) / 'i' (0x69); else legacy 'F'/'f'
	ElementIDs      bool // Bolt 5.0+: Node/Relationship/UnboundRelationship carry element id fields
	Vector          bool // Bolt 6.0+: Vector structure
	UnsupportedType bool // Bolt 6.0+
	UUID            bool // Bolt 6.1+: marker 0xE0 + 16 bytes
}

// Kind is the kind of the next PackStream value, as reported by [Decoder.PeekKind].
type Kind uint8

// The PackStream value kinds.
const (
	KindInvalid Kind = iota // not a value (reserved marker)
	KindNull                // C0
	KindBool                // C2, C3
	KindInt                 // tiny ints, C8–CB
	KindFloat               // C1
	KindString              // 80–8F, D0–D2
	KindBytes               // CC–CE
	KindList                // 90–9F, D4–D6
	KindMap                 // A0–AF, D8–DA
	KindStruct              // B0–BF
	KindUUID                // E0 (Bolt 6.1+)
)

// String returns the PackStream name of the kind, e.g. "Integer".
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "Null"
	case KindBool:
		return "Boolean"
	case KindInt:
		return "Integer"
	case KindFloat:
		return "Float"
	case KindString:
		return "String"
	case KindBytes:
		return "Bytes"
	case KindList:
		return "List"
	case KindMap:
		return "Dictionary"
	case KindStruct:
		return "Structure"
	case KindUUID:
		return "UUID"
	}
	return "Invalid"
}

// MaxDepth is how deeply lists, dictionaries and structures may nest, in both
// directions. Deeper input is rejected with [ErrTooDeep].
const MaxDepth = 128

// Structure tags of the Bolt value structures.
const (
	TagNode                = 'N' // 0x4E
	TagRelationship        = 'R' // 0x52
	TagUnboundRelationship = 'r' // 0x72
	TagPath                = 'P' // 0x50
	TagDate                = 'D' // 0x44
	TagTime                = 'T' // 0x54
	TagLocalTime           = 't' // 0x74
	TagDateTime            = 'I' // 0x49, Bolt 5.0+
	TagDateTimeZoneID      = 'i' // 0x69, Bolt 5.0+
	TagLegacyDateTime      = 'F' // 0x46, before Bolt 5.0
	TagLegacyDateTimeZone  = 'f' // 0x66, before Bolt 5.0
	TagLocalDateTime       = 'd' // 0x64
	TagDuration            = 'E' // 0x45
	TagPoint2D             = 'X' // 0x58
	TagPoint3D             = 'Y' // 0x59
	TagVector              = 'V' // 0x56, Bolt 6.0+
	TagUnsupportedType     = '?' // 0x3F, Bolt 6.0+
)
