package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// identifying is every string the fixtures hide in metadata.
var identifying = []string{
	"Exif\x00\x00", mediatest.Make, mediatest.Model, mediatest.SerialNumber, mediatest.DateTime,
	mediatest.XMPMarker, mediatest.CommentMarker, mediatest.PNGTextMarker, "http://ns.adobe.com/xap/1.0/",
}

func mustContain(t *testing.T, data []byte, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !bytes.Contains(data, []byte(s)) {
			t.Fatalf("fixture lacks %q", s)
		}
	}
}

func mustNotContain(t *testing.T, data []byte) {
	t.Helper()
	for _, s := range identifying {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("cleaned copy still contains %q", s)
		}
	}
}

// near reports whether two colours differ by at most tol in each 8-bit channel.
func near(a, b color.Color, tol int) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	d := func(x, y uint32) bool {
		v := int(x>>8) - int(y>>8)
		return v <= tol && -v <= tol
	}
	return d(ar, br) && d(ag, bg) && d(ab, bb) && d(aa, ba)
}

func TestShareableJPEG(t *testing.T) {
	const w, h = 64, 48
	in := mediatest.JPEGWithGPS(w, h)
	orig := bytes.Clone(in)
	mustContain(t, in, "Exif\x00\x00", mediatest.Make, mediatest.SerialNumber, mediatest.XMPMarker, mediatest.CommentMarker)
	if !HasLocation(in) {
		t.Fatal("HasLocation(fixture) = false")
	}
	if o := jpegOrientation(in); o != 6 {
		t.Fatalf("fixture orientation = %d, want 6", o)
	}

	out, err := Shareable("image/jpeg", in)
	if err != nil {
		t.Fatalf("Shareable: %v", err)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Shareable modified its input")
	}
	mustNotContain(t, out)
	if HasLocation(out) {
		t.Error("HasLocation(out) = true")
	}
	walkJPEG(out, func(marker byte, _ []byte) bool {
		if marker >= 0xE0 && marker <= 0xEF || marker == 0xFE {
			t.Errorf("out has marker 0x%02X", marker)
		}
		return true
	})

	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decoding out: %v", err)
	}
	// Orientation 6: turned 90° clockwise, so w and h swap and the stored left column is the
	// top row: displayed (x, y) comes from stored (y, h-1-x).
	if b := img.Bounds(); b.Dx() != h || b.Dy() != w {
		t.Fatalf("out is %dx%d, want %dx%d", b.Dx(), b.Dy(), h, w)
	}
	src := mediatest.Gradient(w, h)
	for _, p := range []image.Point{{4, 4}, {h - 5, 4}, {4, w - 5}, {h - 5, w - 5}, {h / 2, w / 2}, {10, 40}} {
		want := src.At(p.Y, h-1-p.X)
		if got := img.At(p.X, p.Y); !near(got, want, 16) {
			t.Errorf("pixel %v = %v, want about %v", p, got, want)
		}
	}
}

// Where the stored image's top-left, top-right and bottom-left corners show, per orientation.
type corner int

const (
	tl corner = iota
	tr
	bl
	br
)

var cornerMoves = map[int][3]corner{
	0: {tl, tr, bl}, // no tag
	1: {tl, tr, bl},
	2: {tr, tl, br},
	3: {br, bl, tr},
	4: {bl, br, tl},
	5: {tl, bl, tr},
	6: {tr, br, tl},
	7: {br, tr, bl},
	8: {bl, tl, br},
}

func cornerAt(img image.Image, c corner, inset int) color.Color {
	b := img.Bounds()
	x, y := b.Min.X+inset, b.Min.Y+inset
	if c == tr || c == br {
		x = b.Max.X - 1 - inset
	}
	if c == bl || c == br {
		y = b.Max.Y - 1 - inset
	}
	return img.At(x, y)
}

