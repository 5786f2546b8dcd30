// Package media makes the copy of an uploaded file that may be shared beyond the secretariat.
//
// Workers photograph harm with their phones, and a photo's metadata can name them: EXIF holds the
// GPS position where it was taken, the phone's make, model and serial number and the time; XMP,
// IPTC, comments and PNG text chunks can hold the same. The original upload is kept, encrypted,
// for the secretariat only; what goes to a company or an expert is the copy made here, rebuilt
// from the decoded pixels so that no metadata block survives.
//
// Only the standard library's codecs are used: JPEG, PNG and GIF are cleaned. WebP (and any other
// image type) has no decoder here and gets ErrUnsupportedImage: the caller then keeps no shareable
// copy and the original stays with the secretariat.
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"net/http"
	"strings"
)

// MaxPixels is the largest image, in pixels (width × height, summed over a GIF's frames), that
// Shareable decodes. A 50-megapixel photo is larger than any phone takes; anything bigger is
// refused before decoding so that a small file claiming huge dimensions (a decompression bomb)
// cannot exhaust memory.
const MaxPixels = 50_000_000

// maxJPEGScans bounds the scans of a progressive JPEG. Each scan walks the whole image, so a small
// file with thousands of tiny scans costs minutes of CPU; real encoders write about ten.
const maxJPEGScans = 100

// JPEGQuality is the quality of the re-encoded JPEG.
const JPEGQuality = 90

var (
	// ErrUnsupportedImage: the data is an image this package cannot clean (WebP, HEIC, TIFF, SVG,
	// …). No shareable copy should be kept; the original stays secretariat-only.
	ErrUnsupportedImage = errors.New("media: image type cannot be cleaned of metadata")
	// ErrTooLarge: the image is over MaxPixels (or would cost too much to decode).
	ErrTooLarge = errors.New("media: image too large")
	// ErrContentMismatch: the declared type is not an image but the bytes are one. Its metadata
	// would otherwise pass unchanged; no shareable copy should be kept.
	ErrContentMismatch = errors.New("media: content is an image but not declared as one")
)

// Shareable returns a copy of an uploaded file that may later be shared beyond the secretariat
// (with a company or an expert): images lose every metadata block (EXIF including GPS, XMP, IPTC,
// ICC profiles' text, comments, PNG text/eXIf/tIME chunks, …); other types are returned unchanged
// with stripped=false. The original is kept (encrypted) by the caller; this never modifies data.
//
// contentType is a MIME type such as http.DetectContentType gives (parameters are ignored):
//
//   - image/jpeg: decoded and re-encoded at quality JPEGQuality. The EXIF Orientation is applied
//     to the pixels first, so the copy looks upright although it has no EXIF left.
//   - image/png: decoded and re-encoded losslessly; only IHDR, PLTE, tRNS, IDAT and IEND remain.
//     Colour-space chunks (gAMA, cHRM, sRGB, iCCP) go too, and an APNG keeps its first frame
//     only. An eXIf Orientation is applied as for JPEG.
//   - image/gif: every frame is decoded and re-encoded with its timing, disposal and loop count;
//     comment, plain-text and application extensions (XMP) go.
//   - image/webp and every other image/* type: ErrUnsupportedImage.
//   - anything else: a copy of data, stripped=false. If the bytes are nonetheless a JPEG, PNG,
//     GIF or WebP, ErrContentMismatch instead, so a mislabelled photo is never passed on intact.
//
// Images over MaxPixels give ErrTooLarge before any pixel is decoded. Any error means: keep no
// shareable copy. The result is verified before it is returned: should a metadata segment or
// chunk ever be found in it, Shareable fails rather than return it.
func Shareable(contentType string, data []byte) (out []byte, stripped bool, err error) {
	return shareable(contentType, data, MaxPixels)
}

func shareable(contentType string, data []byte, maxPixels int64) ([]byte, bool, error) {
	switch mediaType(contentType) {
	case "image/jpeg", "image/jpg", "image/pjpeg":
		out, err := cleanJPEG(data, maxPixels)
		return result(out, err)
	case "image/png", "image/x-png", "image/apng":
		out, err := cleanPNG(data, maxPixels)
		return result(out, err)
	case "image/gif":
		out, err := cleanGIF(data, maxPixels)
		return result(out, err)
	}
	if strings.HasPrefix(mediaType(contentType), "image/") {
		return nil, false, fmt.Errorf("%w: %s", ErrUnsupportedImage, mediaType(contentType))
	}
	if sniffed := http.DetectContentType(data); strings.HasPrefix(sniffed, "image/") {
		return nil, false, fmt.Errorf("%w: declared %q, content is %s", ErrContentMismatch, contentType, sniffed)
	}
	return bytes.Clone(data), false, nil
}

func result(out []byte, err error) ([]byte, bool, error) {
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// mediaType gives the lower-case type/subtype of a Content-Type value.
func mediaType(contentType string) string {
	if t, _, err := mime.ParseMediaType(contentType); err == nil {
		return t
	}
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// checkPixels refuses dimensions over the bound (or nonsensical ones).
func checkPixels(w, h int, maxPixels int64) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("media: invalid image dimensions %dx%d", w, h)
	}
	if int64(w)*int64(h) > maxPixels {
		return fmt.Errorf("%w: %dx%d is over %d pixels", ErrTooLarge, w, h, maxPixels)
	}
	return nil
}

func cleanJPEG(data []byte, maxPixels int64) ([]byte, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: reading JPEG header: %w", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	scans := 0
	walkJPEG(data, func(marker byte, _ []byte) bool {
		if marker == markerSOS {
			scans++
		}
		return scans <= maxJPEGScans
	})
	if scans > maxJPEGScans {
		return nil, fmt.Errorf("%w: JPEG has over %d scans", ErrTooLarge, maxJPEGScans)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: decoding JPEG: %w", err)
	}
	img = orient(img, jpegOrientation(data))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return nil, fmt.Errorf("media: encoding JPEG: %w", err)
	}
	out := buf.Bytes()
	if err := verifyJPEG(out); err != nil {
		return nil, err
	}
	return out, nil
}

func cleanPNG(data []byte, maxPixels int64) ([]byte, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: reading PNG header: %w", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: decoding PNG: %w", err)
	}
	img = orient(img, pngOrientation(data))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("media: encoding PNG: %w", err)
	}
	out := buf.Bytes()
	if err := verifyPNG(out); err != nil {
		return nil, err
	}
	return out, nil
}

func cleanGIF(data []byte, maxPixels int64) ([]byte, error) {
	cfg, err := gif.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: reading GIF header: %w", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, maxPixels); err != nil {
		return nil, err
	}
	// Every frame is decoded to its own buffer: bound their sum, not just the screen.
	info, err := scanGIF(data)
	if err != nil {
		return nil, err
	}
	if info.pixels > maxPixels {
		return nil, fmt.Errorf("%w: GIF frames total %d pixels, over %d", ErrTooLarge, info.pixels, maxPixels)
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: decoding GIF: %w", err)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		return nil, fmt.Errorf("media: encoding GIF: %w", err)
	}
	out := buf.Bytes()
	if err := verifyGIF(out); err != nil {
		return nil, err
	}
	return out, nil
}

// orient turns img so that it shows as a viewer honouring EXIF orientation o would show it.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	return applyOrientation(img, o)
}
