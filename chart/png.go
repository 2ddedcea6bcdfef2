package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
)

// base are the colours a chart is drawn in: the background, text and axes,
// the grid and the bars and trend line.
func base() []color.RGBA {
	return []color.RGBA{
		{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		{A: 0xff},
		{R: 0x80, G: 0x80, B: 0x80, A: 0xff},
		blue,
	}
}

// blendSteps is how many shades lie between two base colours in the palette.
const blendSteps = 3

// palette returns the base colours and blendSteps shades between each two of
// them: all that anti-aliasing makes of them, closely enough to keep text
// crisp.
func palette() color.Palette {
	cs := base()
	seen := map[color.RGBA]bool{}
	var p color.Palette
	add := func(c color.RGBA) {
		if !seen[c] {
			seen[c] = true
			p = append(p, c)
		}
	}
	for i, a := range cs {
		add(a)
		for _, b := range cs[i+1:] {
			for s := 1; s <= blendSteps; s++ {
				add(blend(a, b, float64(s)/float64(blendSteps+1)))
			}
		}
	}
	return p
}

// blend is the colour t of the way from a to b.
func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xff}
}

// encode writes img as a paletted PNG: each pixel becomes the nearest colour
// of palette. A chart has a few hundred distinct colours, so each is looked
// up once.
func encode(img image.Image) ([]byte, error) {
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(img.Bounds())
		draw.Draw(src, src.Rect, img, src.Rect.Min, draw.Src)
	}
	pal := palette()
	dst := image.NewPaletted(src.Rect, pal)
	index := map[color.RGBA]uint8{}
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		for x := src.Rect.Min.X; x < src.Rect.Max.X; x++ {
			c := src.RGBAAt(x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			dst.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}