func TestJPEGOrientations(t *testing.T) {
	const w, h = 48, 32
	src := mediatest.Gradient(w, h)
	for o, moves := range cornerMoves {
		out, err := Shareable("image/jpeg", mediatest.JPEGWithExif(w, h, o))
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("orientation %d: decoding: %v", o, err)
		}
		ww, wh := w, h
		if o >= 5 {
			ww, wh = h, w
		}
		if b := img.Bounds(); b.Dx() != ww || b.Dy() != wh {
			t.Errorf("orientation %d: %dx%d, want %dx%d", o, b.Dx(), b.Dy(), ww, wh)
			continue
		}
		for i, from := range []corner{tl, tr, bl} {
			want := cornerAt(src, from, 3)
			if got := cornerAt(img, moves[i], 3); !near(got, want, 20) {
				t.Errorf("orientation %d: stored corner %d shows at %d as %v, want about %v", o, from, moves[i], got, want)
			}
		}
	}
}

// Independent primitives for checking applyOrientation exactly.
func rotCW(img image.Image) *image.RGBA64 {
	b := img.Bounds()
	dst := image.NewRGBA64(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			// Stored (x, y) goes to column h-1-y, row x.
			dst.Set(b.Dy()-1-y, x, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

func flipH(img image.Image) *image.RGBA64 {
	b := img.Bounds()
	dst := image.NewRGBA64(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			dst.Set(b.Dx()-1-x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

func expectedOrientation(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return flipH(img)
	case 3:
		return rotCW(rotCW(img))
	case 4:
		return flipH(rotCW(rotCW(img)))
	case 5:
		return flipH(rotCW(img))
	case 6:
		return rotCW(img)
	case 7:
		return rotCW(flipH(img))
	case 8:
		return rotCW(rotCW(rotCW(img)))
	}
	return img
}

func sameImage(t *testing.T, name string, got, want image.Image, tol int) {
	t.Helper()
	if got.Bounds().Size() != want.Bounds().Size() {
		t.Fatalf("%s: size %v, want %v", name, got.Bounds().Size(), want.Bounds().Size())
	}
	gb, wb := got.Bounds(), want.Bounds()
	for y := range gb.Dy() {
		for x := range gb.Dx() {
			g, w := got.At(gb.Min.X+x, gb.Min.Y+y), want.At(wb.Min.X+x, wb.Min.Y+y)
			if tol == 0 {
				gr, gg, gb2, ga := g.RGBA()
				wr, wg, wb2, wa := w.RGBA()
				if gr != wr || gg != wg || gb2 != wb2 || ga != wa {
					t.Fatalf("%s: pixel (%d,%d) = %v, want %v", name, x, y, g, w)
				}
			} else if !near(g, w, tol) {
				t.Fatalf("%s: pixel (%d,%d) = %v, want about %v", name, x, y, g, w)
			}
		}
	}
}

func TestApplyOrientationAllTypes(t *testing.T) {
	const w, h = 7, 5
	grad := mediatest.Gradient(w, h)
	pal := color.Palette{color.Black, color.White, color.RGBA{0xFF, 0, 0, 0xFF}}
	paletted := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	ycc := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	alpha := image.NewAlpha(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			paletted.SetColorIndex(x, y, uint8((x*3+y)%3))
			c := grad.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = yy, cb, cr
			alpha.SetAlpha(x, y, color.Alpha{A: uint8(x*30 + y)})
		}
	}
	imgs := map[string]image.Image{
		"RGBA": grad, "NRGBA": convert(grad, image.NewNRGBA(grad.Bounds())),
		"RGBA64": convert(grad, image.NewRGBA64(grad.Bounds())), "NRGBA64": convert(grad, image.NewNRGBA64(grad.Bounds())),
		"Gray": convert(grad, image.NewGray(grad.Bounds())), "Gray16": convert(grad, image.NewGray16(grad.Bounds())),
		"CMYK": convert(grad, image.NewCMYK(grad.Bounds())), "Paletted": paletted, "YCbCr": ycc, "Alpha": alpha,
	}
	for name, img := range imgs {
		for o := 2; o <= 8; o++ {
			got := applyOrientation(img, o)
			tol := 0
			if name == "YCbCr" {
				tol = 1 // converted to RGBA through 8 bits
			}
			sameImage(t, name+"/"+string(rune('0'+o)), got, expectedOrientation(img, o), tol)
		}
	}
	// A sub-image whose bounds do not start at the origin.
	sub := grad.SubImage(image.Rect(2, 1, 6, 4))
	for o := 2; o <= 8; o++ {
		sameImage(t, "sub/"+string(rune('0'+o)), applyOrientation(sub, o), expectedOrientation(sub, o), 0)
	}
}

type settable interface {
	image.Image
	Set(x, y int, c color.Color)
}

func convert(src image.Image, dst settable) image.Image {
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, src.At(x, y))
		}
	}
	return dst
}

func pngChunks(t *testing.T, data []byte) []string {
	t.Helper()
	var types []string
	if !walkPNG(data, func(typ string, _ []byte) bool { types = append(types, typ); return true }) {
		t.Fatal("not a PNG")
	}
	return types
}

func TestShareablePNG(t *testing.T) {
	const w, h = 32, 16
	in := mediatest.PNGWithMetadata(w, h)
	mustContain(t, in, "tEXt", "eXIf", "iTXt", "tIME", mediatest.PNGTextMarker, mediatest.XMPMarker, mediatest.Make)
	if !HasLocation(in) {
		t.Fatal("HasLocation(PNG fixture) = false")
	}
	out, err := Shareable("image/png", in)
	if err != nil {
		t.Fatalf("Shareable: %v", err)
	}
	mustNotContain(t, out)
	if HasLocation(out) {
		t.Error("HasLocation(out) = true")
	}
	for _, typ := range pngChunks(t, out) {
		if !pngCritical[typ] {
			t.Errorf("out has chunk %q", typ)
		}
	}
	for _, typ := range []string{"tEXt", "zTXt", "iTXt", "eXIf", "tIME"} {
		if bytes.Contains(out, []byte(typ)) {
			t.Errorf("out contains %q", typ)
		}
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	orig, err := png.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	sameImage(t, "png", img, orig, 0)
	sameImage(t, "png vs gradient", img, mediatest.Gradient(w, h), 0)
}

// tiffOrientation is a minimal little-endian TIFF with only an Orientation tag.
func tiffOrientation(o uint16) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, 0x0112)
	b = binary.LittleEndian.AppendUint16(b, 3)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint16(b, o)
	b = append(b, 0, 0, 0, 0, 0, 0)
	return b
}

