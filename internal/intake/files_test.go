package intake_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/remedy-grievance/remedy/internal/media/mediatest"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

// Every file a reporter sends is stored with a copy free of metadata, or with none (it then
// stays with the secretariat): no file reaches the store with a copy that still has its
// location, device or author.
func TestEveryFileGetsACleanCopyOrNone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newSite(t, s)
		files := map[string][]byte{
			"photo.jpg": mediatest.JPEGWithGPS(32, 24),
			"clip.mp4":  mediatest.MP4WithLocation(false, ""),
			"voice.mp3": mediatest.MP3WithTags(),
			"note.wav":  mediatest.WAVWithInfo(),
			"shot.webp": mediatest.WebPWithExif(4, 4, [4]byte{1, 2, 3, 255}),
			"notes.txt": []byte("what happened, in my words"),
			"doc.pdf":   []byte("%PDF-1.4\n1 0 obj << /Author (" + mediatest.Author + ") >> endobj\n%%EOF\n"),
		}
		resp, page := w.postForm("/report", "en", validFields(), files)
		if resp.StatusCode != 200 {
			t.Fatalf("filing: %d\n%s", resp.StatusCode, page)
		}
		id, err := s.CaseIDByReceipt(ctx, receiptFrom(t, page))
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.ReporterCase(ctx, id)
		if err != nil || len(c.Attachments) != len(files) {
			t.Fatalf("%d files stored, %v", len(c.Attachments), err)
		}
		for _, a := range c.Attachments {
			_, original, err := s.AttachmentContent(ctx, id, a.ID, false)
			if err != nil || !bytes.Equal(original, files[a.Name]) {
				t.Fatalf("%s: the original is not the file as sent (%v)", a.Name, err)
			}
			if a.Shareable != (a.Name != "doc.pdf") {
				t.Errorf("%s (%s): has a copy %v", a.Name, a.ContentType, a.Shareable)
			}
			if !a.Shareable {
				continue
			}
			_, copy, err := s.AttachmentContent(ctx, id, a.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mediatest.Markers {
				if bytes.Contains(copy, []byte(m)) {
					t.Errorf("%s: the copy keeps %q", a.Name, m)
				}
			}
		}
	})
}
