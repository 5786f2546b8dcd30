package bench

import (
	"bytes"
	"fmt"

	"github.com/remedy-grievance/remedy/internal/media"
)

func fmtSscan(line []byte, kb *float64) (int, error) {
	if !bytes.HasPrefix(line, []byte("VmHWM:")) {
		return 0, nil
	}
	return fmt.Sscan(string(bytes.TrimPrefix(line, []byte("VmHWM:"))), kb)
}

func clean(contentType string, data []byte) { media.Shareable(contentType, data) }