func chunk(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ...)
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func TestPNGOrientationLossless(t *testing.T) {
	const w, h = 9, 6
	grad := mediatest.Gradient(w, h)
	var enc bytes.Buffer
	if err := png.Encode(&enc, grad); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	for o := 1; o <= 8; o++ {
		in := append(bytes.Clone(plain[:33]), chunk("eXIf", tiffOrientation(uint16(o)))...)
		in = append(in, plain[33:]...)
		out, err := Shareable("image/png", in)
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		sameImage(t, "png orientation "+string(rune('0'+o)), img, expectedOrientation(grad, o), 0)
	}
}

func TestShareableGIF(t *testing.T) {
	in := mediatest.GIFWithComment(20, 10, 3)
	mustContain(t, in, mediatest.CommentMarker, mediatest.XMPMarker, "XMP DataXMP")
	out, err := Shareable("image/gif", in)
	if err != nil {
		t.Fatalf("Shareable: %v", err)
	}
	mustNotContain(t, out)
	if bytes.Contains(out, []byte("XMP DataXMP")) {
		t.Error("out keeps the XMP application extension")
	}
	want, err := gif.DecodeAll(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Image) != 3 || got.LoopCount != want.LoopCount {
		t.Fatalf("out has %d frames, loop %d; want 3, %d", len(got.Image), got.LoopCount, want.LoopCount)
	}
	for i := range got.Image {
		if got.Delay[i] != want.Delay[i] || got.Disposal[i] != want.Disposal[i] {
			t.Errorf("frame %d: delay/disposal %d/%d, want %d/%d", i, got.Delay[i], got.Disposal[i], want.Delay[i], want.Disposal[i])
		}
		sameImage(t, "gif frame", got.Image[i], want.Image[i], 0)
	}

	// A single frame with a global colour table.
	var enc bytes.Buffer
	pal := color.Palette{color.Black, color.White}
	frame := image.NewPaletted(image.Rect(0, 0, 4, 3), pal)
	frame.SetColorIndex(1, 1, 1)
	if err := gif.EncodeAll(&enc, &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0},
		Config: image.Config{ColorModel: pal, Width: 4, Height: 3}}); err != nil {
		t.Fatal(err)
	}
	out, err = Shareable("image/gif", enc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	img, err := gif.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	sameImage(t, "gif single", img, frame, 0)
}

