package media

import (
	"bytes"
	"encoding/binary"
)

// A small EXIF reader: only what Shareable and HasLocation need (Orientation and the GPS IFD
// pointer). Every offset comes from the file, so every read is bounds-checked; malformed data
// reads as "no tag", never as a panic.

// JPEG markers.
const (
	markerSOI  = 0xD8
	markerEOI  = 0xD9
	markerSOS  = 0xDA
	markerAPP0 = 0xE0
	markerAPP1 = 0xE1
	markerCOM  = 0xFE
)

// EXIF tags.
const (
	tagOrientation = 0x0112
	tagGPSIFD      = 0x8825
)

var exifHeader = []byte("Exif\x00\x00")

// walkJPEG calls fn for each marker segment of a JPEG, in order, with its payload (without the
// marker and length; nil for standalone markers), until fn returns false, EOI or the end of the
// data. Entropy-coded data after SOS is skipped, and stray bytes between segments are skipped as
// the standard library decoder skips them, so walkJPEG sees every segment the decoder sees and
// also those after the first scan. It reports false if data does not start with SOI.
func walkJPEG(data []byte, fn func(marker byte, payload []byte) bool) bool {
	if len(data) < 2 || data[0] != 0xFF || data[1] != markerSOI {
		return false
	}
	pos := 2
	for {
		// Find the next 0xFF, then skip fill bytes.
		for pos < len(data) && data[pos] != 0xFF {
			pos++
		}
		for pos < len(data) && data[pos] == 0xFF {
			pos++
		}
		if pos >= len(data) {
			return true
		}
		marker := data[pos]
		pos++
		switch {
		case marker == 0x00: // a stuffed 0xFF: extraneous data
			continue
		case marker == markerEOI:
			fn(marker, nil)
			return true
		case marker == markerSOI, marker == 0x01, marker >= 0xD0 && marker <= 0xD7: // standalone
			if !fn(marker, nil) {
				return true
			}
			continue
		}
		if pos+2 > len(data) {
			return true
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 || pos+n > len(data) {
			return true // truncated or corrupt: nothing more to see
		}
		payload := data[pos+2 : pos+n]
		pos += n
		if !fn(marker, payload) {
			return true
		}
		if marker == markerSOS {
			// Entropy-coded data runs to the next marker that is not a stuffed 0xFF or RSTn.
			for pos+1 < len(data) {
				if data[pos] == 0xFF {
					if next := data[pos+1]; next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7) {
						break
					}
				}
				pos++
			}
		}
	}
}

// jpegExif returns the TIFF data of the first APP1 Exif segment before the first scan (the one
// viewers use), or nil.
func jpegExif(data []byte) []byte {
	var tiff []byte
	walkJPEG(data, func(marker byte, payload []byte) bool {
		if marker == markerSOS {
			return false
		}
		if marker == markerAPP1 && bytes.HasPrefix(payload, exifHeader) {
			tiff = payload[len(exifHeader):]
			return false
		}
		return true
	})
	return tiff
}

// jpegOrientation returns the EXIF Orientation (1–8) of a JPEG, 1 when absent or invalid.
func jpegOrientation(data []byte) int {
	return exifOrientation(jpegExif(data))
}

// pngOrientation returns the Orientation of a PNG's eXIf chunk, 1 when absent or invalid.
func pngOrientation(data []byte) int {
	var tiff []byte
	walkPNG(data, func(typ string, body []byte) bool {
		if typ == "eXIf" {
			tiff = body
			return false
		}
		return typ != "IDAT" // eXIf after the image data is not honoured by viewers
	})
	return exifOrientation(bytes.TrimPrefix(tiff, exifHeader))
}

