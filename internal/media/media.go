// Package media makes the copy of an uploaded file that may be shared beyond the secretariat.
//
// Workers photograph and film harm with their phones and record what they are told, and a file's
// metadata can name them: EXIF holds the GPS position where a photo was taken, the phone's make,
// model and serial number and the time; a video's udta and meta boxes the same; an MP3's ID3 tags
// the artist and comments; XMP, IPTC, comments and PNG text chunks can hold anything. The original
// upload is kept, encrypted, for the secretariat only; what goes to a company or an expert is the
// copy made here, with no metadata block left.
//
// Each type is cleaned in the way its structure allows, and a type that cannot be cleaned with
// confidence gets ErrCannotClean: the caller keeps no copy, and the file stays with the
// secretariat. Cleans tells which types are cleaned.
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"strings"
)

// MaxPixels is the largest image, in pixels (width × height, summed over a GIF's frames), that
// Shareable decodes. A 50-megapixel photo is larger than any phone takes; anything bigger is
// refused before decoding so that a small file claiming huge dimensions (a decompression bomb)
// cannot exhaust memory. MaxDecodeBytes bounds the memory the pixels would take as well.
const MaxPixels = 50_000_000

// maxJPEGScans bounds the scans of a progressive JPEG. Each scan walks the whole image, so a small
// file with thousands of tiny scans costs minutes of CPU; real encoders write about ten.
const maxJPEGScans = 100

// JPEGQuality is the quality of the re-encoded JPEG.
const JPEGQuality = 90

var (
	// ErrCannotClean: the data is of a type this package cannot clean of its metadata (PDF,
	// WebM, HEIC, TIFF, SVG, …, an MP4 with a track of timed metadata, an Ogg other than one
	// Opus or Vorbis stream). No shareable copy
	// should be kept; the original stays secretariat-only.
	ErrCannotClean = errors.New("media: file type cannot be cleaned of metadata")
	// ErrTooLarge: the image is over MaxPixels or would cost over MaxDecodeBytes to decode.
	ErrTooLarge = errors.New("media: image too large")
	// ErrContentMismatch: the declared type is not an image but the bytes are one. Its metadata
	// would otherwise pass unchanged; no shareable copy should be kept.
	ErrContentMismatch = errors.New("media: content is an image but not declared as one")
)

// cleaner makes the copy of one type; cost prices an image's decoding (nil: not an image, no
// turn in the worker pool needed).
type cleaner struct {
	clean func(data []byte, maxPixels int64) ([]byte, error)
	cost  func(data []byte) (int64, error)
}

var cleaners = map[string]cleaner{
	"image/jpeg": {cleanJPEG, jpegCost}, "image/jpg": {cleanJPEG, jpegCost}, "image/pjpeg": {cleanJPEG, jpegCost},
	"image/png": {cleanPNG, pngCost}, "image/x-png": {cleanPNG, pngCost}, "image/apng": {cleanPNG, pngCost},
	"image/gif":  {cleanGIF, gifCost},
	"image/webp": {cleanWebP, webpCost},
	"text/plain": {cleanText, nil},
	"audio/mpeg": {whole(cleanMP3), nil}, "audio/mp3": {whole(cleanMP3), nil},
	"audio/wave": {whole(wave.clean), nil}, "audio/wav": {whole(wave.clean), nil}, "audio/x-wav": {whole(wave.clean), nil},
	"audio/aiff": {whole(aiff.clean), nil}, "audio/x-aiff": {whole(aiff.clean), nil},
	"application/ogg": {whole(cleanOgg), nil}, "audio/ogg": {whole(cleanOgg), nil}, "audio/opus": {whole(cleanOgg), nil},
	"video/mp4": {whole(cleanMP4), nil}, "audio/mp4": {whole(cleanMP4), nil}, "video/quicktime": {whole(cleanMP4), nil},
}

func whole(fn func([]byte) ([]byte, error)) func([]byte, int64) ([]byte, error) {
	return func(data []byte, _ int64) ([]byte, error) { return fn(data) }
}

// Cleans reports whether files of this type get a copy without metadata (when they are well
// formed and not too large). Every other type stays with the secretariat.
func Cleans(contentType string) bool {
	_, ok := cleaners[mediaType(contentType)]
	return ok
}

// CopyType is the type of the copy Shareable makes of a file of this type: a WebP's copy is a
// PNG, every other copy is of the original's type.
func CopyType(contentType string) string {
	if mediaType(contentType) == "image/webp" {
		return "image/png"
	}
	return contentType
}

