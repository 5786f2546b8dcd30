package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Sound recordings. An MP3 carries its tags outside the audio frames — ID3v2 before them, ID3v1,
// Lyrics3 and APE tags after — so the copy is the run of audio frames alone. WAV and AIFF files
// are lists of chunks; the copy keeps the format and the samples and drops every other chunk
// (LIST INFO, bext, iXML, id3, NAME, AUTH, ANNO, …).

var errMalformedAudio = errors.New("media: malformed audio")

// maxMP3Trailer is the most that may follow the last audio frame and be dropped: tags and a
// cut-off frame. More than that is not known to be a tag, and the copy would lose sound.
const maxMP3Trailer = 256 << 10

// mp3Frame is an MPEG audio frame header's fields that must stay the same through a file.
type mp3Frame struct {
	version, layer, rate byte
	length               int
}

var mp3Bitrates = [2][3][16]int{ // [MPEG-1 or not][layer 1, 2, 3][index], kbit/s
	{
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
	},
	{
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	},
}

var mp3Rates = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}

// parseMP3Frame reads the frame header at the start of b (free-format bitrates are refused).
func parseMP3Frame(b []byte) (mp3Frame, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return mp3Frame{}, false
	}
	version, layer := (b[1]>>3)&3, (b[1]>>1)&3
	bitrate, rate, pad := int(b[2]>>4), (b[2]>>2)&3, int((b[2]>>1)&1)
	if version == 1 || layer == 0 || bitrate == 0 || bitrate == 15 || rate == 3 {
		return mp3Frame{}, false
	}
	v2 := 0
	if version != 3 {
		v2 = 1
	}
	l := 3 - int(layer) // 0: layer 1
	kbps, hz := mp3Bitrates[v2][l][bitrate], mp3Rates[version][rate]
	var n int
	switch {
	case l == 0:
		n = (12*kbps*1000/hz + pad) * 4
	case l == 2 && v2 == 1:
		n = 72*kbps*1000/hz + pad
	default:
		n = 144*kbps*1000/hz + pad
	}
	return mp3Frame{version: version, layer: layer, rate: rate, length: n}, true
}

// mp3Frames gives the end of the run of whole frames of one kind starting at b[0], and how many.
func mp3Frames(b []byte) (end, count int) {
	first, ok := parseMP3Frame(b)
	if !ok {
		return 0, 0
	}
	for {
		f, ok := parseMP3Frame(b[end:])
		if !ok || f.version != first.version || f.layer != first.layer || f.rate != first.rate || end+f.length > len(b) {
			return end, count
		}
		end += f.length
		count++
	}
}

// cleanMP3 returns the audio frames of an MP3 without any tag.
func cleanMP3(data []byte) ([]byte, error) {
	pos := 0
	for len(data)-pos >= 10 && bytes.HasPrefix(data[pos:], []byte("ID3")) {
		s := data[pos+6 : pos+10]
		if (s[0]|s[1]|s[2]|s[3])&0x80 != 0 {
			return nil, fmt.Errorf("%w: ID3 size", errMalformedAudio)
		}
		n := 10 + (int(s[0])<<21 | int(s[1])<<14 | int(s[2])<<7 | int(s[3]))
		if data[pos+5]&0x10 != 0 {
			n += 10 // footer
		}
		pos += n
		if pos > len(data) {
			return nil, fmt.Errorf("%w: ID3 tag past the end", errMalformedAudio)
		}
		for pos < len(data) && data[pos] == 0 { // padding written past the tag's size
			pos++
		}
	}
	end, count := mp3Frames(data[pos:])
	if count < 2 || len(data)-pos-end > maxMP3Trailer {
		return nil, fmt.Errorf("%w: MP3 frames not found or not followed by tags alone", ErrCannotClean)
	}
	out := bytes.Clone(data[pos : pos+end])
	if err := verifyMP3(out); err != nil {
		return nil, err
	}
	return out, nil
}

// verifyMP3 fails unless the copy is audio frames from its first byte to its last.
func verifyMP3(data []byte) error {
	if end, _ := mp3Frames(data); end != len(data) || len(data) == 0 {
		return fmt.Errorf("%w: MP3 holds more than audio frames", errLeftover)
	}
	return nil
}

// chunkForm is a chunked sound format: RIFF WAVE (little-endian) or IFF AIFF (big-endian).
type chunkForm struct {
	magic string
	kinds []string
	order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
	keep map[string]bool
	data string // the chunk of samples, which a recorder may have left with a wrong size
}

var (
	wave = chunkForm{magic: "RIFF", kinds: []string{"WAVE"}, order: binary.LittleEndian,
		keep: map[string]bool{"fmt ": true, "fact": true, "data": true}, data: "data"}
	aiff = chunkForm{magic: "FORM", kinds: []string{"AIFF", "AIFC"}, order: binary.BigEndian,
		keep: map[string]bool{"COMM": true, "SSND": true, "FVER": true}, data: "SSND"}
)

type formChunk struct {
	id   string
	body []byte
}

// chunks reads the chunks of a WAV or AIFF file. A samples chunk whose size runs past the end
// (a recording that was cut off) ends at the end.
func (f chunkForm) chunks(data []byte) ([]formChunk, error) {
	if len(data) < 12 || string(data[:4]) != f.magic || !slices.Contains(f.kinds, string(data[8:12])) {
		return nil, fmt.Errorf("%w: not %s %v", errMalformedAudio, f.magic, f.kinds)
	}
	var out []formChunk
	pos := 12
	for len(data)-pos >= 8 {
		id, n := string(data[pos:pos+4]), int64(f.order.Uint32(data[pos+4:]))
		pos += 8
		if n > int64(len(data)-pos) {
			if id != f.data {
				return nil, fmt.Errorf("%w: chunk %q past the end", errMalformedAudio, id)
			}
			n = int64(len(data) - pos)
		}
		out = append(out, formChunk{id: id, body: data[pos : pos+int(n)]})
		pos += int(n) + int(n&1)
	}
	return out, nil
}

// clean keeps the format and sample chunks only.
func (f chunkForm) clean(data []byte) ([]byte, error) {
	all, err := f.chunks(data)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), data[:12]...)
	found := map[string]bool{}
	for _, c := range all {
		if !f.keep[c.id] || found[c.id] {
			continue
		}
		found[c.id] = true
		out = append(out, c.id...)
		out = f.order.AppendUint32(out, uint32(len(c.body)))
		out = append(out, c.body...)
		if len(c.body)&1 == 1 {
			out = append(out, 0)
		}
	}
	if !found[f.data] {
		return nil, fmt.Errorf("%w: no %s chunk", errMalformedAudio, f.data)
	}
	f.order.PutUint32(out[4:], uint32(len(out)-8))
	if err := f.verify(out); err != nil {
		return nil, err
	}
	return out, nil
}

// verify fails if the copy holds any chunk but the format and the samples.
func (f chunkForm) verify(data []byte) error {
	all, err := f.chunks(data)
	if err != nil {
		return fmt.Errorf("%w: %v", errLeftover, err)
	}
	for _, c := range all {
		if !f.keep[c.id] {
			return fmt.Errorf("%w: chunk %q", errLeftover, c.id)
		}
	}
	if int(f.order.Uint32(data[4:])) != len(data)-8 {
		return fmt.Errorf("%w: %s size", errLeftover, f.magic)
	}
	return nil
}