// HasLocation reports whether data carries an EXIF GPS IFD (tag 0x8825): a JPEG in any APP1 Exif
// segment, or a PNG in an eXIf chunk. It looks at IFD0 and the IFDs chained after it. It does not
// read XMP (which can also hold exif:GPSLatitude); Shareable removes XMP as well.
func HasLocation(data []byte) bool {
	found := false
	walkJPEG(data, func(marker byte, payload []byte) bool {
		if marker == markerAPP1 && bytes.HasPrefix(payload, exifHeader) && tiffHasTag(payload[len(exifHeader):], tagGPSIFD) {
			found = true
		}
		return !found
	})
	if found {
		return true
	}
	walkPNG(data, func(typ string, body []byte) bool {
		if typ == "eXIf" && tiffHasTag(bytes.TrimPrefix(body, exifHeader), tagGPSIFD) {
			found = true
		}
		return !found
	})
	return found
}

// exifOrientation reads the Orientation tag of IFD0; 1 when absent or out of range.
func exifOrientation(tiff []byte) int {
	t, ok := parseTIFF(tiff)
	if !ok {
		return 1
	}
	e, ok := t.find(t.ifd0, tagOrientation)
	if !ok || e.count < 1 {
		return 1
	}
	var v uint32
	switch e.typ {
	case typeShort:
		v = uint32(t.order.Uint16(e.value[:]))
	case typeLong:
		v = t.order.Uint32(e.value[:])
	default:
		return 1
	}
	if v < 1 || v > 8 {
		return 1
	}
	return int(v)
}

// tiffHasTag reports whether tag is in IFD0 or an IFD chained after it.
func tiffHasTag(tiff []byte, tag uint16) bool {
	t, ok := parseTIFF(tiff)
	if !ok {
		return false
	}
	off := t.ifd0
	for range maxIFDChain {
		if _, ok := t.find(off, tag); ok {
			return true
		}
		next, ok := t.next(off)
		if !ok || next == 0 || next == off {
			return false
		}
		off = next
	}
	return false
}

const maxIFDChain = 8

// TIFF field types used here.
const (
	typeShort = 3
	typeLong  = 4
)

type tiff struct {
	data  []byte
	order binary.ByteOrder
	ifd0  uint32
}

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    [4]byte // the value itself, or the offset of the value
}

// parseTIFF reads a TIFF header: byte order "II" or "MM", the magic 42, the offset of IFD0.
func parseTIFF(data []byte) (tiff, bool) {
	if len(data) < 8 {
		return tiff{}, false
	}
	var order binary.ByteOrder
	switch string(data[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return tiff{}, false
	}
	if order.Uint16(data[2:]) != 42 {
		return tiff{}, false
	}
	return tiff{data: data, order: order, ifd0: order.Uint32(data[4:])}, true
}

// entries returns the number of entries of the IFD at off, capped to what the data holds.
func (t tiff) entries(off uint32) (int, bool) {
	if uint64(off)+2 > uint64(len(t.data)) {
		return 0, false
	}
	n := int(t.order.Uint16(t.data[off:]))
	room := (len(t.data) - int(off) - 2) / 12
	return min(n, room), true
}

// find looks tag up in the IFD at off.
func (t tiff) find(off uint32, tag uint16) (ifdEntry, bool) {
	n, ok := t.entries(off)
	if !ok {
		return ifdEntry{}, false
	}
	for i := range n {
		p := int(off) + 2 + 12*i
		if t.order.Uint16(t.data[p:]) != tag {
			continue
		}
		e := ifdEntry{tag: tag, typ: t.order.Uint16(t.data[p+2:]), count: t.order.Uint32(t.data[p+4:])}
		copy(e.value[:], t.data[p+8:p+12])
		return e, true
	}
	return ifdEntry{}, false
}

// next returns the offset of the IFD chained after the one at off (0: none).
func (t tiff) next(off uint32) (uint32, bool) {
	if uint64(off)+2 > uint64(len(t.data)) {
		return 0, false
	}
	n := uint64(t.order.Uint16(t.data[off:]))
	p := uint64(off) + 2 + 12*n
	if p+4 > uint64(len(t.data)) {
		return 0, false
	}
	return t.order.Uint32(t.data[p:]), true
}
