package testutil

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"diaodu/internal/platform/errs"
)

// WantCode fails the test unless err carries code and, when field is not
// empty, names that field: how every module's tests check a refusal (the
// code is what the API answers, the field what the form marks).
func WantCode(t testing.TB, err error, code errs.Code, field string) {
	t.Helper()
	x, ok := errs.As(err)
	if !ok || x.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	if field != "" {
		if _, ok := x.Fields[field]; !ok {
			t.Fatalf("want field %q named, got %v", field, x.Fields)
		}
	}
}

// JPEG is a small photo (32×24, a gradient, no EXIF) for the modules'
// photo uploads.
func JPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		for y := 0; y < 24; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
