// Package boundedio reads files and streams whose size the library bounds,
// enforcing the bound while reading: a mistaken path (a log, a corpus, a
// device such as /dev/zero, a pipe that never ends) is refused after at most
// limit+1 bytes instead of being read into memory whole.
package boundedio

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError reports an input larger than its limit. Its message reads
// "policy file x.yaml is larger than the 4 MiB limit"; callers put their
// package prefix in front.
type TooLargeError struct {
	What  string // what was read, e.g. "policy file"
	Name  string // its path or name
	Limit int64  // the most bytes allowed
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s %s is larger than the %s limit", e.What, e.Name, SizeText(e.Limit))
}

// SizeText renders a size for messages: "4 MiB", "256 KiB", "1000 bytes".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads the file at path, refusing one larger than limit bytes. A
// regular file is refused by its size before anything is read; anything
// else (a device, a pipe, a file growing while read) is read through a
// limit of limit+1 bytes, so an endless input stops there. what names the
// kind of file in the error ("policy file").
func ReadFile(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s %s is a directory, not a file", what, path)
	}
	size := int64(0)
	if fi.Mode().IsRegular() {
		if fi.Size() > limit {
			return nil, &TooLargeError{What: what, Name: path, Limit: limit}
		}
		size = fi.Size()
	}
	return read(f, path, limit, what, size)
}

// ReadAll reads r to its end, refusing more than limit bytes: it reads at
// most limit+1 bytes from r, whatever r yields. name and what name the
// input in the error.
func ReadAll(r io.Reader, name string, limit int64, what string) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("%s %s: nil reader", what, name)
	}
	return read(r, name, limit, what, 0)
}

// read reads at most limit+1 bytes of r into a buffer of capacity hint+1
// (the size of a regular file, so that the common case allocates once).
func read(r io.Reader, name string, limit int64, what string, hint int64) ([]byte, error) {
	if limit < 0 {
		return nil, errors.New("boundedio: negative limit")
	}
	buf := make([]byte, 0, min(hint, limit)+1)
	lr := &io.LimitedReader{R: r, N: limit + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) > limit {
		return nil, &TooLargeError{What: what, Name: name, Limit: limit}
	}
	return buf, nil
}