// Shareable returns the copy of an uploaded file that may later be shared beyond the secretariat
// (with a company or an expert), without any of its metadata. The original is kept (encrypted)
// by the caller; this never modifies data. Any error means: keep no copy, the file stays with
// the secretariat.
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
//   - image/webp: decoded and re-encoded as PNG (CopyType); EXIF and XMP chunks go.
//   - text/plain: the text as it is (a text has no metadata block).
//   - audio/mpeg: the audio frames alone, without ID3v2, ID3v1, Lyrics3 or APE tags.
//   - audio/wave, audio/aiff: the format and sample chunks alone.
//   - application/ogg: Opus or Vorbis with an empty comment header, the audio pages as they are.
//   - video/mp4, audio/mp4, video/quicktime: the boxes that play the media; udta, meta and uuid
//     boxes are zeroed in place (no offset moves), times zeroed, handler names blanked.
//   - anything else: ErrCannotClean; if the bytes are an image although declared otherwise,
//     ErrContentMismatch, so a mislabelled photo is never passed on intact.
//
// Images are priced before any pixel is decoded: over MaxPixels or MaxDecodeBytes gives
// ErrTooLarge, and they are decoded Workers at a time within MemoryBudget, waiting at most
// QueueWait (then ErrBusy). The result is verified before it is returned: should a metadata
// block ever be found in it, Shareable fails rather than return it.
func Shareable(contentType string, data []byte) ([]byte, error) {
	return shareable(contentType, data, MaxPixels)
}

// recoverPanics turns a panic of a decoder on a stranger's file into an error (the file keeps no
// copy, the report is filed). The fuzz targets turn it off, to see the panic.
var recoverPanics = true

func shareable(contentType string, data []byte, maxPixels int64) (out []byte, err error) {
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("media: cleaning failed: %v", r)
		}
	}()
	t := mediaType(contentType)
	c, ok := cleaners[t]
	switch {
	case !ok && !strings.HasPrefix(t, "image/") && strings.HasPrefix(http.DetectContentType(data), "image/"):
		return nil, fmt.Errorf("%w: declared %q, content is %s", ErrContentMismatch, contentType, http.DetectContentType(data))
	case !ok:
		return nil, fmt.Errorf("%w: %s", ErrCannotClean, t)
	case c.cost == nil:
		return c.clean(data, maxPixels)
	}
	cost, err := c.cost(data)
	if err != nil {
		return nil, err
	}
	if err := checkCost(cost, t); err != nil {
		return nil, err
	}
	return pool.run(cost, QueueWait, func() ([]byte, error) { return c.clean(data, maxPixels) })
}

// cleanText keeps a text as it is: it has no metadata block.
func cleanText(data []byte, _ int64) ([]byte, error) {
	if strings.HasPrefix(http.DetectContentType(data), "image/") {
		return nil, fmt.Errorf("%w: declared text, content is an image", ErrContentMismatch)
	}
	return bytes.Clone(data), nil
}

// mediaType gives the lower-case type/subtype of a Content-Type value.
func mediaType(contentType string) string {
	if t, _, err := mime.ParseMediaType(contentType); err == nil {
		return t
	}
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// readHeader reads an image's dimensions without decoding any pixel.
func readHeader(data []byte, format string, decodeConfig func(io.Reader) (image.Config, error)) (image.Config, error) {
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return cfg, fmt.Errorf("media: reading %s header: %w", format, err)
	}
	return cfg, nil
}

// checkHeader refuses an image whose header is unreadable or whose dimensions are over the
// bound, before any pixel is decoded.
func checkHeader(data []byte, maxPixels int64, format string, decodeConfig func(io.Reader) (image.Config, error)) error {
	cfg, err := readHeader(data, format, decodeConfig)
	if err != nil {
		return err
	}
	return checkPixels(cfg.Width, cfg.Height, maxPixels)
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
	if err := checkHeader(data, maxPixels, "JPEG", jpeg.DecodeConfig); err != nil {
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
	img, err := decodeWithin(data, maxPixels, "PNG", png.DecodeConfig, png.Decode)
	if err != nil {
		return nil, err
	}
	return encodePNG(orient(img, pngOrientation(data)))
}

// decodeWithin decodes a still image once its header is within maxPixels.
func decodeWithin(data []byte, maxPixels int64, format string, decodeConfig func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) (image.Image, error) {
	if err := checkHeader(data, maxPixels, format, decodeConfig); err != nil {
		return nil, err
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("media: decoding %s: %w", format, err)
	}
	return img, nil
}

// encodePNG writes the copy of a PNG or a WebP: pixels only, verified to carry no chunk beyond
// them.
func encodePNG(img image.Image) ([]byte, error) {
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
	if err := checkHeader(data, maxPixels, "GIF", gif.DecodeConfig); err != nil {
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
