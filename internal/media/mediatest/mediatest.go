// Package mediatest builds real image files that carry identifying metadata, for tests that must
// prove the metadata is gone: a geotagged phone-style JPEG (EXIF with GPS, make, model, serial,
// orientation; XMP; a comment), a PNG with text and eXIf chunks, and a GIF with comment and XMP
// extensions. It uses only the standard library and is not for production code.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// Strings written into the metadata of the files built here. None may appear in a cleaned copy.
const (
	Make          = "TestPhone"
	Model         = "TestPhone Pro 7"
	SerialNumber  = "SN-4711-0815-TESTPHONE"
	DateTime      = "2024:05:17 09:41:00"
	XMPMarker     = "remedy-test-xmp-marker"
	CommentMarker = "remedy-test-comment-marker"
	PNGTextMarker = "GPS=35.6895,139.6917"
)

// The position written into the GPS IFD: 35°41'22" N, 139°41'30" E (Shinjuku, Tokyo).
var (
	Latitude  = [3]uint32{35, 41, 22}
	Longitude = [3]uint32{139, 41, 30}
)

// Gradient is a w×h test picture whose corners differ: red grows to the right, green downwards
// and blue is their complement, so any rotation or mirror is visible.
func Gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint8(x * 255 / max(w-1, 1))
			g := uint8(y * 255 / max(h-1, 1))
			img.SetRGBA(x, y, color.RGBA{r, g, 255 - uint8((int(r)+int(g))/2), 255})
		}
	}
	return img
}

// JPEGWithGPS returns a w×h JPEG as a phone writes it, stored sideways with EXIF Orientation 6
// (rotate 90° clockwise to view, so a viewer shows it h wide and w high), carrying a GPS position
// (see Latitude, Longitude), Make, Model, SerialNumber and DateTime in EXIF, XMPMarker in an XMP
// packet and CommentMarker in a COM segment.
func JPEGWithGPS(w, h int) []byte {
	return JPEGWithExif(w, h, 6)
}

// JPEGWithExif is JPEGWithGPS with any orientation (1–8; 0 writes no Orientation tag).
func JPEGWithExif(w, h, orientation int) []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, Gradient(w, h), &jpeg.Options{Quality: 95}); err != nil {
		panic(err)
	}
	plain := enc.Bytes()

	var out bytes.Buffer
	out.Write(plain[:2]) // SOI
	writeSegment(&out, 0xE1, append([]byte("Exif\x00\x00"), exifTIFF(binary.BigEndian, orientation)...))
	writeSegment(&out, 0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket()...))
	writeSegment(&out, 0xFE, []byte(CommentMarker))
	out.Write(plain[2:])
	return out.Bytes()
}

