package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Structure walkers for PNG and GIF, and the checks run on every re-encoded file before it is
// returned. The standard library encoders write no metadata today; the checks make sure a future
// encoder that did would fail loudly instead of leaking.

var errLeftover = errors.New("media: metadata found in re-encoded image")

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// walkPNG calls fn for each chunk of a PNG with its type and body, until fn returns false, IEND
// or the end of the data. It reports false if data lacks the PNG signature.
func walkPNG(data []byte, fn func(typ string, body []byte) bool) bool {
	if !bytes.HasPrefix(data, pngSignature) {
		return false
	}
	pos := uint64(len(pngSignature))
	for pos+8 <= uint64(len(data)) {
		n := uint64(binary.BigEndian.Uint32(data[pos:]))
		typ := string(data[pos+4 : pos+8])
		end := pos + 8 + n
		if end > uint64(len(data)) {
			return true
		}
		if !fn(typ, data[pos+8:end]) || typ == "IEND" {
			return true
		}
		pos = end + 4 // CRC
	}
	return true
}

// verifyJPEG fails if a JPEG holds any APPn or COM segment.
func verifyJPEG(data []byte) error {
	var bad error
	ok := walkJPEG(data, func(marker byte, _ []byte) bool {
		if marker >= markerAPP0 && marker <= markerAPP0+15 || marker == markerCOM {
			bad = fmt.Errorf("%w: JPEG marker 0x%02X", errLeftover, marker)
		}
		return bad == nil
	})
	if !ok {
		return fmt.Errorf("%w: not a JPEG", errLeftover)
	}
	return bad
}

// pngCritical are the only chunks a cleaned PNG may hold.
var pngCritical = map[string]bool{"IHDR": true, "PLTE": true, "tRNS": true, "IDAT": true, "IEND": true}

// verifyPNG fails if a PNG holds any chunk other than the image data.
func verifyPNG(data []byte) error {
	var bad error
	ok := walkPNG(data, func(typ string, _ []byte) bool {
		if !pngCritical[typ] {
			bad = fmt.Errorf("%w: PNG chunk %q", errLeftover, typ)
		}
		return bad == nil
	})
	if !ok {
		return fmt.Errorf("%w: not a PNG", errLeftover)
	}
	return bad
}

// verifyGIF fails if a GIF holds any extension but graphic control (timing, transparency) and
// the NETSCAPE2.0 loop count.
func verifyGIF(data []byte) error {
	info, err := scanGIF(data)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	for _, e := range info.extensions {
		if e != "graphic control" && e != "application NETSCAPE2.0" {
			return fmt.Errorf("%w: GIF extension %s", errLeftover, e)
		}
	}
	return nil
}

type gifInfo struct {
	pixels     int64    // the sum of the frames' areas
	extensions []string // "graphic control", "comment", "plain text", "application ID", "0xNN"
}

var errMalformedGIF = errors.New("media: malformed GIF")

// scanGIF walks a GIF's blocks up to the trailer without decoding any pixels.
func scanGIF(data []byte) (gifInfo, error) {
	var info gifInfo
	if len(data) < 13 || !bytes.HasPrefix(data, []byte("GIF87a")) && !bytes.HasPrefix(data, []byte("GIF89a")) {
		return info, errMalformedGIF
	}
	pos := 13
	if flags := data[10]; flags&0x80 != 0 {
		pos += 3 << ((flags & 7) + 1)
	}
	// subBlocks skips data sub-blocks from p up to and including the terminator.
	subBlocks := func(p int) (int, bool) {
		for p < len(data) {
			n := int(data[p])
			p++
			if n == 0 {
				return p, true
			}
			p += n
		}
		return p, false
	}
	for pos < len(data) {
		block := data[pos]
		pos++
		switch block {
		case 0x3B: // trailer
			return info, nil
		case 0x21: // extension
			if pos >= len(data) {
				return info, errMalformedGIF
			}
			label := data[pos]
			pos++
			name := fmt.Sprintf("0x%02X", label)
			switch label {
			case 0xF9:
				name = "graphic control"
			case 0xFE:
				name = "comment"
			case 0x01:
				name = "plain text"
			case 0xFF:
				name = "application"
				if pos+12 <= len(data) && data[pos] == 11 {
					name += " " + string(data[pos+1:pos+12])
				}
			}
			info.extensions = append(info.extensions, name)
			var ok bool
			if pos, ok = subBlocks(pos); !ok {
				return info, errMalformedGIF
			}
		case 0x2C: // image descriptor
			if pos+10 > len(data) {
				return info, errMalformedGIF
			}
			w := int64(binary.LittleEndian.Uint16(data[pos+4:]))
			h := int64(binary.LittleEndian.Uint16(data[pos+6:]))
			info.pixels += w * h
			flags := data[pos+8]
			pos += 9
			if flags&0x80 != 0 {
				pos += 3 << ((flags & 7) + 1)
			}
			pos++ // LZW minimum code size
			var ok bool
			if pos, ok = subBlocks(pos); !ok {
				return info, errMalformedGIF
			}
		default:
			return info, errMalformedGIF
		}
	}
	return info, errMalformedGIF
}
