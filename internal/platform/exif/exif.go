// Package exif reads the capture time and GPS position from the EXIF block
// of a JPEG photo (APP1 "Exif\0\0", a TIFF structure: IFD0 → Exif IFD for
// DateTimeOriginal, GPS IFD for latitude and longitude), so a site photo
// can show where and when it was taken. It is pure Go, reads only the
// segments before the image data and never panics on hostile input: every
// offset and count is bounded by the segment (at most 64 KiB).
package exif

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"time"

	"diaodu/internal/platform/clock"
)

// Info is what a photo says about itself.
type Info struct {
	// Taken is DateTimeOriginal (or DateTime), which EXIF stores without a
	// zone: it is read as Asia/Shanghai unless OffsetTimeOriginal says
	// otherwise.
	Taken    time.Time
	HasTime  bool
	Lat, Lon float64 // degrees, south and west negative
	HasGPS   bool
}

// ErrNotImage is returned for data that is neither JPEG nor PNG.
var ErrNotImage = errors.New("exif: not a JPEG or PNG image")

// Limits on what Read looks at.
const (
	maxSegments = 256 // markers before the image data
	maxEntries  = 512 // entries of one IFD
)

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	exifMagic = []byte("Exif\x00\x00")
)

// Read reads the EXIF of a JPEG: an Info (empty when the photo has no EXIF
// or no usable fields); for a PNG nil and no error; for anything else
// ErrNotImage. A broken EXIF block reads as no EXIF, not as an error: the
// photo itself may still be fine.
func Read(r io.Reader) (*Info, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(8)
	if len(head) >= 8 && bytes.Equal(head, pngMagic) {
		return nil, nil
	}
	if len(head) < 3 || head[0] != 0xFF || head[1] != 0xD8 || head[2] != 0xFF {
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, ErrNotImage
	}
	_, _ = br.Discard(2)
	info := &Info{}
	for i := 0; i < maxSegments; i++ {
		marker, err := nextMarker(br)
		if err != nil {
			return info, nil // truncated: whatever was found
		}
		switch {
		case marker == 0xD9 || marker == 0xDA: // end of image, start of scan: no more metadata
			return info, nil
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7): // no length
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return info, nil
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return info, nil
		}
		if marker != 0xE1 {
			if _, err := br.Discard(n - 2); err != nil {
				return info, nil
			}
			continue
		}
		seg := make([]byte, n-2)
		if _, err := io.ReadFull(br, seg); err != nil {
			return info, nil
		}
		if bytes.HasPrefix(seg, exifMagic) {
			parseTIFF(seg[len(exifMagic):], info)
			return info, nil
		}
	}
	return info, nil
}

// nextMarker reads 0xFF (fill bytes allowed) and the marker code.
func nextMarker(br *bufio.Reader) (byte, error) {
	b, err := br.ReadByte()
	if err != nil {
		return 0, err
	}
	if b != 0xFF {
		return 0, errors.New("exif: marker expected")
	}
	for {
		if b, err = br.ReadByte(); err != nil {
			return 0, err
		}
		if b != 0xFF {
			return b, nil
		}
	}
}

// TIFF field types and their sizes.
var typeSize = map[uint16]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}

type entry struct {
	typ   uint16
	count uint32
	data  []byte // the value bytes, inside the segment
}

type tiff struct {
	b     []byte
	order binary.ByteOrder
}

