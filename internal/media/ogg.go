package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Ogg Opus and Ogg Vorbis (a WhatsApp voice note, an Android recording) keep their metadata in
// one packet, the comment header (OpusTags, or Vorbis's second header): artist, title, date,
// location, encoder, any tag at all. The copy has the same audio pages after header pages built
// anew with an empty comment header; the audio pages are renumbered and their checksums
// recomputed. Any other Ogg (FLAC, Speex, Theora video, several streams in one file, chained
// streams) gives ErrCannotClean.

var errMalformedOgg = errors.New("media: malformed Ogg")

type oggPage struct {
	flags   byte
	granule uint64
	serial  uint32
	seq     uint32
	lacing  []byte
	body    []byte
}

const (
	oggContinued = 1
	oggBOS       = 2
)

var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for range 8 {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

func oggCRC(b []byte) uint32 {
	var crc uint32
	for _, c := range b {
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^c]
	}
	return crc
}

// oggPages reads every page; bytes after the last whole page are ignored (and so cut off).
func oggPages(data []byte) ([]oggPage, error) {
	var pages []oggPage
	for pos := 0; len(data)-pos >= 27 && string(data[pos:pos+4]) == "OggS"; {
		h := data[pos:]
		n := int(h[26])
		if h[4] != 0 || len(h) < 27+n {
			return nil, errMalformedOgg
		}
		lacing := h[27 : 27+n]
		size := 0
		for _, l := range lacing {
			size += int(l)
		}
		if len(h) < 27+n+size {
			break // a cut-off last page
		}
		page := h[:27+n+size]
		check := bytes.Clone(page)
		clear(check[22:26])
		if oggCRC(check) != binary.LittleEndian.Uint32(page[22:]) {
			return nil, fmt.Errorf("%w: checksum", errMalformedOgg)
		}
		pages = append(pages, oggPage{flags: h[5], granule: binary.LittleEndian.Uint64(h[6:]), serial: binary.LittleEndian.Uint32(h[14:]),
			seq: binary.LittleEndian.Uint32(h[18:]), lacing: lacing, body: page[27+n:]})
		pos += len(page)
	}
	if len(pages) == 0 || pages[0].flags&oggBOS == 0 {
		return nil, fmt.Errorf("%w: no first page", errMalformedOgg)
	}
	for _, p := range pages[1:] {
		if p.serial != pages[0].serial || p.flags&oggBOS != 0 {
			return nil, fmt.Errorf("%w: Ogg with more than one stream", ErrCannotClean)
		}
	}
	return pages, nil
}

// oggHeaders reads the first n packets, which must end with a page; it gives them and the
// index of the first page after them.
func oggHeaders(pages []oggPage, n int) ([][]byte, int, error) {
	var packets [][]byte
	var cur []byte
	for i, p := range pages {
		if (p.flags&oggContinued != 0) != (cur != nil) {
			return nil, 0, fmt.Errorf("%w: packet continuation", errMalformedOgg)
		}
		off := 0
		for j, l := range p.lacing {
			cur = append(cur, p.body[off:off+int(l)]...)
			off += int(l)
			if l < 255 {
				packets = append(packets, cur)
				cur = nil
				if len(packets) == n {
					if j != len(p.lacing)-1 {
						return nil, 0, fmt.Errorf("%w: audio on a header page", ErrCannotClean)
					}
					return packets, i + 1, nil
				}
			}
		}
	}
	return nil, 0, fmt.Errorf("%w: headers cut off", errMalformedOgg)
}

// oggCodec tells the header packets and the empty comment header of a codec from its first
// packet.
func oggCodec(first []byte) (headers int, emptyComment []byte, err error) {
	switch {
	case bytes.HasPrefix(first, []byte("OpusHead")):
		return 2, []byte("OpusTags\x00\x00\x00\x00\x00\x00\x00\x00"), nil
	case bytes.HasPrefix(first, []byte("\x01vorbis")):
		return 3, []byte("\x03vorbis\x00\x00\x00\x00\x00\x00\x00\x00\x01"), nil
	}
	return 0, nil, fmt.Errorf("%w: Ogg codec other than Opus or Vorbis", ErrCannotClean)
}

func (p oggPage) append(out []byte) []byte {
	start := len(out)
	out = append(out, "OggS\x00"...)
	out = append(out, p.flags)
	out = binary.LittleEndian.AppendUint64(out, p.granule)
	out = binary.LittleEndian.AppendUint32(out, p.serial)
	out = binary.LittleEndian.AppendUint32(out, p.seq)
	out = append(out, 0, 0, 0, 0, byte(len(p.lacing)))
	out = append(out, p.lacing...)
	out = append(out, p.body...)
	binary.LittleEndian.PutUint32(out[start+22:], oggCRC(out[start:]))
	return out
}

// oggPaginate lays packets out on pages of at most 255 segments, each packet on a new page.
func oggPaginate(packets [][]byte, serial uint32, out []byte) ([]byte, uint32) {
	var seq uint32
	for i, pkt := range packets {
		var lacing []byte
		for n := len(pkt); ; n -= 255 {
			if n < 255 {
				lacing = append(lacing, byte(n))
				break
			}
			lacing = append(lacing, 255)
		}
		body := pkt
		for first := true; len(lacing) > 0; first = false {
			k := min(len(lacing), 255)
			size := 0
			for _, l := range lacing[:k] {
				size += int(l)
			}
			var flags byte
			if !first {
				flags |= oggContinued
			}
			if i == 0 && first {
				flags |= oggBOS
			}
			out = oggPage{flags: flags, serial: serial, seq: seq, lacing: lacing[:k], body: body[:size]}.append(out)
			seq++
			lacing, body = lacing[k:], body[size:]
		}
	}
	return out, seq
}

// cleanOgg returns the copy described above.
func cleanOgg(data []byte) ([]byte, error) {
	pages, err := oggPages(data)
	if err != nil {
		return nil, err
	}
	first, _, err := oggHeaders(pages, 1)
	if err != nil {
		return nil, err
	}
	n, empty, err := oggCodec(first[0])
	if err != nil {
		return nil, err
	}
	headers, audio, err := oggHeaders(pages, n)
	if err != nil {
		return nil, err
	}
	headers[1] = empty
	serial := pages[0].serial
	out, seq := oggPaginate(headers, serial, nil)
	for _, p := range pages[audio:] {
		p.seq = seq
		seq++
		out = p.append(out)
	}
	if err := verifyOgg(out); err != nil {
		return nil, err
	}
	return out, nil
}

// verifyOgg fails unless the copy is one Opus or Vorbis stream whose comment header is empty.
func verifyOgg(data []byte) error {
	pages, err := oggPages(data)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	first, _, err := oggHeaders(pages, 1)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	n, empty, err := oggCodec(first[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	headers, _, err := oggHeaders(pages, n)
	if err != nil || !bytes.Equal(headers[1], empty) {
		return fmt.Errorf("%w: Ogg comment header", errLeftover)
	}
	size := 0
	for i, p := range pages {
		if p.seq != uint32(i) {
			return fmt.Errorf("%w: Ogg page sequence", errLeftover)
		}
		size += 27 + len(p.lacing) + len(p.body)
	}
	if size != len(data) {
		return fmt.Errorf("%w: bytes outside Ogg pages", errLeftover)
	}
	return nil
}
