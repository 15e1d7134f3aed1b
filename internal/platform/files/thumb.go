package files

import (
	"bytes"
	"encoding/binary"
	"image"
	"io"

	"golang.org/x/image/draw"
)

const (
	thumbMaxSide = 320
	thumbQuality = 80
	// maxThumbPixels keeps decompression bombs from being decoded: a small
	// file can declare a huge canvas, and decoding allocates all of it.
	maxThumbPixels = 50_000_000
)

// imageInfo reads only the header: the displayed size (after EXIF rotation)
// and the orientation to apply to the thumbnail.
func imageInfo(t fileType, r io.ReaderAt, size int64) (w, h, orientation int, err error) {
	cfg, err := t.decodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, 0, errBadImage
	}
	orientation = 1
	if t.contentType == typeJPEG.contentType {
		orientation = jpegOrientation(r, size)
	}
	w, h = cfg.Width, cfg.Height
	if orientation >= 5 { // 5-8 turn the picture by a quarter
		w, h = h, w
	}
	return w, h, orientation, nil
}

// makeThumb scales img to fit thumbMaxSide (never enlarging), flattens
// transparency onto white because JPEG has none, and applies the EXIF
// orientation so the thumbnail shows the photo the way browsers show it.
func makeThumb(img image.Image, orientation int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > thumbMaxSide {
		w = max(1, w*thumbMaxSide/long)
		h = max(1, h*thumbMaxSide/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src // several times faster than Over for the common case, a photo
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	// CatmullRom straight from a 12 MP photo takes most of a second; a fast,
	// slightly aliasing first step down to 4× the target keeps it well under
	// 100 ms, and the final filtered step hides the aliasing.
	if b.Dx() > 4*w && b.Dy() > 4*h {
		mid := image.NewRGBA(image.Rect(0, 0, 4*w, 4*h))
		draw.ApproxBiLinear.Scale(mid, mid.Rect, img, b, draw.Src, nil)
		img, b = mid, mid.Rect
	}
	draw.CatmullRom.Scale(dst, dst.Rect, img, b, op, nil)
	return orient(dst, orientation)
}

// orient applies EXIF orientation o (1-8) to an image whose bounds start at 0,0.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs a quarter turn clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs a quarter turn anticlockwise
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(dx, dy):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// jpegOrientation finds the EXIF orientation tag in a JPEG's APP1 segment;
// 1 (as stored) when there is none or anything looks wrong.
func jpegOrientation(r io.ReaderAt, size int64) int {
	const maxSegments = 32 // EXIF comes first in practice; don't walk the whole file
	pos := int64(2)        // after SOI
	var hdr [4]byte
	for range maxSegments {
		if pos+4 > size {
			return 1
		}
		if _, err := r.ReadAt(hdr[:], pos); err != nil || hdr[0] != 0xFF {
			return 1
		}
		marker, length := hdr[1], int64(binary.BigEndian.Uint16(hdr[2:]))
		if marker == 0xDA || marker == 0xD9 || length < 2 { // image data or end: no EXIF before it
			return 1
		}
		if marker == 0xE1 && length > 8 {
			seg := make([]byte, length-2)
			if _, err := r.ReadAt(seg, pos+4); err != nil {
				return 1
			}
			if tiff, ok := bytes.CutPrefix(seg, []byte("Exif\x00\x00")); ok {
				return tiffOrientation(tiff)
			}
		}
		pos += 2 + length
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of an EXIF TIFF block.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off+2 > int64(len(t)) {
		return 1
	}
	n := int64(bo.Uint16(t[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // SHORT
			return 1
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
