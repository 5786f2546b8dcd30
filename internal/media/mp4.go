package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// MP4 and QuickTime (MOV) files are trees of boxes. A phone writes who and where into a few of
// them — moov/udta (©xyz position, ©mak make, ©mod model), moov/meta (Apple's location, make,
// model, software), trak/udta, uuid boxes (XMP) — and the recording time into mvhd, tkhd and
// mdhd. The copy keeps the boxes that play the media and turns every other box into a free box
// of the same size with zeroed content, so no sample offset moves; the times are zeroed and
// the handler names blanked. Bytes after the last box (a Samsung trailer) are cut off. A track
// that is neither video nor sound (GPS or other timed metadata kept in mdat) and fragmented
// files (moof) cannot be cleaned so, and give ErrCannotClean.

var errMalformedMP4 = errors.New("media: malformed MP4")

// box is one box of an MP4 within its parent's body.
type box struct {
	typ       string
	start     int // of the header, within the parent's body
	headerLen int
	end       int
}

// boxes splits body into its boxes. An error means a box header does not fit; the boxes before
// it are still returned, with the position where the bad header starts.
func boxes(body []byte) ([]box, int, error) {
	var out []box
	pos := 0
	for pos < len(body) {
		if len(body)-pos < 8 {
			return out, pos, errMalformedMP4
		}
		size := uint64(binary.BigEndian.Uint32(body[pos:]))
		hl := 8
		switch size {
		case 0:
			size = uint64(len(body) - pos)
		case 1:
			if len(body)-pos < 16 {
				return out, pos, errMalformedMP4
			}
			size, hl = binary.BigEndian.Uint64(body[pos+8:]), 16
		}
		if size < uint64(hl) || size > uint64(len(body)-pos) {
			return out, pos, errMalformedMP4
		}
		out = append(out, box{typ: string(body[pos+4 : pos+8]), start: pos, headerLen: hl, end: pos + int(size)})
		pos += int(size)
	}
	return out, pos, nil
}

func (b box) body(parent []byte) []byte { return parent[b.start+b.headerLen : b.end] }

// neutralize turns a box into a free box of the same size with zeroed content.
func neutralize(parent []byte, b box) {
	copy(parent[b.start+4:], "free")
	clear(b.body(parent))
}

// mp4Rule says what the copy keeps of a box: a container's children by its own rules, or the
// box itself after fix (nil: as it is).
type mp4Rule struct {
	children map[string]*mp4Rule
	fix      func(body []byte) error
}

var (
	keep        = &mp4Rule{}
	timesZeroed = &mp4Rule{fix: zeroTimes}
	nameBlanked = &mp4Rule{fix: blankHandlerName}
	sampleTable = &mp4Rule{children: map[string]*mp4Rule{
		"stsd": keep, "stts": keep, "ctts": keep, "cslg": keep, "stss": keep, "stps": keep, "stsc": keep,
		"stsz": keep, "stz2": keep, "stco": keep, "co64": keep, "sdtp": keep, "sgpd": keep, "sbgp": keep,
		"subs": keep, "saiz": keep, "saio": keep, "padb": keep, "stsh": keep,
	}}
	mediaInfo = &mp4Rule{children: map[string]*mp4Rule{
		"vmhd": keep, "smhd": keep, "hmhd": keep, "nmhd": keep, "gmhd": keep, "hdlr": nameBlanked,
		"dinf": {children: map[string]*mp4Rule{"dref": {fix: selfContained}}},
		"stbl": sampleTable,
	}}
	media_ = &mp4Rule{children: map[string]*mp4Rule{"mdhd": timesZeroed, "hdlr": nameBlanked, "minf": mediaInfo}}
	track  = &mp4Rule{children: map[string]*mp4Rule{"tkhd": timesZeroed, "edts": keep, "tref": keep, "tapt": keep, "mdia": media_}}
	movie  = &mp4Rule{children: map[string]*mp4Rule{"mvhd": timesZeroed, "trak": track, "mvex": keep, "iods": keep}}
)

// cleanMP4 returns the copy of an MP4 or MOV file described above.
func cleanMP4(data []byte) ([]byte, error) {
	out := bytes.Clone(data)
	top, end, err := boxes(out)
	var moov, mdat bool
	for _, b := range top {
		moov, mdat = moov || b.typ == "moov", mdat || b.typ == "mdat"
	}
	if err != nil {
		if !moov || !mdat {
			return nil, err
		}
		out = out[:end] // a trailer that is not a box
	}
	if len(top) == 0 || top[0].typ != "ftyp" || !moov || !mdat {
		return nil, fmt.Errorf("%w: no ftyp, moov and mdat", errMalformedMP4)
	}
	for _, b := range top {
		switch b.typ {
		case "ftyp", "mdat":
		case "moov":
			if err := cleanBoxes(b.body(out), movie); err != nil {
				return nil, err
			}
			if err := avTracksOnly(b.body(out)); err != nil {
				return nil, err
			}
		case "moof", "sidx", "mfra", "styp":
			return nil, fmt.Errorf("%w: fragmented MP4", ErrCannotClean)
		default:
			neutralize(out, b) // free, skip, wide, uuid (XMP), meta, udta, and anything unknown
		}
	}
	if err := verifyMP4(out); err != nil {
		return nil, err
	}
	return out, nil
}

