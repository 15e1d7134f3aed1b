package exif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"math"

	"diaodu/internal/platform/clock"
)

// JPEGWithExif encodes img as a JPEG carrying info in an EXIF block
// (DateTimeOriginal and DateTime in Asia/Shanghai, GPS when HasGPS). It is
// meant for demo data and tests, which need photos that say where and when
// they were taken.
func JPEGWithExif(img image.Image, info Info) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errors.New("exif: encoder wrote no JPEG")
	}
	out := make([]byte, 0, len(b)+512)
	out = append(out, 0xFF, 0xD8)
	out = append(out, APP1(info)...)
	return append(out, b[2:]...), nil
}

// APP1 is the EXIF segment (marker, length, "Exif\0\0", little-endian
// TIFF) for info, to put right after a JPEG's SOI marker.
func APP1(info Info) []byte {
	t := buildTIFF(binary.LittleEndian, info)
	seg := make([]byte, 0, 4+len(exifMagic)+len(t))
	seg = append(seg, 0xFF, 0xE1)
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+len(exifMagic)+len(t)))
	seg = append(seg, exifMagic...)
	return append(seg, t...)
}

// byteOrder writes and reads TIFF numbers.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type field struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

func asciiField(tag uint16, s string) field {
	return field{tag: tag, typ: 2, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
}

// buildTIFF lays out IFD0 → Exif IFD and GPS IFD, each followed by the
// values that do not fit in an entry.
func buildTIFF(order byteOrder, info Info) []byte {
	var ifd0, exifIFD, gps []field
	if info.HasTime {
		s := info.Taken.In(clock.Shanghai).Format("2006:01:02 15:04:05")
		ifd0 = append(ifd0, asciiField(0x0132, s))
		exifIFD = append(exifIFD, asciiField(0x9003, s))
	}
	if info.HasGPS {
		latRef, lonRef := "N", "E"
		if info.Lat < 0 {
			latRef = "S"
		}
		if info.Lon < 0 {
			lonRef = "W"
		}
		gps = append(gps, field{tag: 0x0000, typ: 1, count: 4, data: []byte{2, 3, 0, 0}}, asciiField(0x0001, latRef),
			field{tag: 0x0002, typ: 5, count: 3, data: dms(order, math.Abs(info.Lat))}, asciiField(0x0003, lonRef),
			field{tag: 0x0004, typ: 5, count: 3, data: dms(order, math.Abs(info.Lon))})
	}
	size := func(fs []field) uint32 {
		n := uint32(2 + 12*len(fs) + 4)
		for _, f := range fs {
			if len(f.data) > 4 {
				n += uint32(len(f.data)+1) &^ 1
			}
		}
		return n
	}
	// IFD0 holds the pointers, so its size counts them before their values are known.
	n0 := len(ifd0)
	if len(exifIFD) > 0 {
		n0++
	}
	if len(gps) > 0 {
		n0++
	}
	ifd0Size := size(ifd0) + uint32(12*(n0-len(ifd0)))
	exifOff := 8 + ifd0Size
	gpsOff := exifOff
	if len(exifIFD) > 0 {
		ifd0 = append(ifd0, field{tag: 0x8769, typ: 4, count: 1, data: order.AppendUint32(nil, exifOff)})
		gpsOff += size(exifIFD)
	}
	if len(gps) > 0 {
		ifd0 = append(ifd0, field{tag: 0x8825, typ: 4, count: 1, data: order.AppendUint32(nil, gpsOff)})
	}
	out := []byte("II")
	if order == binary.BigEndian {
		out = []byte("MM")
	}
	out = order.AppendUint16(out, 42)
	out = order.AppendUint32(out, 8)
	for _, fs := range [][]field{ifd0, exifIFD, gps} {
		if len(fs) > 0 {
			out = writeIFD(order, out, fs)
		}
	}
	return out
}

// writeIFD appends an IFD at the end of out, its long values after it.
func writeIFD(order byteOrder, out []byte, fs []field) []byte {
	start := uint32(len(out))
	extra := start + uint32(2+12*len(fs)+4)
	var tail []byte
	out = order.AppendUint16(out, uint16(len(fs)))
	for _, f := range fs {
		out = order.AppendUint16(out, f.tag)
		out = order.AppendUint16(out, f.typ)
		out = order.AppendUint32(out, f.count)
		if len(f.data) <= 4 {
			var v [4]byte
			copy(v[:], f.data)
			out = append(out, v[:]...)
			continue
		}
		out = order.AppendUint32(out, extra+uint32(len(tail)))
		tail = append(tail, f.data...)
		if len(tail)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	out = order.AppendUint32(out, 0) // no next IFD
	return append(out, tail...)
}

// dms writes degrees as three rationals: degrees, minutes, seconds/10000.
func dms(order byteOrder, v float64) []byte {
	deg := math.Floor(v)
	mins := math.Floor((v - deg) * 60)
	secs := math.Round(((v-deg)*60 - mins) * 60 * 10000)
	var b []byte
	for _, r := range [][2]uint32{{uint32(deg), 1}, {uint32(mins), 1}, {uint32(secs), 10000}} {
		b = order.AppendUint32(b, r[0])
		b = order.AppendUint32(b, r[1])
	}
	return b
}
