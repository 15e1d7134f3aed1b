package projects

import (
	"bytes"

	"diaodu/internal/platform/exif"
)

// readPhotoMeta reads the time and place a photo was taken from its EXIF
// (JPEG); other images and photos without EXIF say nothing.
func readPhotoMeta(data []byte) photoMeta {
	info, err := exif.Read(bytes.NewReader(data))
	if err != nil || info == nil {
		return photoMeta{}
	}
	var m photoMeta
	if info.HasTime {
		m.Taken = info.Taken.UTC()
	}
	if info.HasGPS {
		lat, lng := info.Lat, info.Lon
		m.Lat, m.Lng = &lat, &lng
	}
	return m
}