func cleanBoxes(body []byte, rule *mp4Rule) error {
	children, _, err := boxes(body)
	if err != nil {
		return err
	}
	for _, b := range children {
		r := rule.children[b.typ]
		switch {
		case r == nil:
			neutralize(body, b)
		case r.children != nil:
			if err := cleanBoxes(b.body(body), r); err != nil {
				return err
			}
		case r.fix != nil:
			if err := r.fix(b.body(body)); err != nil {
				return err
			}
		}
	}
	return nil
}

// zeroTimes zeroes the creation and modification times of an mvhd, tkhd or mdhd.
func zeroTimes(body []byte) error {
	n := 4
	if len(body) > 0 && body[0] == 1 {
		n = 8
	}
	if len(body) < 4+2*n {
		return errMalformedMP4
	}
	clear(body[4 : 4+2*n])
	return nil
}

// blankHandlerName zeroes the name of a handler (a device or an app can be named there).
func blankHandlerName(body []byte) error {
	if len(body) < 24 {
		return errMalformedMP4
	}
	clear(body[24:])
	return nil
}

// selfContained accepts a data reference only when every entry says "in this file": a
// reference to elsewhere (a QuickTime alias) names a volume and a path.
func selfContained(body []byte) error {
	if len(body) < 8 {
		return errMalformedMP4
	}
	entries, _, err := boxes(body[8:])
	if err != nil {
		return err
	}
	for _, e := range entries {
		b := e.body(body[8:])
		if len(b) < 4 || b[3]&1 == 0 {
			return fmt.Errorf("%w: MP4 refers to media outside the file", ErrCannotClean)
		}
		clear(b[4:])
	}
	return nil
}

// handlerType is the handler of a trak (vide, soun, meta, …), read from mdia/hdlr.
func handlerType(trak []byte) string {
	children, _, _ := boxes(trak)
	for _, c := range children {
		if c.typ != "mdia" {
			continue
		}
		grand, _, _ := boxes(c.body(trak))
		for _, g := range grand {
			if b := g.body(c.body(trak)); g.typ == "hdlr" && len(b) >= 12 {
				return string(b[8:12])
			}
		}
	}
	return ""
}

// avTracksOnly refuses a movie with a track of timed metadata (GPS, camera motion): its
// samples are in mdat, out of reach of the box rules.
func avTracksOnly(moov []byte) error {
	children, _, _ := boxes(moov)
	for _, c := range children {
		if c.typ != "trak" {
			continue
		}
		if h := handlerType(c.body(moov)); h != "vide" && h != "soun" {
			return fmt.Errorf("%w: MP4 track of type %q", ErrCannotClean, h)
		}
	}
	return nil
}

// verifyMP4 fails unless every box of the copy is one the rules keep, or free and zeroed, and
// the times and handler names are blank.
func verifyMP4(data []byte) error {
	top, _, err := boxes(data)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	for _, b := range top {
		switch b.typ {
		case "ftyp", "mdat":
		case "moov":
			if err := verifyBoxes(b.body(data), movie); err != nil {
				return err
			}
		case "free":
			if !allZero(b.body(data)) {
				return fmt.Errorf("%w: MP4 free box with content", errLeftover)
			}
		default:
			return fmt.Errorf("%w: MP4 box %q", errLeftover, b.typ)
		}
	}
	return nil
}

func verifyBoxes(body []byte, rule *mp4Rule) error {
	children, _, err := boxes(body)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	for _, b := range children {
		r, content := rule.children[b.typ], b.body(body)
		switch {
		case b.typ == "free":
			if !allZero(content) {
				return fmt.Errorf("%w: MP4 free box with content", errLeftover)
			}
		case r == nil:
			return fmt.Errorf("%w: MP4 box %q", errLeftover, b.typ)
		case r.children != nil:
			if err := verifyBoxes(content, r); err != nil {
				return err
			}
		case r == timesZeroed:
			n := 4
			if content[0] == 1 {
				n = 8
			}
			if !allZero(content[4 : 4+2*n]) {
				return fmt.Errorf("%w: MP4 %s time", errLeftover, b.typ)
			}
		case r == nameBlanked:
			if !allZero(content[24:]) {
				return fmt.Errorf("%w: MP4 handler name", errLeftover)
			}
		}
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