func TestShareableOtherTypes(t *testing.T) {
	if out, err := Shareable("text/plain; charset=utf-8", []byte("hello")); err != nil || string(out) != "hello" {
		t.Errorf("text: %q %v", out, err)
	}

	// Types with no cleaner stay with the secretariat, PDF included.
	pdf := []byte("%PDF-1.4\n1 0 obj << /Author (TestPhone) >> endobj\n%%EOF\n")
	for _, c := range []struct{ ct, data string }{
		{"application/pdf", string(pdf)}, {"video/webm", "\x1a\x45\xdf\xa3"},
		{"image/heic", "\x00\x00\x00\x18ftypheic"}, {"image/tiff", "II*\x00"}, {"image/svg+xml", "<svg/>"},
		{"application/octet-stream", "\x00\x01"},
	} {
		out, err := Shareable(c.ct, []byte(c.data))
		if !errors.Is(err, ErrCannotClean) || out != nil {
			t.Errorf("%s: out %d bytes, err %v; want ErrCannotClean", c.ct, len(out), err)
		}
		if Cleans(c.ct) {
			t.Errorf("Cleans(%s) = true", c.ct)
		}
	}

	// A photo labelled as something else is not passed on with its metadata.
	for _, ct := range []string{"application/octet-stream", "application/pdf", "", "text/plain; charset=utf-8", "audio/mpeg", "video/mp4"} {
		if out, err := Shareable(ct, mediatest.JPEGWithGPS(16, 8)); err == nil || HasLocation(out) {
			t.Errorf("JPEG declared %q: err %v", ct, err)
		}
	}

	// Parameters and case in the content type are ignored.
	if _, err := Shareable("Image/JPEG; q=1", mediatest.JPEGWithGPS(16, 8)); err != nil {
		t.Errorf("Image/JPEG with parameters: err %v", err)
	}
	// A PNG declared as JPEG is an error (the caller sniffs the type from the bytes).
	if _, err := Shareable("image/jpeg", mediatest.PNGWithMetadata(4, 4)); err == nil {
		t.Error("PNG declared as JPEG: no error")
	}
}

func TestTruncatedJPEG(t *testing.T) {
	in := mediatest.JPEGWithGPS(32, 24)
	if _, err := Shareable("image/jpeg", in[:len(in)/2]); err == nil {
		t.Error("half a JPEG: no error")
	}
	for n := 0; n < len(in); n += 3 {
		out, err := Shareable("image/jpeg", in[:n])
		if err == nil && (HasLocation(out) || verifyJPEG(out) != nil) {
			t.Fatalf("prefix %d: decoded but not clean", n)
		}
		HasLocation(in[:n])
	}
	for _, in := range [][]byte{mediatest.PNGWithMetadata(8, 8), mediatest.GIFWithComment(8, 8, 2)} {
		ct := "image/png"
		if bytes.HasPrefix(in, []byte("GIF")) {
			ct = "image/gif"
		}
		for n := 0; n < len(in); n++ {
			if _, err := Shareable(ct, in[:n]); err == nil {
				t.Fatalf("%s prefix %d of %d: no error", ct, n, len(in))
			}
			HasLocation(in[:n])
		}
	}
}

