// Package files keeps uploaded attachments (photos, PDF, Office documents)
// under a data directory, addressed by the SHA-256 of their content, and
// decides which uploads are acceptable.
//
// Layout: dir/ab/cd/<sha256> for the content (no extension, so nothing on disk
// is ever served or executed by its name), dir/thumbs/ab/<sha256>.jpg for
// image thumbnails, and short-lived dir/.upload-* and dir/.thumb-* temp files,
// which live in dir so the final rename stays on one file system.
//
// The type comes from the bytes, never from the file name, and only these
// are allowed:
//   - JPEG, PNG, GIF, WebP (with a JPEG thumbnail, max 320 px on the long side)
//   - PDF
//   - docx, xlsx, pptx: a zip whose central directory has [Content_Types].xml
//     and word/, xl/ or ppt/ entries
//   - doc, xls, ppt: an OLE compound file whose root holds WordDocument,
//     Workbook/Book or "PowerPoint Document"; they get their real content
//     types. Other OLE files (MSI installers, Outlook messages, password
//     protected docx/xlsx, whose package is encrypted inside OLE) are refused.
//
// Office files carrying a VBA project (docm/xlsm renamed, or doc/xls with
// macros) are refused: macros are the usual way in for malware.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultMaxBytes is the upload limit when New gets none.
const DefaultMaxBytes = 20 << 20

const (
	uploadTempPrefix = ".upload-"
	thumbTempPrefix  = ".thumb-"
	thumbDir         = "thumbs"
	// staleTempAge is well above the time a slow phone needs for a full
	// upload, so New never removes a temp file that is still being written.
	staleTempAge = 24 * time.Hour
	// maxConcurrentThumbs bounds the memory decoding takes: a large photo
	// decodes to hundreds of MB.
	maxConcurrentThumbs = 2
)

// Stored describes an upload after Put.
type Stored struct {
	SHA256      string // hex, lowercase
	Size        int64
	ContentType string // sniffed from the bytes, never from the name
	Ext         string // canonical extension for the type, e.g. ".jpg", ".pdf", ".docx"
	HasThumb    bool
	// Width and Height are the displayed size of images (after EXIF
	// rotation); zero for other types.
	Width, Height int
}

// Store is safe for concurrent use.
type Store struct {
	dir      string
	maxBytes int64
	thumbs   chan struct{}
}

// New opens (creating it if needed) a store in dir. maxBytes <= 0 means
// DefaultMaxBytes. Temp files left over by a crash are removed.
func New(dir string, maxBytes int64) (*Store, error) {
	if dir == "" {
		return nil, errors.New("files: no directory given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	s := &Store{dir: abs, maxBytes: maxBytes, thumbs: make(chan struct{}, maxConcurrentThumbs)}
	s.removeStaleTemps()
	return s, nil
}

// MaxBytes is the largest upload Put accepts; the HTTP layer can use it to
// limit the request body.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// Put stores the upload read from r. It returns ErrEmpty, ErrTooLarge or
// ErrForbiddenType (as *Error, see errors.Is) for unacceptable uploads and
// leaves nothing behind for them. The same content is stored once; putting
// it again returns the same Stored. An image whose thumbnail cannot be made
// (too many pixels, undecodable data) is still stored, with HasThumb false.
func (s *Store) Put(r io.Reader) (Stored, error) {
	tmp, err := os.CreateTemp(s.dir, uploadTempPrefix+"*")
	if err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	moved := false
	defer func() {
		tmp.Close()
		// Only while it still has its temp name: after the rename the name is
		// free and could already belong to another upload's temp file.
		if !moved {
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	// One byte over the limit is enough to know it is too large without
	// reading (and storing) the rest of an oversized body.
	size, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, s.maxBytes+1))
	if err != nil {
		return Stored{}, fmt.Errorf("files: reading upload: %w", err)
	}
	switch {
	case size == 0:
		return Stored{}, ErrEmpty
	case size > s.maxBytes:
		return Stored{}, tooLarge(s.maxBytes)
	}

	t, err := sniff(tmp, size)
	if err != nil {
		return Stored{}, err
	}
	st := Stored{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size, ContentType: t.contentType, Ext: t.ext}
	orientation := 1
	if t.isImage() {
		if st.Width, st.Height, orientation, err = imageInfo(t, tmp, size); err != nil {
			return Stored{}, err
		}
	}

	final := s.path(st.SHA256)
	switch _, err := os.Stat(final); {
	case err == nil:
		// Already stored: the temp copy is dropped on return, but until then
		// it is the source for a thumbnail an earlier Put may not have made.
	case errors.Is(err, fs.ErrNotExist):
		if err := s.commit(tmp, final); err != nil {
			return Stored{}, err
		}
		moved = true
	default:
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	if t.isImage() {
		st.HasThumb = s.ensureThumb(t, tmp, size, st.SHA256, st.Width, st.Height, orientation)
	}
	return st, nil
}

// commit makes a fully written temp file the stored content. It is synced
// first so a crash cannot leave a truncated file under a content hash.
func (s *Store) commit(tmp *os.File, final string) error {
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	syncDir(filepath.Dir(final))
	return nil
}

// ensureThumb writes the thumbnail unless it exists; it reports whether one
// exists afterwards. Failures only mean no thumbnail: the upload stands.
func (s *Store) ensureThumb(t fileType, src io.ReaderAt, size int64, sha string, w, h, orientation int) bool {
	final := s.thumbPath(sha)
	if _, err := os.Stat(final); err == nil {
		return true
	}
	if int64(w)*int64(h) > maxThumbPixels {
		return false
	}
	s.thumbs <- struct{}{}
	defer func() { <-s.thumbs }()

	img, err := t.decode(io.NewSectionReader(src, 0, size))
	if err != nil {
		return false
	}
	return s.writeThumb(final, makeThumb(img, orientation)) == nil
}

// writeThumb goes through a temp file so a thumbnail is never seen half written.
func (s *Store) writeThumb(final string, img image.Image) (err error) {
	tmp, err := os.CreateTemp(s.dir, thumbTempPrefix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := jpeg.Encode(tmp, img, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), final)
}

// Open opens the stored content; a missing file gives an error matching
// fs.ErrNotExist.
func (s *Store) Open(sha string) (*os.File, error) {
	p, err := s.Path(sha)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// OpenThumb opens the JPEG thumbnail; fs.ErrNotExist when there is none.
func (s *Store) OpenThumb(sha string) (*os.File, error) {
	if !validSHA(sha) {
		return nil, ErrBadName
	}
	return os.Open(s.thumbPath(sha))
}

// Path is where the content of sha is (or would be) stored.
func (s *Store) Path(sha string) (string, error) {
	if !validSHA(sha) {
		return "", ErrBadName
	}
	return s.path(sha), nil
}

func (s *Store) path(sha string) string {
	return filepath.Join(s.dir, sha[:2], sha[2:4], sha)
}

func (s *Store) thumbPath(sha string) string {
	return filepath.Join(s.dir, thumbDir, sha[:2], sha+".jpg")
}

// validSHA accepts exactly what Put produces, which also rules out any path
// syntax ("..", separators) before a name reaches the file system.
func validSHA(sha string) bool {
	if len(sha) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(sha); i++ {
		if c := sha[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) removeStaleTemps() {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, uploadTempPrefix) && !strings.HasPrefix(name, thumbTempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(s.dir, name))
		}
	}
}

// syncDir makes a rename durable. Best effort: some systems cannot sync a
// directory, and the content itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
