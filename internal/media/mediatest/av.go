package mediatest

import (
	"bytes"
	"encoding/binary"
)

// Strings written into the metadata of the sound, video and WebP files built here.
const (
	Author   = "Remedy Test Author"
	Location = "+35.6895+139.6917/" // ISO 6709, as phones write it
	Trailer  = "SEFHremedy-test-trailerSEFT"
)

// Markers are every string a file built here carries in its metadata.
var Markers = []string{Make, Model, SerialNumber, XMPMarker, CommentMarker, PNGTextMarker, Author, Location, Trailer}

// MP4Payload is the media data of MP4WithLocation, which the copy must keep at the same offset.
const MP4Payload = "remedy-test-media-samples"

func mp4Box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(binary.BigEndian.AppendUint32([]byte(nil), uint32(8+len(body))), append([]byte(typ), body...)...)
}

func fullBox(typ string, version byte, rest ...[]byte) []byte {
	return mp4Box(typ, append([]byte{version, 0, 0, 0}, bytes.Join(rest, nil)...))
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// MP4WithLocation returns an MP4 as a phone writes it (brand "isom", or "qt  " for a QuickTime
// MOV when mov is set): a video track whose samples are MP4Payload in mdat, the recording time in
// mvhd, tkhd and mdhd, and metadata in every place phones use — moov/udta (©xyz Location, ©mak
// Make, ©mod Model, a meta/ilst with ©ART Author), moov/meta (Apple's mdta keys: location and
// model), trak/udta, a top-level uuid XMP box, a handler named after the phone, and a trailer
// of bytes after the last box (Trailer). The stco offset points at the payload in mdat.
// extraTrack adds a track of the given handler type (e.g. "meta" for timed GPS) when not empty.
func MP4WithLocation(mov bool, extraTrack string) []byte {
	brand := "isom"
	if mov {
		brand = "qt  "
	}
	ftyp := mp4Box("ftyp", []byte(brand), u32(0x200), []byte(brand+"mp41"))
	when := u32(0xE1A2B3C4) // 2023 in seconds since 1904
	track := func(handler string, stcoOffset uint32) []byte {
		return mp4Box("trak",
			fullBox("tkhd", 0, when, when, u32(1), u32(0), u32(1000), make([]byte, 60)),
			mp4Box("mdia",
				fullBox("mdhd", 0, when, when, u32(1000), u32(1000), []byte{0x55, 0xC4, 0, 0}),
				fullBox("hdlr", 0, u32(0), []byte(handler), make([]byte, 12), []byte(Model+" Handler\x00")),
				mp4Box("minf",
					fullBox("vmhd", 0, make([]byte, 8)),
					mp4Box("dinf", fullBox("dref", 0, u32(1), mp4Box("url ", []byte{0, 0, 0, 1}))),
					mp4Box("stbl",
						fullBox("stsd", 0, u32(0)),
						fullBox("stts", 0, u32(1), u32(1), u32(1000)),
						fullBox("stsc", 0, u32(1), u32(1), u32(1), u32(1)),
						fullBox("stsz", 0, u32(uint32(len(MP4Payload))), u32(1)),
						fullBox("stco", 0, u32(1), u32(stcoOffset)),
					),
				),
			),
			mp4Box("udta", mp4Box("\xa9xyz", u32(uint32(len(Location))<<16), []byte(Location))),
		)
	}
	udta := mp4Box("udta",
		mp4Box("\xa9xyz", u32(uint32(len(Location))<<16|0x15c7), []byte(Location)),
		mp4Box("\xa9mak", u32(uint32(len(Make))<<16), []byte(Make)),
		mp4Box("\xa9mod", u32(uint32(len(Model))<<16), []byte(Model)),
		fullBox("meta", 0, fullBox("hdlr", 0, u32(0), []byte("mdir"), make([]byte, 13)),
			mp4Box("ilst", mp4Box("\xa9ART", mp4Box("data", u32(1), u32(0), []byte(Author))))),
	)
	meta := fullBox("meta", 0,
		fullBox("hdlr", 0, u32(0), []byte("mdta"), make([]byte, 13)),
		fullBox("keys", 0, u32(2), mp4Box("mdta", []byte("com.apple.quicktime.location.ISO6709")), mp4Box("mdta", []byte("com.apple.quicktime.model"))),
		mp4Box("ilst", mp4Box("\x00\x00\x00\x01", mp4Box("data", u32(1), u32(0), []byte(Location))), mp4Box("\x00\x00\x00\x02", mp4Box("data", u32(1), u32(0), []byte(Model)))),
	)
	uuid := mp4Box("uuid", []byte("\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"), xmpPacket())
	build := func(offset uint32) []byte {
		moov := [][]byte{fullBox("mvhd", 0, when, when, u32(1000), u32(1000), make([]byte, 80)), track("vide", offset)}
		if extraTrack != "" {
			moov = append(moov, track(extraTrack, offset))
		}
		moov = append(moov, udta, meta)
		return bytes.Join([][]byte{ftyp, mp4Box("moov", moov...), uuid, mp4Box("free", []byte(SerialNumber))}, nil)
	}
	head := build(0)
	head = build(uint32(len(head) + 8)) // the payload follows mdat's header
	return append(append(head, mp4Box("mdat", []byte(MP4Payload))...), Trailer...)
}

// MP3Frames is the number of audio frames in MP3WithTags, each MP3FrameLen bytes.
const (
	MP3Frames   = 12
	MP3FrameLen = 417 // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding
)

// MP3WithTags returns an MP3 with an ID3v2.3 tag (TPE1 Author, TXXX GPS, COMM Comment, padding)
// before its frames and an APEv2 tag (Make) and an ID3v1 tag (Model) after them.
func MP3WithTags() []byte {
	frame := func(id, text string) []byte {
		b := append([]byte(id), u32(uint32(len(text)+1))...)
		return append(append(b, 0, 0, 0), text...)
	}
	frames := bytes.Join([][]byte{frame("TPE1", Author), frame("TXXX", "GPS\x00"+PNGTextMarker), frame("COMM", "eng\x00"+CommentMarker)}, nil)
	frames = append(frames, make([]byte, 64)...) // padding
	n := len(frames)
	var out bytes.Buffer
	out.WriteString("ID3\x03\x00\x00")
	out.Write([]byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)})
	out.Write(frames)
	for i := range MP3Frames {
		f := make([]byte, MP3FrameLen)
		copy(f, []byte{0xFF, 0xFB, 0x90, 0x64})
		f[100] = byte(i)
		out.Write(f)
	}
	ape := append([]byte("APETAGEX"), u32le(2000)...)
	ape = append(ape, []byte("Make\x00"+Make)...)
	out.Write(ape)
	v1 := make([]byte, 128)
	copy(v1, "TAG"+Model)
	out.Write(v1)
	return out.Bytes()
}

