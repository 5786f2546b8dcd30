package mediatest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// ProgressiveJPEGBomb returns a small progressive JPEG of w×h pixels (three components, no
// subsampling) whose only scan is a DC scan in which every block is zero, one bit per block:
// 7000×7000 is about 290 KB, yet a decoder keeps 64 coefficients of every block of every
// component in memory until the end of the image, and transforms them all.
func ProgressiveJPEGBomb(w, h int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	seg := func(marker byte, payload []byte) {
		b.Write([]byte{0xFF, marker})
		b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(payload)+2)))
		b.Write(payload)
	}
	dqt := []byte{0}
	for range 64 {
		dqt = append(dqt, 1)
	}
	seg(0xDB, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0}
	seg(0xC2, sof)
	// A DC table with one code of length 1 for category 0: each block is the bit 0.
	dht := append([]byte{0x00, 1}, make([]byte, 15)...)
	dht = append(dht, 0)
	seg(0xC4, dht)
	seg(0xDA, []byte{3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0x00})
	blocks := ((w + 7) / 8) * ((h + 7) / 8) * 3
	b.Write(make([]byte, (blocks+7)/8))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// PNG16Bomb returns a w×h PNG of 16-bit RGBA pixels, all zero: 7000×7000 compresses to about
// 380 KB and decodes to 392 MB.
func PNG16Bomb(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, body []byte) {
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(body))))
		c := append([]byte(typ), body...)
		out.Write(c)
		out.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(c)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 16, 6, 0, 0, 0))
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+w*8)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}
