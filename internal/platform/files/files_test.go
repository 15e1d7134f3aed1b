package files

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ---- fixtures ----

func newStore(t *testing.T, maxBytes int64) *Store {
	t.Helper()
	s, err := New(t.TempDir(), maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// halves is w×h, left half red and right half blue, so rotations show.
func halves(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			m.Set(x, y, c)
		}
	}
	return m
}

func encode(t *testing.T, enc func(io.Writer, image.Image) error, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(t *testing.T, w, h int) []byte { return encode(t, png.Encode, halves(w, h)) }

func jpegOf(t *testing.T, w, h int) []byte {
	return encode(t, func(wr io.Writer, m image.Image) error { return jpeg.Encode(wr, m, nil) }, halves(w, h))
}

func gifOf(t *testing.T, w, h int) []byte {
	return encode(t, func(wr io.Writer, m image.Image) error { return gif.Encode(wr, m, nil) }, halves(w, h))
}

// webp1x1 is a 1×1 lossless WebP; the standard library has no WebP encoder.
func webp1x1(t *testing.T) []byte {
	b, err := base64.StdEncoding.DecodeString("UklGRh4AAABXRUJQVlA4TBEAAAAvAAAAAAfQ//73v/+BiOh/AAA=")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "<x/>")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docx(t *testing.T) []byte {
	return zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
}

// oleOf builds a minimal compound file (version 3, 512-byte sectors: header,
// one FAT sector, directory sectors) whose root holds empty entries named
// names; a name ending in "/" is a storage.
func oleOf(names ...string) []byte {
	const (
		sec        = 512
		fatSect    = 0xFFFFFFFD
		endOfChain = 0xFFFFFFFE
		free       = 0xFFFFFFFF
		noStream   = 0xFFFFFFFF
	)
	le := binary.LittleEndian
	dirSectors := (len(names) + 1 + 3) / 4
	buf := make([]byte, sec*(2+dirSectors))

	copy(buf, oleMagic)
	le.PutUint16(buf[24:], 0x3E)   // minor version
	le.PutUint16(buf[26:], 3)      // major version
	le.PutUint16(buf[28:], 0xFFFE) // little endian
	le.PutUint16(buf[30:], 9)      // 512-byte sectors
	le.PutUint16(buf[32:], 6)      // 64-byte mini sectors
	le.PutUint32(buf[44:], 1)      // one FAT sector
	le.PutUint32(buf[48:], 1)      // directory starts at sector 1
	le.PutUint32(buf[56:], 4096)   // mini stream cutoff
	le.PutUint32(buf[60:], endOfChain)
	le.PutUint32(buf[68:], endOfChain)
	for i := range 109 {
		le.PutUint32(buf[76+4*i:], free)
	}
	le.PutUint32(buf[76:], 0) // the FAT is sector 0

	fat := buf[sec : 2*sec]
	for i := range sec / 4 {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat, fatSect)
	for i := 1; i <= dirSectors; i++ {
		next := uint32(i + 1)
		if i == dirSectors {
			next = endOfChain
		}
		le.PutUint32(fat[4*i:], next)
	}

	dir := buf[2*sec:]
	entry := func(i int, name string, typ byte, right, child uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], endOfChain)
	}
	child := uint32(noStream)
	if len(names) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, noStream, child)
	for i, n := range names {
		right := uint32(noStream)
		if i < len(names)-1 {
			right = uint32(i + 2)
		}
		typ := byte(2) // stream
		if s, ok := strings.CutSuffix(n, "/"); ok {
			n, typ = s, 1 // storage
		}
		entry(i+1, n, typ, right, noStream)
	}
	return buf
}

// withOrientation inserts an EXIF APP1 segment with orientation o after SOI.
func withOrientation(jpg []byte, o byte) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, // orientation, SHORT, count 1
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	n := len(payload) + 2
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xE1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// bombPNG is a valid tiny PNG whose header claims w×h pixels.
func bombPNG(t *testing.T, w, h uint32) []byte {
	b := encode(t, png.Encode, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29])) // IHDR type+data
	return b
}

