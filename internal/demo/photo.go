package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
)

// sitePhoto draws a stand-in for a site photo: sky, ground and buildings
// whose height follows the reported progress, so a task's photo wall shows
// the work rising. Generated, so the demo ships no binary assets.
func sitePhoto(rng *rand.Rand, pct int) []byte {
	const w, h = 360, 240
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	horizon := h * 2 / 3
	for y := 0; y < h; y++ {
		var c color.RGBA
		if y < horizon {
			k := uint8(y * 80 / horizon)
			c = color.RGBA{120 + k, 170 + k/2, 230, 255}
		} else {
			k := uint8((y - horizon) * 60 / (h - horizon))
			c = color.RGBA{150 - k, 130 - k, 90 - k/2, 255}
		}
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	n := 2 + rng.IntN(3)
	for i := 0; i < n; i++ {
		bw := 60 + rng.IntN(50)
		x0 := 30 + i*(w-60)/n
		full := 90 + rng.IntN(100)
		bh := max(8, full*pct/100)
		grey := uint8(170 + rng.IntN(60))
		for y := horizon - bh; y < horizon; y++ {
			for x := x0; x < min(w, x0+bw); x++ {
				c := color.RGBA{grey, grey, grey - 10, 255}
				if (x-x0)%14 < 5 && (horizon-y)%18 < 8 && y > horizon-bh+6 { // windows
					c = color.RGBA{70, 90, 120, 255}
				}
				img.SetRGBA(x, y, c)
			}
		}
		if pct < 90 { // scaffolding crane above unfinished work
			for y := horizon - full - 30; y < horizon-bh; y++ {
				if y >= 0 {
					img.SetRGBA(x0+bw/2, y, color.RGBA{230, 160, 20, 255})
				}
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