func TestTooLarge(t *testing.T) {
	// A PNG header claiming 20000×20000: DecodeConfig reads only the header.
	ihdr := binary.BigEndian.AppendUint32(nil, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	bomb := append(bytes.Clone(pngSignature), chunk("IHDR", ihdr)...)
	if _, err := Shareable("image/png", bomb); !errors.Is(err, ErrTooLarge) {
		t.Errorf("PNG 20000x20000: err %v, want ErrTooLarge", err)
	}

	// A JPEG frame header claiming 10000×6000 (60 megapixels).
	sof := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0x17, 0x70, 0x27, 0x10, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
		0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0}
	if _, err := Shareable("image/jpeg", sof); !errors.Is(err, ErrTooLarge) {
		t.Errorf("JPEG 10000x6000: err %v, want ErrTooLarge", err)
	}

	// A JPEG with more scans than any encoder writes.
	scans := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0}
	for range maxJPEGScans + 1 {
		scans = append(scans, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x55)
	}
	scans = append(scans, 0xFF, 0xD9)
	if _, err := Shareable("image/jpeg", scans); !errors.Is(err, ErrTooLarge) {
		t.Errorf("JPEG with %d scans: err %v, want ErrTooLarge", maxJPEGScans+1, err)
	}

	// A GIF screen of 65535×65535.
	screen := []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00;")
	if _, err := Shareable("image/gif", screen); !errors.Is(err, ErrTooLarge) {
		t.Errorf("GIF 65535x65535: err %v, want ErrTooLarge", err)
	}

	// A GIF whose screen is allowed but whose three full frames are not.
	g := []byte("GIF89a")
	g = binary.LittleEndian.AppendUint16(g, 5000)
	g = binary.LittleEndian.AppendUint16(g, 5000)
	g = append(g, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF)
	for range 3 {
		g = append(g, 0x2C, 0, 0, 0, 0)
		g = binary.LittleEndian.AppendUint16(g, 5000)
		g = binary.LittleEndian.AppendUint16(g, 5000)
		g = append(g, 0, 2, 2, 0x4C, 0x01, 0)
	}
	g = append(g, 0x3B)
	if _, err := Shareable("image/gif", g); !errors.Is(err, ErrTooLarge) {
		t.Errorf("GIF 3 frames of 5000x5000: err %v, want ErrTooLarge", err)
	}
}

func TestHasLocation(t *testing.T) {
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, mediatest.Gradient(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	exifNoGPS := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, byte(2 + 6 + len(tiffOrientation(6)))}, "Exif\x00\x00"...)
	exifNoGPS = append(append(exifNoGPS, tiffOrientation(6)...), plain.Bytes()[2:]...)
	cases := map[string]struct {
		data []byte
		want bool
	}{
		"geotagged":    {mediatest.JPEGWithGPS(8, 8), true},
		"plain":        {plain.Bytes(), false},
		"exif no GPS":  {exifNoGPS, false},
		"empty":        {nil, false},
		"not an image": {[]byte("GPS"), false},
		"PNG eXIf":     {mediatest.PNGWithMetadata(4, 4), true},
	}
	for name, c := range cases {
		if got := HasLocation(c.data); got != c.want {
			t.Errorf("%s: HasLocation = %v, want %v", name, got, c.want)
		}
	}
	if o := jpegOrientation(exifNoGPS); o != 6 {
		t.Errorf("orientation = %d, want 6", o)
	}

	// GPS found after the first scan too (HasLocation walks the whole file).
	fixture := mediatest.JPEGWithGPS(8, 8)
	var app1 []byte
	walkJPEG(fixture, func(m byte, p []byte) bool {
		if m == markerAPP1 && bytes.HasPrefix(p, exifHeader) {
			app1 = append([]byte{0xFF, 0xE1, byte((len(p) + 2) >> 8), byte(len(p) + 2)}, p...)
			return false
		}
		return true
	})
	late := append(bytes.Clone(plain.Bytes()[:len(plain.Bytes())-2]), app1...)
	late = append(late, 0xFF, 0xD9)
	if !HasLocation(late) {
		t.Error("GPS in an APP1 after the scan not found")
	}
}

