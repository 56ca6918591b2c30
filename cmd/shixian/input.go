package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// Size limits of the files the CLI reads. Each is enforced while reading (never after the
// whole input is in memory), so that /dev/zero, a wrong file or an endless pipe is refused
// after at most limit+1 bytes.
const (
	// maxPolicyBytes bounds a policy file (a real one is a few KiB).
	maxPolicyBytes = 4 << 20
	// maxSuiteBytes bounds a test suite and an expectations file.
	maxSuiteBytes = 8 << 20
	// maxScheduleBytes bounds a --schedule file (a year's notice is a few KiB).
	maxScheduleBytes = 4 << 20
	// maxCaseBytes bounds one case document: status --case and classify --input.
	maxCaseBytes = 4 << 20
	// maxLine bounds one line of a JSON-lines file (classify, diff and report --cases): a
	// corpus line is a few hundred bytes, a case with a thousand events about 150 KiB.
	maxLine = 1 << 20
	// maxBadLines is how many bad lines a JSON-lines run skips before it stops: past that
	// the file is most likely not what the command expects.
	maxBadLines = 100
)

// sizeText renders a limit for messages: "4 MiB", "512 KiB", "100 bytes".
func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// errTooLarge is an input over its size limit.
type errTooLarge struct {
	name  string
	what  string
	limit int
}

func (e *errTooLarge) Error() string {
	return fmt.Sprintf("%s: larger than the %s limit for %ss; refused without reading the rest", e.name, sizeText(e.limit), e.what)
}

// readLimited reads all of r, but at most limit bytes: one byte more is an *errTooLarge.
func readLimited(r io.Reader, name, what string, limit int) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > limit {
		return nil, &errTooLarge{name: name, what: what, limit: limit}
	}
	return data, nil
}

// readFileLimited reads the named file ("-" = stdin when e is not nil) with a size limit and
// returns its bytes and the name to use in messages.
func readFileLimited(e *env, path, what string, limit int) ([]byte, string, error) {
	if path == "-" && e != nil {
		data, err := readLimited(e.stdin, "<stdin>", what, limit)
		return data, "<stdin>", err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, path, fmt.Errorf("%s: is a directory, not a file", path)
	}
	data, err := readLimited(f, path, what, limit)
	return data, path, err
}

// readPolicy loads a policy file, read with its size limit, through sla.ParsePolicy.
func readPolicy(path string) (*sla.Policy, error) {
	data, _, err := readFileLimited(nil, path, "policy file", maxPolicyBytes)
	if err != nil {
		return nil, err
	}
	return sla.ParsePolicy(path, data)
}

// readExpectations loads an expectations file, read with its size limit.
func readExpectations(path string) (*slatest.Expectations, error) {
	data, _, err := readFileLimited(nil, path, "expectations file", maxSuiteBytes)
	if err != nil {
		return nil, err
	}
	return slatest.ParseExpectations(path, data)
}

// runSuiteFile runs the suite file at path, read with its size limit. With p nil the policy
// the suite names is loaded by package slatest, relative to path.
func runSuiteFile(path string, p *sla.Policy) (*slatest.Result, error) {
	data, _, err := readFileLimited(nil, path, "suite file", maxSuiteBytes)
	if err != nil {
		return nil, err
	}
	return slatest.RunSuiteData(path, data, p)
}

// invalidUTF8 returns the offset of the first byte of data that is not valid UTF-8, or -1.
// encoding/json would silently turn such bytes into U+FFFD, changing an id or an input value
// without a word, so the CLI refuses them.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

var errInvalidUTF8 = errors.New("invalid UTF-8 (the file must be UTF-8 text)")
