package media

import (
	"bytes"
	"image/gif"
	"image/png"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
)

// Fuzz targets for every cleaner a stranger's file reaches (FuzzShareableJPEG is with the JPEG
// tests). Each checks that a copy, when one is made, passes its verifier and parses again; a
// panic fails the target (recoverPanics is off). Run one for long with e.g.
//
//	go test -run '^$' -fuzz FuzzShareableMP4 -fuzztime 1h ./internal/media/

// fuzzMaxPixels keeps each run fast; the logic is the same as with MaxPixels.
const fuzzMaxPixels = 1 << 20

func fuzzClean(t *testing.T, contentType string, data []byte) []byte {
	recoverPanics = false
	out, err := shareable(contentType, data, fuzzMaxPixels)
	if err != nil {
		if out != nil {
			t.Fatalf("error %v with output", err)
		}
		return nil
	}
	if HasLocation(out) {
		t.Fatal("the copy has a GPS position")
	}
	return out
}

func FuzzShareablePNG(f *testing.F) {
	f.Add(mediatest.PNGWithMetadata(8, 6))
	f.Add(mediatest.PNG16Bomb(3, 2))
	var plain bytes.Buffer
	png.Encode(&plain, mediatest.Gradient(5, 3))
	f.Add(plain.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		pngOrientation(data)
		out := fuzzClean(t, "image/png", data)
		if out == nil {
			return
		}
		if err := verifyPNG(out); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("the copy does not decode: %v", err)
		}
	})
}

func FuzzShareableGIF(f *testing.F) {
	f.Add(mediatest.GIFWithComment(8, 6, 2))
	f.Add(mediatest.GIFWithComment(3, 3, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "image/gif", data)
		if out == nil {
			return
		}
		if err := verifyGIF(out); err != nil {
			t.Fatal(err)
		}
		if _, err := gif.DecodeAll(bytes.NewReader(out)); err != nil {
			t.Fatalf("the copy does not decode: %v", err)
		}
	})
}

func FuzzShareableWebP(f *testing.F) {
	f.Add(mediatest.WebPWithExif(4, 3, [4]byte{10, 20, 30, 255}))
	f.Add(mediatest.WebPWithExif(1, 1, [4]byte{0, 0, 0, 0}))
	f.Add([]byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + string(make([]byte, 24))))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "image/webp", data)
		if out == nil {
			return
		}
		if err := verifyPNG(out); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("the copy does not decode: %v", err)
		}
	})
}

func FuzzShareableMP4(f *testing.F) {
	f.Add(mediatest.MP4WithLocation(false, ""))
	f.Add(mediatest.MP4WithLocation(true, "soun"))
	f.Add(mediatest.MP4WithLocation(false, "meta"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "video/mp4", data)
		if out == nil {
			return
		}
		if err := verifyMP4(out); err != nil {
			t.Fatal(err)
		}
		if len(out) > len(data) {
			t.Fatal("the copy is longer than the file")
		}
		// A second pass finds nothing more to do.
		again, err := cleanMP4(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("cleaning the copy again: changed %v, %v", !bytes.Equal(again, out), err)
		}
	})
}

func FuzzShareableMP3(f *testing.F) {
	f.Add(mediatest.MP3WithTags())
	in := mediatest.MP3WithTags()
	f.Add(in[len(in)-3*mediatest.MP3FrameLen:])
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "audio/mpeg", data)
		if out == nil {
			return
		}
		if err := verifyMP3(out); err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(out, []byte("ID3")) || bytes.Contains(out, []byte("APETAGEX")) {
			t.Fatal("the copy keeps a tag")
		}
	})
}

func FuzzShareableWAV(f *testing.F) {
	f.Add(mediatest.WAVWithInfo())
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "audio/wave", data)
		if out == nil {
			return
		}
		if err := wave.verify(out); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzShareableAIFF(f *testing.F) {
	f.Add(mediatest.AIFFWithAuthor())
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "audio/aiff", data)
		if out == nil {
			return
		}
		if err := aiff.verify(out); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzShareableOgg(f *testing.F) {
	f.Add(mediatest.OggWithTags(false))
	f.Add(mediatest.OggWithTags(true))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := fuzzClean(t, "application/ogg", data)
		if out == nil {
			return
		}
		if err := verifyOgg(out); err != nil {
			t.Fatal(err)
		}
		again, err := cleanOgg(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("cleaning the copy again: changed %v, %v", !bytes.Equal(again, out), err)
		}
	})
}