func u32le(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// riffChunk and iffChunk are a chunk of a RIFF file (WAV, WebP: little-endian size) and of an
// IFF one (AIFF: big-endian), padded to an even length as both require.
func riffChunk(id string, body []byte) []byte { return chunk(binary.LittleEndian, id, body) }
func iffChunk(id string, body []byte) []byte  { return chunk(binary.BigEndian, id, body) }

func chunk(order binary.AppendByteOrder, id string, body []byte) []byte {
	b := append(order.AppendUint32([]byte(id), uint32(len(body))), body...)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// WAVSamples are the samples of WAVWithInfo.
var WAVSamples = []byte("remedy-test-pcm-samples!")

// WAVWithInfo returns a WAV with a LIST INFO chunk (IART Author, ICMT Comment), a bext chunk
// (originator Make) and an id3 chunk (Model) around its fmt and data chunks.
func WAVWithInfo() []byte {
	fmtc := []byte{1, 0, 1, 0, 0x44, 0xAC, 0, 0, 0x88, 0x58, 1, 0, 2, 0, 16, 0}
	info := append([]byte("INFO"), riffChunk("IART", []byte(Author+"\x00"))...)
	info = append(info, riffChunk("ICMT", []byte(CommentMarker+"\x00"))...)
	body := bytes.Join([][]byte{[]byte("WAVE"), riffChunk("fmt ", fmtc), riffChunk("LIST", info), riffChunk("bext", []byte(Make)), riffChunk("data", WAVSamples), riffChunk("id3 ", []byte("ID3"+Model))}, nil)
	return riffChunk("RIFF", body)
}

// AIFFWithAuthor returns an AIFF with NAME (Model), AUTH (Author), ANNO (Comment) and "(c) "
// (Make) chunks around its COMM and SSND chunks.
func AIFFWithAuthor() []byte {
	comm := []byte{0, 1, 0, 0, 0, 12, 0, 16, 0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0}
	ssnd := append(make([]byte, 8), WAVSamples...)
	body := bytes.Join([][]byte{[]byte("AIFF"), iffChunk("NAME", []byte(Model)), iffChunk("COMM", comm), iffChunk("AUTH", []byte(Author)), iffChunk("SSND", ssnd), iffChunk("ANNO", []byte(CommentMarker)), iffChunk("(c) ", []byte(Make))}, nil)
	return iffChunk("FORM", body)
}

// WebPWithExif returns a w×h lossless WebP of one colour (c: R, G, B, A) in an extended (VP8X)
// container with an EXIF chunk (the same EXIF as JPEGWithGPS) and an XMP chunk.
func WebPWithExif(w, h int, c [4]byte) []byte {
	// A VP8L bitstream whose five prefix codes each have one symbol: every pixel takes no bits.
	var bits bitWriter
	bits.write(uint32(w-1), 14)
	bits.write(uint32(h-1), 14)
	bits.write(1, 1) // alpha is used
	bits.write(0, 3) // version
	bits.write(0, 1) // no transform
	bits.write(0, 1) // no colour cache
	bits.write(0, 1) // no meta prefix codes
	// The green, red, blue and alpha codes.
	for _, sym := range []byte{c[1], c[0], c[2], c[3]} {
		bits.write(1, 1) // simple code
		bits.write(0, 1) // one symbol
		bits.write(1, 1) // of 8 bits
		bits.write(uint32(sym), 8)
	}
	bits.write(1, 1) // distance: simple, one symbol of 1 bit: 0
	bits.write(0, 1)
	bits.write(0, 1)
	bits.write(0, 1)
	vp8l := append([]byte{0x2f}, bits.bytes()...)

	vp8x := []byte{0x10 | 0x08 | 0x04, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	body := bytes.Join([][]byte{[]byte("WEBP"), riffChunk("VP8X", vp8x), riffChunk("VP8L", vp8l), riffChunk("EXIF", exifTIFF(binary.LittleEndian, 1)), riffChunk("XMP ", xmpPacket())}, nil)
	return riffChunk("RIFF", body)
}

type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc uint
}

func (b *bitWriter) write(v uint32, n uint) {
	b.acc |= uint64(v) << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.nacc > 0 {
		return append(b.buf, byte(b.acc))
	}
	return b.buf
}

// OggAudio is the audio packets' content in the Ogg files built here, which the copy keeps.
const OggAudio = "remedy-test-ogg-audio-packet"

// OggWithTags returns an Ogg Opus (or, with vorbis set, an Ogg Vorbis) stream whose comment
// header holds ARTIST=Author, LOCATION=Location, ENCODER=Make and COMMENT=Comment, followed by
// three pages of audio packets. Vorbis's comment and setup headers share a page, as encoders
// write them.
func OggWithTags(vorbis bool) []byte {
	comments := []string{"ARTIST=" + Author, "LOCATION=" + Location, "ENCODER=" + Make, "COMMENT=" + CommentMarker}
	tags := func(prefix string) []byte {
		b := append([]byte(prefix), u32le(uint32(len(Model)))...)
		b = append(b, Model...)
		b = append(b, u32le(uint32(len(comments)))...)
		for _, c := range comments {
			b = append(append(b, u32le(uint32(len(c)))...), c...)
		}
		return b
	}
	var headerPages [][][]byte
	if vorbis {
		id := append([]byte("\x01vorbis"), 0, 0, 0, 0, 1, 0x44, 0xAC, 0, 0, 0, 0, 0, 0, 0, 0xFA, 0, 0, 0, 0, 0, 0, 0xB8, 1)
		setup := append([]byte("\x05vorbis"), make([]byte, 300)...) // spans two lacing values
		headerPages = [][][]byte{{id}, {append(tags("\x03vorbis"), 1), setup}}
	} else {
		head := append([]byte("OpusHead"), 1, 1, 0x38, 1, 0x80, 0xBB, 0, 0, 0, 0, 0)
		headerPages = [][][]byte{{head}, {tags("OpusTags")}}
	}
	var out []byte
	seq := uint32(0)
	page := func(flags byte, granule uint64, packets [][]byte) {
		var lacing, body []byte
		for _, p := range packets {
			n := len(p)
			for ; n >= 255; n -= 255 {
				lacing = append(lacing, 255)
			}
			lacing = append(lacing, byte(n))
			body = append(body, p...)
		}
		start := len(out)
		out = append(out, "OggS\x00"...)
		out = append(out, flags)
		out = binary.LittleEndian.AppendUint64(out, granule)
		out = append(out, u32le(0x5EED)...)
		out = append(out, u32le(seq)...)
		out = append(out, 0, 0, 0, 0, byte(len(lacing)))
		out = append(out, lacing...)
		out = append(out, body...)
		binary.LittleEndian.PutUint32(out[start+22:], oggCRC(out[start:]))
		seq++
	}
	page(2, 0, headerPages[0])
	page(0, 0, headerPages[1])
	for i := range 3 {
		flags := byte(0)
		if i == 2 {
			flags = 4
		}
		page(flags, uint64(960*(i+1)), [][]byte{[]byte(OggAudio), []byte(OggAudio)})
	}
	return out
}

func oggCRC(b []byte) uint32 {
	var crc uint32
	for _, c := range b {
		crc ^= uint32(c) << 24
		for range 8 {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04c11db7
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