// PNGWithMetadata returns a w×h RGBA PNG (the Gradient) with a tEXt chunk holding PNGTextMarker,
// an iTXt XMP packet, a tIME chunk and an eXIf chunk with the same EXIF (GPS included) as
// JPEGWithGPS, but no Orientation tag, so the cleaned pixels must equal Gradient(w, h).
func PNGWithMetadata(w, h int) []byte {
	var enc bytes.Buffer
	if err := png.Encode(&enc, Gradient(w, h)); err != nil {
		panic(err)
	}
	plain := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4 // signature, IHDR header, body, CRC

	var out bytes.Buffer
	out.Write(plain[:ihdrEnd])
	writeChunk(&out, "tEXt", []byte("Comment\x00"+PNGTextMarker))
	writeChunk(&out, "iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), xmpPacket()...))
	writeChunk(&out, "tIME", []byte{0x07, 0xE8, 5, 17, 9, 41, 0})
	writeChunk(&out, "eXIf", exifTIFF(binary.LittleEndian, 0))
	out.Write(plain[ihdrEnd:])
	return out.Bytes()
}

// GIFWithComment returns an animated w×h GIF of the given number of frames (at least 1) with a
// comment extension holding CommentMarker and an XMP application extension holding XMPMarker.
func GIFWithComment(w, h, frames int) []byte {
	palette := color.Palette{color.Black, color.White, color.RGBA{0xFF, 0, 0, 0xFF}, color.RGBA{0, 0, 0xFF, 0xFF}}
	g := &gif.GIF{LoopCount: 0}
	for i := range max(frames, 1) {
		img := image.NewPaletted(image.Rect(0, 0, w, h), palette)
		for y := range h {
			for x := range w {
				img.SetColorIndex(x, y, uint8((x+y+i)%len(palette)))
			}
		}
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, 10*(i+1))
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var enc bytes.Buffer
	if err := gif.EncodeAll(&enc, g); err != nil {
		panic(err)
	}
	plain := enc.Bytes()
	// Insert the extensions before the first block after the header, screen descriptor and
	// global colour table (the Go encoder writes none here, as every frame has its own).
	pos := 13
	if flags := plain[10]; flags&0x80 != 0 {
		pos += 3 << ((flags & 7) + 1)
	}
	var out bytes.Buffer
	out.Write(plain[:pos])
	out.Write([]byte{0x21, 0xFE})
	writeSubBlocks(&out, []byte(CommentMarker))
	out.Write([]byte{0x21, 0xFF, 11})
	out.WriteString("XMP DataXMP")
	writeSubBlocks(&out, xmpPacket())
	out.Write(plain[pos:])
	return out.Bytes()
}

func xmpPacket() []byte {
	return []byte(`<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,41.3667N" exif:GPSLongitude="139,41.5E">` +
		`<exif:UserComment>` + XMPMarker + `</exif:UserComment></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
}

func writeSegment(b *bytes.Buffer, marker byte, payload []byte) {
	b.Write([]byte{0xFF, marker})
	_ = binary.Write(b, binary.BigEndian, uint16(len(payload)+2))
	b.Write(payload)
}

func writeChunk(b *bytes.Buffer, typ string, body []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(body)))
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(body)
	b.WriteString(typ)
	b.Write(body)
	_ = binary.Write(b, binary.BigEndian, crc.Sum32())
}

func writeSubBlocks(b *bytes.Buffer, data []byte) {
	for len(data) > 0 {
		n := min(len(data), 255)
		b.WriteByte(byte(n))
		b.Write(data[:n])
		data = data[n:]
	}
	b.WriteByte(0)
}

// TIFF field types.
const (
	tByte     = 1
	tASCII    = 2
	tShort    = 3
	tLong     = 4
	tRational = 5
)

type entry struct {
	tag, typ uint16
	count    uint32
	data     []byte // the value's bytes in the file's order; offsets are filled in by layout
	child    int    // for a pointer tag: the index of the IFD it points to (0: none)
}

// exifTIFF builds the TIFF structure of an EXIF block: IFD0 (Make, Model, Orientation, DateTime,
// pointers to the Exif and GPS IFDs), the Exif IFD (DateTimeOriginal, BodySerialNumber) and the
// GPS IFD (version, latitude, longitude).
func exifTIFF(order binary.AppendByteOrder, orientation int) []byte {
	ascii := func(tag uint16, s string) entry {
		return entry{tag: tag, typ: tASCII, count: uint32(len(s) + 1), data: append([]byte(s), 0)}
	}
	short := func(tag uint16, v uint16) entry {
		return entry{tag: tag, typ: tShort, count: 1, data: order.AppendUint16(nil, v)}
	}
	rationals := func(tag uint16, vs [3]uint32) entry {
		var d []byte
		for _, v := range vs {
			d = order.AppendUint32(d, v)
			d = order.AppendUint32(d, 1)
		}
		return entry{tag: tag, typ: tRational, count: 3, data: d}
	}
	ifd0 := []entry{ascii(0x010F, Make), ascii(0x0110, Model)}
	if orientation != 0 {
		ifd0 = append(ifd0, short(0x0112, uint16(orientation)))
	}
	ifd0 = append(ifd0, ascii(0x0132, DateTime),
		entry{tag: 0x8769, typ: tLong, count: 1, child: 1},
		entry{tag: 0x8825, typ: tLong, count: 1, child: 2})
	exifIFD := []entry{ascii(0x9003, DateTime), ascii(0xA431, SerialNumber)}
	gpsIFD := []entry{
		{tag: 0x0000, typ: tByte, count: 4, data: []byte{2, 3, 0, 0}},
		ascii(0x0001, "N"), rationals(0x0002, Latitude),
		ascii(0x0003, "E"), rationals(0x0004, Longitude),
	}
	return layoutTIFF(order, [][]entry{ifd0, exifIFD, gpsIFD})
}

// layoutTIFF writes the header and the IFDs one after the other, each followed by the values
// that do not fit in an entry.
func layoutTIFF(order binary.AppendByteOrder, ifds [][]entry) []byte {
	size := func(es []entry) int {
		n := 2 + 12*len(es) + 4
		for _, e := range es {
			if len(e.data) > 4 {
				n += (len(e.data) + 1) &^ 1
			}
		}
		return n
	}
	offsets := make([]int, len(ifds))
	off := 8
	for i, es := range ifds {
		offsets[i] = off
		off += size(es)
	}
	var out []byte
	if order == binary.BigEndian {
		out = append(out, "MM"...)
	} else {
		out = append(out, "II"...)
	}
	out = order.AppendUint16(out, 42)
	out = order.AppendUint32(out, uint32(offsets[0]))
	for i, es := range ifds {
		dataOff := offsets[i] + 2 + 12*len(es) + 4
		var extra []byte
		out = order.AppendUint16(out, uint16(len(es)))
		for _, e := range es {
			out = order.AppendUint16(out, e.tag)
			out = order.AppendUint16(out, e.typ)
			out = order.AppendUint32(out, e.count)
			switch {
			case e.child != 0:
				out = order.AppendUint32(out, uint32(offsets[e.child]))
			case len(e.data) > 4:
				out = order.AppendUint32(out, uint32(dataOff+len(extra)))
				extra = append(extra, e.data...)
				if len(e.data)%2 == 1 {
					extra = append(extra, 0)
				}
			default:
				var v [4]byte
				copy(v[:], e.data)
				out = append(out, v[:]...)
			}
		}
		out = order.AppendUint32(out, 0) // no next IFD
		out = append(out, extra...)
	}
	return out
}
