package exif

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
	"time"

	"diaodu/internal/platform/clock"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := 0; x < 16; x++ {
		img.Set(x, 5, color.RGBA{200, 100, 50, 255})
	}
	return img
}

var taken = time.Date(2026, 10, 18, 9, 30, 15, 0, clock.Shanghai)

func mustRead(t *testing.T, b []byte) *Info {
	t.Helper()
	info, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestRoundTrip(t *testing.T) {
	for _, in := range []Info{
		{Taken: taken, HasTime: true, Lat: 25.0406, Lon: 102.7123, HasGPS: true},
		{Taken: taken.UTC(), HasTime: true},           // any zone in, Shanghai wall time out
		{Lat: -33.8568, Lon: -151.2153, HasGPS: true}, // south and west
		{Taken: time.Date(2026, 1, 1, 0, 0, 0, 0, clock.Shanghai), HasTime: true, Lat: 0.5, Lon: 179.9999, HasGPS: true},
		{},
	} {
		b, err := JPEGWithExif(testImage(), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("not a decodable JPEG: %v", err)
		}
		got := mustRead(t, b)
		if got.HasTime != in.HasTime || (in.HasTime && !got.Taken.Equal(in.Taken)) || got.HasTime && got.Taken.Location() != clock.Shanghai {
			t.Errorf("time: %+v, want %+v", got, in)
		}
		if got.HasGPS != in.HasGPS || !near(got.Lat, in.Lat) || !near(got.Lon, in.Lon) {
			t.Errorf("gps: %+v, want %+v", got, in)
		}
	}
}

// jpegWith wraps a TIFF block into a minimal JPEG: SOI, APP1, EOI.
func jpegWith(tiff []byte) []byte {
	seg := append([]byte{0xFF, 0xD8, 0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(2+6+len(tiff)))...)
	seg = append(seg, exifMagic...)
	seg = append(seg, tiff...)
	return append(seg, 0xFF, 0xD9)
}

func TestBigEndianAndOffsets(t *testing.T) {
	in := Info{Taken: taken, HasTime: true, Lat: 25.5, Lon: 103.25, HasGPS: true}
	got := mustRead(t, jpegWith(buildTIFF(binary.BigEndian, in)))
	if !got.HasTime || !got.Taken.Equal(taken) || !got.HasGPS || !near(got.Lat, 25.5) || !near(got.Lon, 103.25) {
		t.Fatalf("MM: %+v", got)
	}
	// OffsetTimeOriginal (0x9011) overrides the Shanghai assumption.
	withOffset := withExifField(asciiField(0x9011, "+02:00"))
	got = mustRead(t, jpegWith(withOffset))
	want := time.Date(2026, 10, 18, 9, 30, 15, 0, time.FixedZone("", 2*3600))
	if !got.Taken.Equal(want) {
		t.Fatalf("offset: %v, want %v", got.Taken, want)
	}
}

// withExifField builds a TIFF whose Exif IFD carries one more field.
func withExifField(f field) []byte {
	s := taken.Format("2006:01:02 15:04:05")
	order := binary.LittleEndian
	exifFields := []field{asciiField(0x9003, s), f}
	ifd0 := []field{asciiField(0x0132, s), {tag: 0x8769, typ: 4, count: 1}}
	out := []byte("II")
	out = order.AppendUint16(out, 42)
	out = order.AppendUint32(out, 8)
	probe := writeIFD(order, append([]byte{}, out...), ifd0)
	ifd0[1].data = order.AppendUint32(nil, uint32(len(probe)))
	out = writeIFD(order, out, ifd0)
	return writeIFD(order, out, exifFields)
}

func TestNotJPEG(t *testing.T) {
	var p bytes.Buffer
	_ = png.Encode(&p, testImage())
	if info, err := Read(&p); info != nil || err != nil {
		t.Fatalf("png: %v %v", info, err)
	}
	for _, b := range [][]byte{nil, []byte("GIF89a"), []byte("%PDF-1.7"), {0xFF}, {0xFF, 0xD8}} {
		if info, err := Read(bytes.NewReader(b)); info != nil || !errors.Is(err, ErrNotImage) {
			t.Errorf("%q: %v %v", b, info, err)
		}
	}
	// A JPEG without EXIF: an empty Info.
	var j bytes.Buffer
	_ = pngToJPEG(&j)
	if info := mustRead(t, j.Bytes()); info == nil || info.HasTime || info.HasGPS {
		t.Fatalf("plain jpeg: %+v", info)
	}
}

func pngToJPEG(w *bytes.Buffer) error {
	b, err := JPEGWithExif(testImage(), Info{})
	if err != nil {
		return err
	}
	// Drop the APP1 segment to get a JPEG as cameras without EXIF write it.
	n := int(binary.BigEndian.Uint16(b[4:]))
	w.Write(b[:2])
	w.Write(b[4+n:])
	return nil
}

func TestHostileBlocks(t *testing.T) {
	good := buildTIFF(binary.LittleEndian, Info{Taken: taken, HasTime: true, Lat: 25, Lon: 102, HasGPS: true})
	le := binary.LittleEndian
	cases := map[string][]byte{
		"truncated header":  good[:6],
		"bad order":         append([]byte("XX"), good[2:]...),
		"bad magic":         append([]byte("II\x2b\x00"), good[4:]...),
		"ifd0 past the end": append(append([]byte("II*\x00"), le.AppendUint32(nil, 1<<31)...), good[8:]...),
		"huge entry count":  append(append([]byte{}, good[:8]...), append(le.AppendUint16(nil, 65535), good[10:]...)...),
		"truncated entries": good[:30],
		"truncated data":    good[:len(good)-10],
		"all ones":          bytes.Repeat([]byte{0xFF}, 200),
		"ifd pointing at self": func() []byte {
			b := append([]byte{}, good...)
			// Point the Exif IFD pointer at IFD0 itself: read once, no loop.
			for i := 10; i+12 <= len(b); i += 12 {
				if le.Uint16(b[i:]) == 0x8769 {
					le.PutUint32(b[i+8:], 8)
				}
			}
			return b
		}(),
		"zero denominators": func() []byte {
			b := append([]byte{}, good...)
			for i := len(b) - 48; i < len(b); i++ {
				b[i] = 0
			}
			return b
		}(),
	}
	for name, tf := range cases {
		info := mustRead(t, jpegWith(tf))
		if info == nil {
			t.Errorf("%s: nil info", name)
		}
		if name == "zero denominators" && info.HasGPS {
			t.Errorf("%s: GPS from zero denominators", name)
		}
	}
	// Segments: a length below 2, a truncated APP1, endless fill bytes.
	for _, b := range [][]byte{
		{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01},
		{0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 'E', 'x'},
		append([]byte{0xFF, 0xD8}, bytes.Repeat([]byte{0xFF}, 10000)...),
		append([]byte{0xFF, 0xD8}, bytes.Repeat([]byte{0xFF, 0xD0}, 1000)...),
	} {
		if info := mustRead(t, b); info == nil || info.HasTime {
			t.Errorf("%x…: %+v", b[:6], info)
		}
	}
}

func FuzzRead(f *testing.F) {
	b, _ := JPEGWithExif(testImage(), Info{Taken: taken, HasTime: true, Lat: 25, Lon: 102, HasGPS: true})
	f.Add(b[:400])
	f.Add(jpegWith(buildTIFF(binary.BigEndian, Info{Taken: taken, HasTime: true, Lat: -1, Lon: -2, HasGPS: true})))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Read(bytes.NewReader(data))
		if err == nil && info != nil && info.HasGPS && (math.Abs(info.Lat) > 90 || math.Abs(info.Lon) > 180) {
			t.Fatalf("GPS out of range: %+v", info)
		}
	})
}
