package kb

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aptgraph/aptgraph"
)

// maybeGunzip returns a reader of r's content, gunzipped when r starts with
// the gzip magic bytes.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		return zr, nil
	}
	return br, nil
}

// errTooLarge is returned by limitReader past its limit.
var errTooLarge = errors.New("input over the size limit")

// limitReader is io.LimitReader that fails, rather than ends, past its limit.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// Allow a clean end of input exactly at the limit.
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// malformed returns the EINVALID error for a truncated or malformed file of
// the kind what, with a one-line detail safe to show.
func malformed(what string, err error) error {
	var ae *aptgraph.Error
	if errors.As(err, &ae) {
		return err
	}
	return aptgraph.WrapError(aptgraph.EINVALID, "truncated or malformed "+what+": "+describe(err), err)
}

// describe says in a few words what went wrong with the bytes of a file.
func describe(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of data"
	case errors.As(err, &se):
		if se.Error() == "unexpected end of JSON input" {
			return "unexpected end of data"
		}
		return fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s where %s was expected at byte %d", te.Value, te.Type, te.Offset)
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &ce):
		return "corrupt gzip data"
	}
	return "read error"
}

// sniff names what a file that is not the expected JSON seems to be.
func sniff(b []byte) string {
	switch {
	case len(b) == 0:
		return "the file is empty"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "it is a PDF document"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "it is a ZIP archive"
	case bytes.HasPrefix(b, []byte("<")):
		return "it is HTML or XML"
	case b[0] == '[':
		return "it is a JSON array, not an object"
	}
	return "it does not start with a JSON object"
}