// regularFiles lists the files under dir, relative to it.
func regularFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertNothingStored(t *testing.T, s *Store) {
	t.Helper()
	if files := regularFiles(t, s.dir); len(files) > 0 {
		t.Errorf("left behind: %v", files)
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func readThumb(t *testing.T, s *Store, sha string) image.Image {
	t.Helper()
	f, err := s.OpenThumb(sha)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ---- Store ----

func TestPutOpenRoundTrip(t *testing.T) {
	s := newStore(t, 0)
	if s.MaxBytes() != DefaultMaxBytes {
		t.Errorf("MaxBytes = %d", s.MaxBytes())
	}
	data := []byte(minimalPDF)
	st, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := Stored{SHA256: sha(data), Size: int64(len(data)), ContentType: "application/pdf", Ext: ".pdf"}
	if st != want {
		t.Errorf("Put = %+v, want %+v", st, want)
	}
	p, err := s.Path(st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if wantPath := filepath.Join(s.dir, st.SHA256[:2], st.SHA256[2:4], st.SHA256); p != wantPath {
		t.Errorf("Path = %s, want %s", p, wantPath)
	}
	f, err := s.Open(st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, data) {
		t.Error("content differs")
	}
	if _, err := s.OpenThumb(st.SHA256); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenThumb of a PDF: %v", err)
	}
	if files := regularFiles(t, s.dir); len(files) != 1 {
		t.Errorf("files = %v", files)
	}
}

func TestSameContentStoredOnce(t *testing.T) {
	s := newStore(t, 0)
	data := pngOf(t, 400, 300)
	first, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("%+v != %+v", first, second)
	}
	if files := regularFiles(t, s.dir); len(files) != 2 { // content and thumbnail
		t.Errorf("files = %v", files)
	}
}

func TestConcurrentPutsOfSameContent(t *testing.T) {
	s := newStore(t, 0)
	data := jpegOf(t, 500, 500)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			st, err := s.Put(bytes.NewReader(data))
			if err != nil || st.SHA256 != sha(data) || !st.HasThumb {
				t.Errorf("Put = %+v, %v", st, err)
			}
		})
	}
	wg.Wait()
	if files := regularFiles(t, s.dir); len(files) != 2 {
		t.Errorf("files = %v", files)
	}
}

