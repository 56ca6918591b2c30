package textform

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type mode uint8

var modes = Enum[mode]{Kind: "mode", Words: []string{"off", "on"}}

func TestEnum(t *testing.T) {
	t.Run("each value prints as its word and parses back", func(t *testing.T) {
		for i, w := range modes.Words {
			assert.Equal(t, w, modes.String(mode(i)))
			assert.True(t, modes.Known(mode(i)))
			v, err := modes.Parse(w)
			require.NoError(t, err)
			assert.Equal(t, mode(i), v)
		}
	})
	t.Run("a value without a word prints as kind(n) and is not known", func(t *testing.T) {
		assert.Equal(t, "mode(2)", modes.String(2))
		assert.Equal(t, "mode(255)", modes.String(255))
		assert.False(t, modes.Known(2))
	})
	t.Run("surrounding white space is ignored", func(t *testing.T) {
		v, err := modes.Parse(" \ton\n")
		require.NoError(t, err)
		assert.Equal(t, mode(1), v)
	})
	for _, tc := range []struct{ name, in, want string }{
		{"an unknown word is refused with every spelling listed", "maybe", `invalid mode "maybe" (want "off" or "on")`},
		{"the empty text is refused", "", `invalid mode "" (want "off" or "on")`},
		{"case matters", "ON", `invalid mode "ON" (want "off" or "on")`},
		{"the error quotes the text as given, spaces included", " no ", `invalid mode " no " (want "off" or "on")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := modes.Parse(tc.in)
			require.EqualError(t, err, tc.want)
		})
	}
}

func TestUnmarshal(t *testing.T) {
	t.Run("a good text is stored", func(t *testing.T) {
		v := 7
		require.NoError(t, Unmarshal(&v, []byte("42"), strconv.Atoi))
		assert.Equal(t, 42, v)
	})
	t.Run("a refused text leaves the value as it was and returns the parser's error", func(t *testing.T) {
		v := 7
		bad := errors.New("bad")
		err := Unmarshal(&v, []byte("x"), func(string) (int, error) { return 0, bad })
		require.ErrorIs(t, err, bad)
		assert.Equal(t, 7, v)
	})
}
