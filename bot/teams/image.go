package teams

import (
	"bytes"
	"image"
	"image/png"

	xdraw "golang.org/x/image/draw"
)

// embeddable returns data, a PNG, as one of at most maxImage bytes: as it is
// when small enough, else scaled down in steps of 3/4 until it fits, so that
// a chart too large to embed is shown smaller rather than not at all. A
// paletted PNG keeps its palette. ok is false when data is not a PNG.
func embeddable(data []byte) (out []byte, ok bool) {
	if len(data) <= maxImage {
		return data, true
	}
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	for len(data) > maxImage {
		w, h = w*3/4, h*3/4
		if w == 0 || h == 0 {
			return nil, false
		}
		var dst xdraw.Image = image.NewRGBA(image.Rect(0, 0, w, h))
		if p, isPaletted := src.(*image.Paletted); isPaletted {
			dst = image.NewPaletted(image.Rect(0, 0, w, h), p.Palette)
		}
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
		var buf bytes.Buffer
		if err := png.Encode(&buf, dst); err != nil {
			return nil, false
		}
		data = buf.Bytes()
	}
	return data, true
}
