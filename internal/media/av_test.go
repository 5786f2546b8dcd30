package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/png"
	"net/http"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// noMarker fails if the copy holds any string the fixtures write into metadata.
func noMarker(t *testing.T, out []byte) {
	t.Helper()
	for _, s := range append(mediatest.Markers, identifying...) {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("cleaned copy still contains %q", s)
		}
	}
}

// stcoOffset reads the first chunk offset of the first track (moov/trak/mdia/minf/stbl/stco).
func stcoOffset(t *testing.T, data []byte) uint32 {
	t.Helper()
	i := bytes.Index(data, []byte("stco"))
	if i < 0 || i+16 > len(data) {
		t.Fatal("no stco")
	}
	return binary.BigEndian.Uint32(data[i+12:])
}

func TestShareableMP4(t *testing.T) {
	for _, mov := range []bool{false, true} {
		in := mediatest.MP4WithLocation(mov, "")
		mustContain(t, in, mediatest.Location, mediatest.Make, mediatest.Model, mediatest.Author, mediatest.XMPMarker, mediatest.Trailer, mediatest.SerialNumber, "com.apple.quicktime.location.ISO6709")
		orig := bytes.Clone(in)
		out, err := Shareable("video/mp4", in)
		if err != nil {
			t.Fatalf("mov %v: %v", mov, err)
		}
		if !bytes.Equal(in, orig) {
			t.Fatal("Shareable modified its input")
		}
		noMarker(t, out)
		if bytes.Contains(out, []byte("com.apple.quicktime")) || bytes.Contains(out, []byte("\xa9xyz")) || bytes.Contains(out, []byte("udta")) {
			t.Error("the copy keeps a metadata box")
		}
		// It still plays: the same size up to the trailer, the boxes parse, and the chunk offset
		// still points at the samples.
		if len(out) != len(in)-len(mediatest.Trailer) {
			t.Errorf("copy is %d bytes, want %d", len(out), len(in)-len(mediatest.Trailer))
		}
		if top, end, err := boxes(out); err != nil || end != len(out) || len(top) != 5 || top[0].typ != "ftyp" || top[1].typ != "moov" || top[4].typ != "mdat" {
			t.Fatalf("copy's boxes: %+v, %v", top, err)
		}
		off := stcoOffset(t, out)
		if off != stcoOffset(t, in) || string(out[off:off+uint32(len(mediatest.MP4Payload))]) != mediatest.MP4Payload {
			t.Error("the chunk offset no longer points at the samples")
		}
		if bytes.Contains(out, []byte{0xE1, 0xA2, 0xB3, 0xC4}) {
			t.Error("the recording time is left in mvhd, tkhd or mdhd")
		}
		if err := verifyMP4(out); err != nil {
			t.Error(err)
		}
	}
	// Timed metadata (GPS samples in mdat) cannot be removed box by box.
	if _, err := Shareable("video/mp4", mediatest.MP4WithLocation(false, "meta")); !errors.Is(err, ErrCannotClean) {
		t.Errorf("MP4 with a metadata track: %v, want ErrCannotClean", err)
	}
	if _, err := Shareable("video/mp4", mediatest.MP4WithLocation(false, "soun")); err != nil {
		t.Errorf("MP4 with a sound track: %v", err)
	}
	// The verifier catches a metadata box the rules would have let through.
	bad := mediatest.MP4WithLocation(false, "")
	if err := verifyMP4(bad); !errors.Is(err, errLeftover) {
		t.Errorf("verifyMP4(original) = %v", err)
	}
}

func TestShareableMP3(t *testing.T) {
	in := mediatest.MP3WithTags()
	mustContain(t, in, "ID3", "TPE1", mediatest.Author, mediatest.PNGTextMarker, "APETAGEX", "TAG"+mediatest.Model)
	out, err := Shareable("audio/mpeg", in)
	if err != nil {
		t.Fatal(err)
	}
	noMarker(t, out)
	if bytes.Contains(out, []byte("ID3")) || bytes.Contains(out, []byte("APETAGEX")) || bytes.Contains(out, []byte("TAG")) {
		t.Error("a tag is left")
	}
	if len(out) != mediatest.MP3Frames*mediatest.MP3FrameLen || !bytes.HasPrefix(out, []byte{0xFF, 0xFB}) {
		t.Errorf("copy is %d bytes (want %d frames of %d)", len(out), mediatest.MP3Frames, mediatest.MP3FrameLen)
	}
	if end, n := mp3Frames(out); end != len(out) || n != mediatest.MP3Frames {
		t.Errorf("copy parses as %d frames to %d", n, end)
	}
	// Not audio frames after the tag: stays with the secretariat.
	if _, err := Shareable("audio/mpeg", []byte("ID3\x03\x00\x00\x00\x00\x00\x00not audio")); err == nil {
		t.Error("an ID3 tag without frames got a copy")
	}
}

