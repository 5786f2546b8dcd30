package media

import (
	"bytes"
	"errors"
	"fmt"
	"image/gif"
	"image/png"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// Fuzz targets for every cleaner a stranger's file reaches (FuzzShareableJPEG is with the JPEG
// tests). Each checks that a copy, when one is made, passes its verifier and parses again; a
// panic fails the target (recoverPanics is off). Every format keeps a target of its own because
// .ci/fuzz runs each target `go test -list` names. Run one for long with e.g.
//
//	go test -run '^$' -fuzz FuzzShareableMP4 -fuzztime 1h ./internal/media/

// fuzzMaxPixels keeps each run fast; the logic is the same as with MaxPixels.
const fuzzMaxPixels = 1 << 20

// copyCheck is one thing the copy made of in must satisfy.
type copyCheck func(in, out []byte) error

// fuzzCopies fuzzes the cleaner of contentType from seeds with checkCopy.
func fuzzCopies(f *testing.F, contentType string, seeds [][]byte, checks ...copyCheck) {
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkCopy(t, contentType, data, checks...) })
}

// checkCopy cleans data as contentType: an error must come without a copy, and a copy must
// carry no GPS position and pass every check.
func checkCopy(t *testing.T, contentType string, data []byte, checks ...copyCheck) {
	recoverPanics = false
	out, err := shareable(contentType, data, fuzzMaxPixels)
	if err != nil {
		if out != nil {
			t.Fatalf("error %v with output", err)
		}
		return
	}
	if HasLocation(out) {
		t.Fatal("the copy has a GPS position")
	}
	for _, check := range checks {
		if err := check(data, out); err != nil {
			t.Fatal(err)
		}
	}
}

func verified(verify func([]byte) error) copyCheck {
	return func(_, out []byte) error { return verify(out) }
}

func decodesAsPNG(_, out []byte) error {
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		return fmt.Errorf("the copy does not decode: %w", err)
	}
	return nil
}

func decodesAsGIF(_, out []byte) error {
	if _, err := gif.DecodeAll(bytes.NewReader(out)); err != nil {
		return fmt.Errorf("the copy does not decode: %w", err)
	}
	return nil
}

// cleanedOnce: a second pass over the copy finds nothing more to do.
func cleanedOnce(clean func([]byte) ([]byte, error)) copyCheck {
	return func(_, out []byte) error {
		again, err := clean(out)
		if err != nil || !bytes.Equal(again, out) {
			return fmt.Errorf("cleaning the copy again: changed %v, %v", !bytes.Equal(again, out), err)
		}
		return nil
	}
}

func notLonger(in, out []byte) error {
	if len(out) > len(in) {
		return errors.New("the copy is longer than the file")
	}
	return nil
}

func withoutAudioTags(_, out []byte) error {
	if bytes.HasPrefix(out, []byte("ID3")) || bytes.Contains(out, []byte("APETAGEX")) {
		return errors.New("the copy keeps a tag")
	}
	return nil
}

func FuzzShareablePNG(f *testing.F) {
	var plain bytes.Buffer
	png.Encode(&plain, mediatest.Gradient(5, 3))
	for _, seed := range [][]byte{mediatest.PNGWithMetadata(8, 6), mediatest.PNG16Bomb(3, 2), plain.Bytes()} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pngOrientation(data) // every input reaches the orientation reader, not only those that decode
		checkCopy(t, "image/png", data, verified(verifyPNG), decodesAsPNG)
	})
}

func FuzzShareableGIF(f *testing.F) {
	fuzzCopies(f, "image/gif", [][]byte{mediatest.GIFWithComment(8, 6, 2), mediatest.GIFWithComment(3, 3, 1)},
		verified(verifyGIF), decodesAsGIF)
}

func FuzzShareableWebP(f *testing.F) {
	fuzzCopies(f, "image/webp", [][]byte{
		mediatest.WebPWithExif(4, 3, [4]byte{10, 20, 30, 255}),
		mediatest.WebPWithExif(1, 1, [4]byte{0, 0, 0, 0}),
		[]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + string(make([]byte, 24))),
	}, verified(verifyPNG), decodesAsPNG)
}

func FuzzShareableMP4(f *testing.F) {
	fuzzCopies(f, "video/mp4", [][]byte{
		mediatest.MP4WithLocation(false, ""),
		mediatest.MP4WithLocation(true, "soun"),
		mediatest.MP4WithLocation(false, "meta"),
	}, verified(verifyMP4), notLonger, cleanedOnce(cleanMP4))
}

func FuzzShareableMP3(f *testing.F) {
	tail := mediatest.MP3WithTags()
	fuzzCopies(f, "audio/mpeg", [][]byte{mediatest.MP3WithTags(), tail[len(tail)-3*mediatest.MP3FrameLen:]},
		verified(verifyMP3), withoutAudioTags)
}

func FuzzShareableWAV(f *testing.F) {
	fuzzCopies(f, "audio/wave", [][]byte{mediatest.WAVWithInfo()}, verified(wave.verify))
}

func FuzzShareableAIFF(f *testing.F) {
	fuzzCopies(f, "audio/aiff", [][]byte{mediatest.AIFFWithAuthor()}, verified(aiff.verify))
}

func FuzzShareableOgg(f *testing.F) {
	fuzzCopies(f, "application/ogg", [][]byte{mediatest.OggWithTags(false), mediatest.OggWithTags(true)},
		verified(verifyOgg), cleanedOnce(cleanOgg))
}
