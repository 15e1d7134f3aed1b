package files

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"

	"github.com/richardlehane/mscfb"
	"golang.org/x/image/webp"
)

// fileType is one allowed kind of upload. Images carry their own decoders so
// a file is only ever decoded as the type it was sniffed as.
type fileType struct {
	contentType  string
	ext          string
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

var (
	typeJPEG = fileType{"image/jpeg", ".jpg", jpeg.DecodeConfig, jpeg.Decode}
	typePNG  = fileType{"image/png", ".png", png.DecodeConfig, png.Decode}
	typeGIF  = fileType{"image/gif", ".gif", gif.DecodeConfig, gif.Decode}
	typeWebP = fileType{"image/webp", ".webp", webp.DecodeConfig, webp.Decode}
	typePDF  = fileType{contentType: "application/pdf", ext: ".pdf"}
	typeDOCX = fileType{contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: ".docx"}
	typeXLSX = fileType{contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: ".xlsx"}
	typePPTX = fileType{contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", ext: ".pptx"}
	typeDOC  = fileType{contentType: "application/msword", ext: ".doc"}
	typeXLS  = fileType{contentType: "application/vnd.ms-excel", ext: ".xls"}
	typePPT  = fileType{contentType: "application/vnd.ms-powerpoint", ext: ".ppt"}
)

func (t fileType) isImage() bool { return t.decode != nil }

// sniffedTypes maps what http.DetectContentType says to the types it is
// enough for. Anything it does not list is refused, so new kinds of file stay
// out until someone decides to allow them.
var sniffedTypes = map[string]fileType{
	"image/jpeg":      typeJPEG,
	"image/png":       typePNG,
	"image/gif":       typeGIF,
	"image/webp":      typeWebP,
	"application/pdf": typePDF,
}

// ooxmlDirs tells the Office Open XML documents apart by their top folder.
var ooxmlDirs = []struct {
	prefix string
	t      fileType
}{{"word/", typeDOCX}, {"xl/", typeXLSX}, {"ppt/", typePPTX}}

// oleStreams are the main streams of legacy Office files ("Book" is Excel 5).
// WPS Office's .wps/.et files have the same streams and pass as .doc/.xls.
var oleStreams = map[string]fileType{
	"WordDocument":        typeDOC,
	"Workbook":            typeXLS,
	"Book":                typeXLS,
	"PowerPoint Document": typePPT,
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniff decides the type from the content alone.
func sniff(f io.ReaderAt, size int64) (fileType, error) {
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fileType{}, fmt.Errorf("files: sniffing: %w", err)
	}
	head = head[:n]
	// DetectContentType knows no OLE; MSI installers and Outlook messages are
	// OLE too, so the container is opened to see what it holds.
	if bytes.HasPrefix(head, oleMagic) {
		return sniffOLE(f, size)
	}
	ct := http.DetectContentType(head)
	if ct == "application/zip" {
		return sniffOOXML(f, size)
	}
	if t, ok := sniffedTypes[ct]; ok {
		return t, nil
	}
	return fileType{}, forbidden("sniffed " + ct)
}

// sniffOOXML accepts a zip only when its central directory looks like a
// Word, Excel or PowerPoint document. Macro-enabled documents renamed to
// .docx/.xlsx are refused by their VBA project part.
func sniffOOXML(f io.ReaderAt, size int64) (fileType, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return fileType{}, forbidden("zip: " + err.Error())
	}
	hasContentTypes := false
	found := map[string]fileType{}
	for _, zf := range zr.File {
		name := strings.ToLower(zf.Name)
		if name == "[content_types].xml" {
			hasContentTypes = true
		}
		if strings.HasSuffix(name, "vbaproject.bin") {
			return fileType{}, errMacros
		}
		for _, d := range ooxmlDirs {
			if strings.HasPrefix(name, d.prefix) {
				found[d.t.ext] = d.t
			}
		}
	}
	if !hasContentTypes {
		return fileType{}, forbidden("zip without [Content_Types].xml")
	}
	return only(found, "zip")
}

// sniffOLE accepts Word, Excel and PowerPoint 97-2003 files by their main
// stream and refuses every other compound file (installers, mail, password
// protected OOXML, macros).
func sniffOLE(f io.ReaderAt, size int64) (t fileType, err error) {
	// mscfb parses hostile input; a panic in it must refuse the upload, not
	// take the request down.
	defer func() {
		if p := recover(); p != nil {
			t, err = fileType{}, forbidden(fmt.Sprint("ole: panic: ", p))
		}
	}()
	doc, err := mscfb.New(io.NewSectionReader(f, 0, size))
	if err != nil {
		return fileType{}, forbidden("ole: " + err.Error())
	}
	found := map[string]fileType{}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		// Word keeps VBA in Macros/VBA/_VBA_PROJECT, Excel in _VBA_PROJECT_CUR.
		if strings.EqualFold(e.Name, "_VBA_PROJECT") || strings.EqualFold(e.Name, "_VBA_PROJECT_CUR") {
			return fileType{}, errMacros
		}
		if t, ok := oleStreams[e.Name]; ok && len(e.Path) == 0 {
			found[t.ext] = t
		}
	}
	return only(found, "ole")
}

// only returns the single type found; none or several (a file claiming to be
// both a document and a workbook) is refused.
func only(found map[string]fileType, container string) (fileType, error) {
	if len(found) == 1 {
		for _, t := range found {
			return t, nil
		}
	}
	return fileType{}, forbidden(fmt.Sprintf("%s with %d Office kinds", container, len(found)))
}