func TestMalformedEXIF(t *testing.T) {
	le := binary.LittleEndian
	cases := map[string][]byte{
		"short":            []byte("II*"),
		"bad order":        []byte("XX*\x00\x08\x00\x00\x00"),
		"bad magic":        []byte("II+\x00\x08\x00\x00\x00"),
		"ifd past end":     []byte("II*\x00\xff\xff\xff\xff"),
		"ifd at end":       []byte("II*\x00\x08\x00\x00\x00"),
		"huge count":       append([]byte("II*\x00\x08\x00\x00\x00"), 0xff, 0xff, 0x12, 0x01),
		"entry cut":        append([]byte("II*\x00\x08\x00\x00\x00\x01\x00"), 0x12, 0x01, 3, 0),
		"orientation 9":    tiffOrientation(9),
		"orientation 0":    tiffOrientation(0),
		"orientation long": append(le.AppendUint32([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x04\x00\x01\x00\x00\x00"), 1<<20), 0, 0, 0, 0),
		"next loop":        append([]byte("II*\x00\x08\x00\x00\x00\x00\x00"), 8, 0, 0, 0),
		"next past end":    append([]byte("II*\x00\x08\x00\x00\x00\x00\x00"), 0xff, 0xff, 0xff, 0x7f),
	}
	for name, tiff := range cases {
		if o := exifOrientation(tiff); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
		if tiffHasTag(tiff, tagGPSIFD) {
			t.Errorf("%s: GPS tag found", name)
		}
	}
	if o := exifOrientation(append(le.AppendUint32([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x04\x00\x01\x00\x00\x00"), 8), 0, 0, 0, 0)); o != 8 {
		t.Errorf("LONG orientation 8 read as %d", o)
	}
}

func FuzzShareableJPEG(f *testing.F) {
	f.Add(mediatest.JPEGWithGPS(16, 8))
	f.Add(mediatest.JPEGWithExif(8, 16, 3))
	f.Add(mediatest.JPEGWithExif(9, 7, 0))
	in := mediatest.JPEGWithGPS(24, 16)
	f.Add(in[:len(in)/2])
	f.Add(tiffOrientation(6))
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, mediatest.Gradient(8, 8), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(plain.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		// A lower pixel bound keeps each run fast; the logic is the same.
		out, err := shareable("image/jpeg", data, 1<<20)
		HasLocation(data)
		jpegOrientation(data)
		// The data also as a bare TIFF, to reach the EXIF reader directly.
		exifOrientation(data)
		tiffHasTag(data, tagGPSIFD)
		if err != nil {
			if out != nil {
				t.Fatalf("error %v with output", err)
			}
			return
		}
		if HasLocation(out) || verifyJPEG(out) != nil {
			t.Fatal("cleaned JPEG not clean")
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("cleaned JPEG does not decode: %v", err)
		}
	})
}

// BenchmarkShareableJPEG12MP cleans a 12-megapixel phone photo stored sideways (Orientation 6).
func BenchmarkShareableJPEG12MP(b *testing.B) {
	in := mediatest.JPEGWithGPS(4000, 3000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Shareable("image/jpeg", in); err != nil {
			b.Fatal(err)
		}
	}
}
