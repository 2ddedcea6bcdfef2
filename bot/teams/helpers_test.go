package teams_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"testing"
)

func base64URL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// pngOf returns a w×h PNG.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