// ifd reads the entries of the IFD at off; nil when it does not fit.
func (t *tiff) ifd(off uint32) map[uint16]entry {
	b := t.b
	if uint64(off)+2 > uint64(len(b)) {
		return nil
	}
	n := int(t.order.Uint16(b[off:]))
	if n > maxEntries || uint64(off)+2+uint64(n)*12 > uint64(len(b)) {
		return nil
	}
	out := make(map[uint16]entry, n)
	for i := 0; i < n; i++ {
		p := b[int(off)+2+i*12:][:12]
		e := entry{typ: t.order.Uint16(p[2:]), count: t.order.Uint32(p[4:])}
		size, ok := typeSize[e.typ]
		if !ok {
			continue
		}
		total := size * uint64(e.count)
		if total <= 4 {
			e.data = p[8 : 8+total]
		} else {
			vo := uint64(t.order.Uint32(p[8:]))
			if vo+total > uint64(len(b)) {
				continue
			}
			e.data = b[vo : vo+total]
		}
		out[t.order.Uint16(p)] = e
	}
	return out
}

func (t *tiff) long(m map[uint16]entry, tag uint16) (uint32, bool) {
	e, ok := m[tag]
	switch {
	case !ok || e.count != 1:
		return 0, false
	case e.typ == 4:
		return t.order.Uint32(e.data), true
	case e.typ == 3:
		return uint32(t.order.Uint16(e.data)), true
	}
	return 0, false
}

func ascii(m map[uint16]entry, tag uint16) string {
	e, ok := m[tag]
	if !ok || e.typ != 2 {
		return ""
	}
	return strings.TrimRight(string(e.data), "\x00 ")
}

// degrees reads three rationals: degrees, minutes, seconds.
func (t *tiff) degrees(m map[uint16]entry, tag uint16) (float64, bool) {
	e, ok := m[tag]
	if !ok || e.typ != 5 || e.count != 3 {
		return 0, false
	}
	var v float64
	for i, scale := range []float64{1, 60, 3600} {
		num, den := t.order.Uint32(e.data[i*8:]), t.order.Uint32(e.data[i*8+4:])
		if den == 0 {
			return 0, false
		}
		v += float64(num) / float64(den) / scale
	}
	return v, true
}

func parseTIFF(b []byte, info *Info) {
	if len(b) < 8 {
		return
	}
	t := &tiff{b: b}
	switch string(b[:2]) {
	case "II":
		t.order = binary.LittleEndian
	case "MM":
		t.order = binary.BigEndian
	default:
		return
	}
	if t.order.Uint16(b[2:]) != 42 {
		return
	}
	ifd0 := t.ifd(t.order.Uint32(b[4:]))
	if ifd0 == nil {
		return
	}
	taken, offset := ascii(ifd0, 0x0132), ""
	if off, ok := t.long(ifd0, 0x8769); ok {
		if ex := t.ifd(off); ex != nil {
			if s := ascii(ex, 0x9003); s != "" {
				taken = s
				offset = ascii(ex, 0x9011)
			}
		}
	}
	if tm, ok := parseTime(taken, offset); ok {
		info.Taken, info.HasTime = tm, true
	}
	if off, ok := t.long(ifd0, 0x8825); ok {
		if g := t.ifd(off); g != nil {
			lat, ok1 := t.degrees(g, 0x0002)
			lon, ok2 := t.degrees(g, 0x0004)
			latRef, lonRef := ascii(g, 0x0001), ascii(g, 0x0003)
			if latRef == "S" {
				lat = -lat
			}
			if lonRef == "W" {
				lon = -lon
			}
			if ok1 && ok2 && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && (lat != 0 || lon != 0) {
				info.Lat, info.Lon, info.HasGPS = lat, lon, true
			}
		}
	}
}

// parseTime reads "2006:01:02 15:04:05" in Shanghai, or in the zone of an
// OffsetTimeOriginal such as "+08:00".
func parseTime(s, offset string) (time.Time, bool) {
	if len(s) < 19 {
		return time.Time{}, false
	}
	loc := clock.Shanghai
	if off, err := time.Parse("-07:00", offset); err == nil {
		_, sec := off.Zone()
		loc = time.FixedZone(offset, sec)
	}
	tm, err := time.ParseInLocation("2006:01:02 15:04:05", s[:19], loc)
	if err != nil || tm.Year() < 1900 {
		return time.Time{}, false
	}
	return tm, true
}
