package media

import (
	"image"
	"image/draw"

	"golang.org/x/image/webp"
)

// webpCost prices a WebP: the decoder's own buffers (a lossless one decodes to 32-bit words
// first), the decoded image and the RGBA copy the PNG encoder is given.
func webpCost(data []byte) (int64, error) {
	cfg, err := readHeader(data, "WebP", webp.DecodeConfig)
	if err != nil {
		return 0, err
	}
	return int64(cfg.Width) * int64(cfg.Height) * 12, nil
}

// cleanWebP decodes a WebP (its first frame) and writes the pixels as a PNG: EXIF, XMP and ICC
// chunks stay behind.
func cleanWebP(data []byte, maxPixels int64) ([]byte, error) {
	img, err := decodeWithin(data, maxPixels, "WebP", webp.DecodeConfig, webp.Decode)
	if err != nil {
		return nil, err
	}
	if _, ok := img.(*image.NRGBA); !ok { // lossy WebP is YCbCr: give the encoder flat pixels
		b := img.Bounds()
		rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
		img = rgba
	}
	return encodePNG(img)
}
