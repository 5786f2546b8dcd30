package web

import (
	"mime"
	"net/http"
	"strconv"
)

// Download answers a file of a case (a reporter's attachment, a message's file): always as an
// attachment, never sniffed, never cached, and sandboxed, so that a file that a browser does
// render anyway (a PDF, an SVG that claims to be text) runs nothing in our origin. name is made
// safe for the header (bidi controls removed); fallback is used when nothing of it is left.
func Download(w http.ResponseWriter, contentType, name, fallback string, data []byte) {
	name = CleanName(name)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if name == "" || disposition == "" {
		disposition = mime.FormatMediaType("attachment", map[string]string{"filename": fallback})
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", disposition)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	NoStoreDownload(w)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// NoStoreDownload sets the headers every generated download shares (CSV, XLSX exports): no
// caching anywhere, no sniffing, and a sandbox should a browser show it in a tab.
func NoStoreDownload(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}
