package media

import (
	"image"
	"image/draw"
)

// EXIF orientations 2–8, as the transform that makes the stored pixels upright:
//
//	2 mirror left–right        5 transpose (mirror along the main diagonal)
//	3 rotate 180°              6 rotate 90° clockwise
//	4 mirror top–bottom        7 transverse (mirror along the other diagonal)
//	                           8 rotate 90° counter-clockwise
//
// srcPoint gives, for a pixel (x, y) of the upright image, the stored pixel it comes from; w and
// h are the stored image's size.
func srcPoint(o, x, y, w, h int) (int, int) {
	switch o {
	case 2:
		return w - 1 - x, y
	case 3:
		return w - 1 - x, h - 1 - y
	case 4:
		return x, h - 1 - y
	case 5:
		return y, x
	case 6:
		return y, h - 1 - x
	case 7:
		return w - 1 - y, h - 1 - x
	case 8:
		return w - 1 - y, x
	}
	return x, y
}

// applyOrientation returns img transformed for EXIF orientation o (2–8). The pixel type is kept
// where it has a flat pixel buffer (so a PNG stays lossless); a JPEG's YCbCr is turned to RGBA.
func applyOrientation(img image.Image, o int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dr := image.Rect(0, 0, dw, dh)
	switch src := img.(type) {
	case *image.RGBA:
		dst := image.NewRGBA(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 4, o, w, h)
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 4, o, w, h)
		return dst
	case *image.RGBA64:
		dst := image.NewRGBA64(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 8, o, w, h)
		return dst
	case *image.NRGBA64:
		dst := image.NewNRGBA64(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 8, o, w, h)
		return dst
	case *image.Gray:
		dst := image.NewGray(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 1, o, w, h)
		return dst
	case *image.Gray16:
		dst := image.NewGray16(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 2, o, w, h)
		return dst
	case *image.CMYK:
		dst := image.NewCMYK(dr)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 4, o, w, h)
		return dst
	case *image.Paletted:
		dst := image.NewPaletted(dr, src.Palette)
		transform(dst.Pix, dst.Stride, src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], src.Stride, 1, o, w, h)
		return dst
	case *image.YCbCr:
		if dst := turnYCbCr(src, o, dr); dst != nil {
			return dst
		}
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
		return applyOrientation(rgba, o)
	}
	// Any other type: through 16-bit RGBA, which loses nothing of the standard colour models.
	rgba := image.NewRGBA64(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	return applyOrientation(rgba, o)
}

// transform fills dst (dw×dh pixels of bpp bytes) from src (w×h) for orientation o.
func transform(dst []byte, dstStride int, src []byte, srcStride, bpp, o, w, h int) {
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	for y := range dh {
		row := dst[y*dstStride : y*dstStride+dw*bpp]
		for x := range dw {
			sx, sy := srcPoint(o, x, y, w, h)
			s := sy*srcStride + sx*bpp
			copy(row[x*bpp:x*bpp+bpp], src[s:s+bpp])
		}
	}
}

// transposed is the chroma subsampling of a YCbCr image turned a quarter: the planes are turned
// as they are, so a photo costs no RGBA copy. 4:1:1 and 4:1:0 have no transposed ratio.
var transposed = map[image.YCbCrSubsampleRatio]image.YCbCrSubsampleRatio{
	image.YCbCrSubsampleRatio444: image.YCbCrSubsampleRatio444,
	image.YCbCrSubsampleRatio420: image.YCbCrSubsampleRatio420,
	image.YCbCrSubsampleRatio422: image.YCbCrSubsampleRatio440,
	image.YCbCrSubsampleRatio440: image.YCbCrSubsampleRatio422,
}

// turnYCbCr turns each plane of src for orientation o into a new image of bounds dr, or
// returns nil when it cannot (then the caller goes through RGBA).
func turnYCbCr(src *image.YCbCr, o int, dr image.Rectangle) *image.YCbCr {
	ratio, ok := transposed[src.SubsampleRatio]
	if !ok || src.Rect.Min != (image.Point{}) {
		return nil
	}
	if o < 5 {
		ratio = src.SubsampleRatio
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewYCbCr(dr, ratio)
	transform(dst.Y, dst.YStride, src.Y, src.YStride, 1, o, w, h)
	cw, ch := w, h
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio420:
		cw, ch = (w+1)/2, (h+1)/2
	case image.YCbCrSubsampleRatio422:
		cw = (w + 1) / 2
	case image.YCbCrSubsampleRatio440:
		ch = (h + 1) / 2
	}
	transform(dst.Cb, dst.CStride, src.Cb, src.CStride, 1, o, cw, ch)
	transform(dst.Cr, dst.CStride, src.Cr, src.CStride, 1, o, cw, ch)
	return dst
}