func TestSizeLimit(t *testing.T) {
	const limit = 1000
	pad := func(n int) []byte { return append([]byte(minimalPDF), bytes.Repeat([]byte{' '}, n-len(minimalPDF))...) }

	s := newStore(t, limit)
	_, err := s.Put(bytes.NewReader(pad(limit + 1)))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("max+1: %v", err)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Status != 413 || fe.Code != "too_large" || !strings.Contains(fe.Message, "1000 字节") {
		t.Errorf("error = %#v", fe)
	}
	assertNothingStored(t, s)

	// An endless body is read only up to the limit plus one byte.
	counter := &countingReader{r: io.MultiReader(strings.NewReader(minimalPDF), zeros{})}
	if _, err := s.Put(counter); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless: %v", err)
	}
	if counter.n != limit+1 {
		t.Errorf("read %d bytes", counter.n)
	}
	assertNothingStored(t, s)

	if st, err := s.Put(bytes.NewReader(pad(limit))); err != nil || st.Size != limit {
		t.Fatalf("exactly max: %+v, %v", st, err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestEmptyAndFailedReads(t *testing.T) {
	s := newStore(t, 0)
	if _, err := s.Put(strings.NewReader("")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	boom := errors.New("connection reset")
	_, err := s.Put(io.MultiReader(strings.NewReader(minimalPDF), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("failed read: %v", err)
	}
	assertNothingStored(t, s)
}

func TestForbiddenTypes(t *testing.T) {
	cases := map[string][]byte{
		"html":                   []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
		"html after whitespace":  []byte("\n\n  <html><body onload=alert(1)>"),
		"svg":                    []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"svg with xml decl":      []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`),
		"elf":                    append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...),
		"windows exe":            append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
		"shell script":           []byte("#!/bin/sh\nrm -rf /\n"),
		"php":                    []byte("<?php system($_GET['c']); ?>"),
		"plain text":             []byte("就是一段文字"),
		"plain zip":              zipOf(t, "a.txt", "b/c.txt"),
		"zip without types":      zipOf(t, "word/document.xml"),
		"zip with only types":    zipOf(t, "[Content_Types].xml", "other/x.xml"),
		"zip claiming two kinds": zipOf(t, "[Content_Types].xml", "word/document.xml", "xl/workbook.xml"),
		"docm renamed":           zipOf(t, "[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
		"truncated zip":          zipOf(t, "[Content_Types].xml", "word/document.xml")[:30],
		"msi-like ole":           oleOf("\x05SummaryInformation", "Property"),
		"encrypted ooxml":        oleOf("EncryptionInfo", "EncryptedPackage"),
		"xls with macros":        oleOf("Workbook", "_VBA_PROJECT_CUR/"),
		"ole claiming two kinds": oleOf("WordDocument", "Workbook"),
		"broken ole":             append(append([]byte{}, oleMagic...), bytes.Repeat([]byte{0xFF}, 600)...),
		"png magic, junk":        append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{'x'}, 100)...),
		"bmp":                    append([]byte("BM"), make([]byte, 60)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, 0)
			_, err := s.Put(bytes.NewReader(data))
			if !errors.Is(err, ErrForbiddenType) {
				t.Fatalf("err = %v", err)
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Status != 415 || fe.Code != "unsupported_media_type" || fe.Message == "" {
				t.Errorf("error = %#v", fe)
			}
			assertNothingStored(t, s)
		})
	}
}

func TestAllowedTypes(t *testing.T) {
	cases := []struct {
		name          string
		data          []byte
		contentType   string
		ext           string
		thumb         bool
		width, height int
	}{
		{"jpeg", jpegOf(t, 64, 48), "image/jpeg", ".jpg", true, 64, 48},
		{"png", pngOf(t, 10, 20), "image/png", ".png", true, 10, 20},
		{"gif", gifOf(t, 30, 30), "image/gif", ".gif", true, 30, 30},
		{"webp", webp1x1(t), "image/webp", ".webp", true, 1, 1},
		{"pdf", []byte(minimalPDF), "application/pdf", ".pdf", false, 0, 0},
		{"docx", docx(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", false, 0, 0},
		{"xlsx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"),
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", false, 0, 0},
		{"pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"),
			"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", false, 0, 0},
		{"doc", oleOf("\x01CompObj", "WordDocument", "1Table"), "application/msword", ".doc", false, 0, 0},
		{"xls", oleOf("Workbook", "\x05SummaryInformation"), "application/vnd.ms-excel", ".xls", false, 0, 0},
		{"xls 5", oleOf("Book"), "application/vnd.ms-excel", ".xls", false, 0, 0},
		{"ppt", oleOf("PowerPoint Document", "Current User"), "application/vnd.ms-powerpoint", ".ppt", false, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t, 0)
			st, err := s.Put(bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			want := Stored{SHA256: sha(c.data), Size: int64(len(c.data)), ContentType: c.contentType, Ext: c.ext,
				HasThumb: c.thumb, Width: c.width, Height: c.height}
			if st != want {
				t.Errorf("Put = %+v\nwant  %+v", st, want)
			}
		})
	}
}

func TestThumbnails(t *testing.T) {
	cases := []struct {
		name          string
		data          []byte
		width, height int
	}{
		{"wide png", pngOf(t, 1000, 500), 320, 160},
		{"tall jpeg", jpegOf(t, 300, 1200), 80, 320},
		{"square gif", gifOf(t, 640, 640), 320, 320},
		{"small png kept", pngOf(t, 100, 50), 100, 50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t, 0)
			st, err := s.Put(bytes.NewReader(c.data))
			if err != nil || !st.HasThumb {
				t.Fatalf("Put = %+v, %v", st, err)
			}
			if b := readThumb(t, s, st.SHA256).Bounds(); b.Dx() != c.width || b.Dy() != c.height {
				t.Errorf("thumbnail %v, want %dx%d", b, c.width, c.height)
			}
			want := filepath.Join(s.dir, "thumbs", st.SHA256[:2], st.SHA256+".jpg")
			if _, err := os.Stat(want); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestThumbnailFlattensTransparencyOnWhite(t *testing.T) {
	s := newStore(t, 0)
	st, err := s.Put(bytes.NewReader(encode(t, png.Encode, image.NewNRGBA(image.Rect(0, 0, 8, 8)))))
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := readThumb(t, s, st.SHA256).At(4, 4).RGBA(); r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Errorf("transparent pixel became %d,%d,%d", r>>8, g>>8, b>>8)
	}
}

func TestEXIFOrientation(t *testing.T) {
	s := newStore(t, 0)
	// Stored 40×20 (red left, blue right) but to be turned clockwise: shown
	// 20×40 with red on top.
	st, err := s.Put(bytes.NewReader(withOrientation(jpegOf(t, 40, 20), 6)))
	if err != nil {
		t.Fatal(err)
	}
	if st.Width != 20 || st.Height != 40 {
		t.Errorf("size %dx%d, want 20x40", st.Width, st.Height)
	}
	m := readThumb(t, s, st.SHA256)
	if b := m.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("thumbnail %v", b)
	}
	isRed := func(c color.Color) bool { r, _, b, _ := c.RGBA(); return r > b }
	if !isRed(m.At(10, 5)) || isRed(m.At(10, 35)) {
		t.Error("thumbnail not turned clockwise")
	}
}

func TestOrientAllEight(t *testing.T) {
	// A 3×2 image with distinct pixels; each orientation must move the
	// stored top-left pixel to where EXIF says it is displayed.
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range src.Pix {
		src.Pix[i] = byte(i)
	}
	topLeft := src.RGBAAt(0, 0)
	want := map[int]image.Point{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}}
	for o, p := range want {
		got := orient(src, o)
		if o >= 5 && (got.Rect.Dx() != 2 || got.Rect.Dy() != 3) {
			t.Errorf("orientation %d: size %v", o, got.Rect)
		}
		if got.RGBAAt(p.X, p.Y) != topLeft {
			t.Errorf("orientation %d: top-left pixel not at %v", o, p)
		}
	}
}

func TestDecompressionBombStoredWithoutThumbnail(t *testing.T) {
	s := newStore(t, 0)
	st, err := s.Put(bytes.NewReader(bombPNG(t, 20000, 20000)))
	if err != nil {
		t.Fatal(err)
	}
	if st.HasThumb || st.Width != 20000 || st.Height != 20000 || st.ContentType != "image/png" {
		t.Errorf("Put = %+v", st)
	}
	if _, err := s.Open(st.SHA256); err != nil {
		t.Error(err)
	}
}

func TestBadNamesRefused(t *testing.T) {
	s := newStore(t, 0)
	valid := sha([]byte("x"))
	for _, name := range []string{
		"../etc/passwd",
		"../../../../../../etc/passwd",
		strings.ToUpper(valid),
		valid[:63],
		valid + "0",
		"",
		valid[:62] + "/.",
		valid[:63] + "\x00",
		"..%2f" + valid[:59],
	} {
		if _, err := s.Open(name); !errors.Is(err, ErrBadName) {
			t.Errorf("Open(%q): %v", name, err)
		}
		if _, err := s.OpenThumb(name); !errors.Is(err, ErrBadName) {
			t.Errorf("OpenThumb(%q): %v", name, err)
		}
		if _, err := s.Path(name); !errors.Is(err, ErrBadName) {
			t.Errorf("Path(%q): %v", name, err)
		}
	}
	if _, err := s.Open(valid); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

func TestNewRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, ".upload-old"), filepath.Join(dir, ".thumb-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old, long, long)
	if _, err := New(dir, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Error("stale temp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("fresh temp file removed")
	}
}

// ---- names ----

func TestSafeName(t *testing.T) {
	long := string([]rune(strings.Repeat("关于重点工作任务分解方案", 25))[:300])
	cases := []struct{ in, want string }{
		{"../../etc/passwd", "passwd"},
		{`a\b\c.pdf`, "c.pdf"},
		{`C:\Users\王\Desktop\通知.docx`, "通知.docx"},
		{"..", "附件"},
		{"", "附件"},
		{".pdf", "附件.pdf"},
		{"/", "附件"},
		{"dir/", "附件"},
		{".bashrc", "附件.bashrc"},
		{"...hidden.txt", "hidden.txt"},
		{"a\x00b\r\nc\x1b[31m.pdf", "abc[31m.pdf"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"报告\u3000终稿 .docx", "报告 终稿.docx"},
		{`a<b>:"c"|?*.xlsx`, "a_b___c____.xlsx"},
		{"report.pdf. . ", "report.pdf"},
		{"第1.2版通知", "第1.2版通知"},
		{"bad\xff\xfeutf8.pdf", "badutf8.pdf"},
		{long + ".docx", string([]rune(long)[:maxNameRunes-len(".docx")]) + ".docx"},
	}
	for _, c := range cases {
		got := SafeName(c.in)
		if got != c.want {
			t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > maxNameRunes || !utf8.ValidString(got) {
			t.Errorf("SafeName(%q) = %q: %d characters", c.in, got, n)
		}
	}
}

func TestSafeNameWithExt(t *testing.T) {
	cases := []struct{ name, ext, want string }{
		{"现场照片.JPEG", ".jpg", "现场照片.JPEG"},
		{"现场照片.png", ".jpg", "现场照片.png.jpg"},
		{"x.html", ".pdf", "x.html.pdf"},
		{"扫描件", ".pdf", "扫描件.pdf"},
		{"", ".docx", "附件.docx"},
		{"表格.XLSX", ".xlsx", "表格.XLSX"},
		{"任意", "", "任意"},
	}
	for _, c := range cases {
		if got := SafeNameWithExt(c.name, c.ext); got != c.want {
			t.Errorf("SafeNameWithExt(%q, %q) = %q, want %q", c.name, c.ext, got, c.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	name := "关于2026年重点工作的通知（终稿）.docx"
	v := ContentDisposition(name, false)
	if !strings.HasPrefix(v, `attachment; filename="2026.docx"; filename*=UTF-8''%E5%85%B3%E4%BA%8E2026`) {
		t.Errorf("header = %s", v)
	}
	disposition, params, err := mime.ParseMediaType(v)
	if err != nil || disposition != "attachment" || params["filename"] != name {
		t.Errorf("parsed %q %v %v", disposition, params, err)
	}

	if v := ContentDisposition("现场照片.jpg", true); !strings.HasPrefix(v, `inline; filename="attachment.jpg"; `) {
		t.Errorf("inline header = %s", v)
	}

	// Header injection and quoting tricks end up as harmless characters.
	v = ContentDisposition("a\"; filename=evil.exe\r\nX-Bad: 1%41.pdf", false)
	if strings.ContainsAny(v, "\r\n") || strings.Count(v, `"`) != 2 {
		t.Errorf("unsafe header: %q", v)
	}
	if _, params, err := mime.ParseMediaType(v); err != nil || !strings.HasSuffix(params["filename"], ".pdf") {
		t.Errorf("parsed %v %v", params, err)
	}
}