func TestShareableWAVAndAIFF(t *testing.T) {
	for _, c := range []struct {
		ct   string
		in   []byte
		keep []string
	}{
		{"audio/wave", mediatest.WAVWithInfo(), []string{"fmt ", "data"}},
		{"audio/aiff", mediatest.AIFFWithAuthor(), []string{"COMM", "SSND"}},
	} {
		mustContain(t, c.in, mediatest.Author, mediatest.Model, mediatest.Make, mediatest.CommentMarker)
		out, err := Shareable(c.ct, c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.ct, err)
		}
		noMarker(t, out)
		if !bytes.Contains(out, mediatest.WAVSamples) {
			t.Errorf("%s: the samples are gone", c.ct)
		}
		f := wave
		if c.ct == "audio/aiff" {
			f = aiff
		}
		chunks, err := f.chunks(out)
		if err != nil || len(chunks) != 2 || chunks[0].id != c.keep[0] || chunks[1].id != c.keep[1] {
			t.Errorf("%s: copy's chunks %v, %v", c.ct, chunks, err)
		}
	}
}

func TestShareableWebP(t *testing.T) {
	in := mediatest.WebPWithExif(7, 5, [4]byte{200, 100, 50, 255})
	mustContain(t, in, "EXIF", mediatest.Make, mediatest.XMPMarker)
	if !HasLocation(in[bytes.Index(in, []byte("EXIF"))+8:]) && !bytes.Contains(in, []byte(mediatest.SerialNumber)) {
		t.Fatal("fixture has no EXIF")
	}
	out, err := Shareable("image/webp", in)
	if err != nil {
		t.Fatal(err)
	}
	noMarker(t, out)
	if CopyType("image/webp") != "image/png" {
		t.Errorf("CopyType(webp) = %s", CopyType("image/webp"))
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("copy is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 7 || b.Dy() != 5 {
		t.Fatalf("copy is %v", b)
	}
	if r, g, b, a := img.At(3, 2).RGBA(); r>>8 != 200 || g>>8 != 100 || b>>8 != 50 || a>>8 != 255 {
		t.Errorf("copy's pixel = %d %d %d %d", r>>8, g>>8, b>>8, a>>8)
	}
}

func TestEveryCleanedTypeIsNamed(t *testing.T) {
	for _, ct := range []string{"image/jpeg", "image/png", "image/gif", "image/webp", "text/plain; charset=utf-16le",
		"audio/mpeg", "audio/wave", "audio/aiff", "application/ogg", "video/mp4", "audio/mp4"} {
		if !Cleans(ct) {
			t.Errorf("Cleans(%s) = false", ct)
		}
	}
}

func TestShareableOgg(t *testing.T) {
	for _, vorbis := range []bool{false, true} {
		in := mediatest.OggWithTags(vorbis)
		mustContain(t, in, mediatest.Author, mediatest.Location, mediatest.Make, mediatest.Model, mediatest.CommentMarker)
		if ct := http.DetectContentType(in); ct != "application/ogg" {
			t.Fatalf("fixture sniffs as %s", ct)
		}
		out, err := Shareable("application/ogg", in)
		if err != nil {
			t.Fatalf("vorbis %v: %v", vorbis, err)
		}
		noMarker(t, out)
		// It still parses: one stream, pages numbered and checksummed, the audio kept.
		pages, err := oggPages(out)
		if err != nil {
			t.Fatal(err)
		}
		n := 2
		if vorbis {
			n = 3
		}
		headers, audio, err := oggHeaders(pages, n)
		if err != nil || len(pages)-audio != 3 || bytes.Count(out, []byte(mediatest.OggAudio)) != 6 {
			t.Fatalf("vorbis %v: %d pages, audio from %d, %v", vorbis, len(pages), audio, err)
		}
		if vorbis && (len(headers[2]) != 307 || !bytes.HasPrefix(headers[2], []byte("\x05vorbis"))) {
			t.Error("the Vorbis setup header changed")
		}
		if pages[len(pages)-1].granule != 2880 || pages[len(pages)-1].flags&4 == 0 {
			t.Error("the last page lost its position or end-of-stream flag")
		}
	}
	// FLAC in Ogg has no cleaner.
	flac := mediatest.OggWithTags(false)
	copy(flac[28:], "\x7fFLAC...")
	if _, err := Shareable("application/ogg", fixCRC(flac)); !errors.Is(err, ErrCannotClean) {
		t.Errorf("Ogg FLAC: %v, want ErrCannotClean", err)
	}
}

// fixCRC recomputes the first page's checksum after a test changed it.
func fixCRC(b []byte) []byte {
	n := 27 + int(b[26])
	for _, l := range b[27 : 27+int(b[26])] {
		n += int(l)
	}
	clear(b[22:26])
	binary.LittleEndian.PutUint32(b[22:], oggCRC(b[:n]))
	return b
}
