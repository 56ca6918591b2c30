package main

import (
	"errors"
	"unicode/utf8"

	"github.com/shixian-go/shixian/internal/boundedio"

	"github.com/shixian-go/shixian/sla"
	"github.com/shixian-go/shixian/sla/slatest"
)

// Size limits of the lines the CLI reads. Each is enforced while reading (never after the
// whole input is in memory), so that /dev/zero, a wrong file or an endless pipe is refused
// after at most limit+1 bytes. Whole files use the library's own limits (sla.MaxPolicyBytes,
// sla.MaxCaseBytes, slatest.MaxSuiteBytes, calendar.MaxScheduleBytes, calendar.MaxNoticeBytes),
// so the CLI refuses exactly what the library would.
const (
	// maxLine bounds one line of a JSON-lines file (classify, diff and report --cases): a
	// corpus line is a few hundred bytes, a case with a thousand events about 150 KiB.
	maxLine = 1 << 20
	// maxBadLines is how many bad lines a JSON-lines run skips before it stops: past that
	// the file is most likely not what the command expects.
	maxBadLines = 100
)

// sizeText renders a limit for messages: "4 MiB", "512 KiB", "100 bytes".
func sizeText(n int) string { return boundedio.SizeText(int64(n)) }

// readFileLimited reads the named file ("-" = stdin when e is not nil) with a size limit and
// returns its bytes and the name to use in messages. what names the kind of file in the
// error ("policy file"); too large is a *boundedio.TooLargeError.
func readFileLimited(e *env, path, what string, limit int) ([]byte, string, error) {
	if path == "-" && e != nil {
		data, err := boundedio.ReadAll(e.stdin, "<stdin>", int64(limit), what)
		return data, "<stdin>", err
	}
	data, err := boundedio.ReadFile(path, int64(limit), what)
	return data, path, err
}

// readPolicy loads a policy file, read with its size limit, through sla.ParsePolicy.
func readPolicy(path string) (*sla.Policy, error) {
	data, _, err := readFileLimited(nil, path, "policy file", sla.MaxPolicyBytes)
	if err != nil {
		return nil, err
	}
	return sla.ParsePolicy(path, data)
}

// readExpectations loads an expectations file, read with its size limit.
func readExpectations(path string) (*slatest.Expectations, error) {
	data, _, err := readFileLimited(nil, path, "expectations file", slatest.MaxSuiteBytes)
	if err != nil {
		return nil, err
	}
	return slatest.ParseExpectations(path, data)
}

// runSuiteFile runs the suite file at path, read with its size limit. With p nil the policy
// the suite names is loaded by package slatest, relative to path.
func runSuiteFile(path string, p *sla.Policy) (*slatest.Result, error) {
	data, _, err := readFileLimited(nil, path, "suite file", slatest.MaxSuiteBytes)
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
