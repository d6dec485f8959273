package dbtype

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

var sampleUUID = UUID{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00}

func TestParseUUIDForms(t *testing.T) {
	for _, s := range []string{
		"550e8400-e29b-41d4-a716-446655440000",
		"550E8400-E29B-41D4-A716-446655440000",
		"550e8400e29b41d4a716446655440000",
		"{550e8400-e29b-41d4-a716-446655440000}",
		"urn:uuid:550e8400-e29b-41d4-a716-446655440000",
	} {
		u, err := ParseUUID(s)
		require.NoError(t, err, s)
		require.Equal(t, sampleUUID, u, s)
	}
	require.Equal(t, "550e8400-e29b-41d4-a716-446655440000", sampleUUID.String())
}

func TestParseUUIDRejects(t *testing.T) {
	for _, s := range []string{
		"", "550e8400-e29b-41d4-a716-44665544000", "550e8400-e29b-41d4-a716-4466554400000",
		"550e8400xe29b-41d4-a716-446655440000", "g50e8400-e29b-41d4-a716-446655440000",
		"{550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-44665544000g",
	} {
		_, err := ParseUUID(s)
		require.ErrorIs(t, err, ErrInvalidUUID, s)
	}
	require.Panics(t, func() { MustParseUUID("nope") })
}

func TestUUIDConversions(t *testing.T) {
	arr := [16]byte(sampleUUID)
	require.Equal(t, sampleUUID, UUID(arr))
	u, err := UUIDFromBytes(arr[:])
	require.NoError(t, err)
	require.Equal(t, sampleUUID, u)
	_, err = UUIDFromBytes(arr[:15])
	require.True(t, errors.Is(err, ErrInvalidUUID))
	require.True(t, UUID{}.IsZero())
	require.False(t, sampleUUID.IsZero())
	require.Equal(t, "00000000-0000-0000-0000-000000000000", UUID{}.String())
}

func TestUUIDText(t *testing.T) {
	b, err := json.Marshal(map[string]UUID{"id": sampleUUID})
	require.NoError(t, err)
	require.JSONEq(t, `{"id":"550e8400-e29b-41d4-a716-446655440000"}`, string(b))
	var back map[string]UUID
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, sampleUUID, back["id"])
	var u UUID
	require.ErrorIs(t, u.UnmarshalText([]byte("zz")), ErrInvalidUUID)
	require.True(t, u.IsZero(), "failed UnmarshalText must not modify the UUID")
}
