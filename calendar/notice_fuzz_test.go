package calendar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseNotice: whatever the text, ParseNotice never panics; it returns
// either a notice whose schedule the calendar accepts, or a *NoticeError
// positioned inside the text.
func FuzzParseNotice(f *testing.F) {
	files, _ := filepath.Glob("testdata/notices/*.txt")
	variants, _ := filepath.Glob("testdata/notices/variants/*.txt")
	for _, p := range append(files, variants...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		// Broken variants: cut short, a date made impossible, a range reversed.
		f.Add(b[:len(b)/2])
		f.Add(bytes.Replace(b, []byte("10月1日"), []byte("0月1日"), 1))
		f.Add(bytes.Replace(b, []byte("至7日"), []byte("至1日"), 1))
		f.Add(bytes.Replace(b, []byte("星期六"), []byte("星期一"), 1))
	}
	f.Add([]byte(""))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("国务院办公厅关于2019年部分节假日安排的通知\n一、元旦:(((((((\n"))
	f.Add([]byte("国务院办公厅关于2019年部分节假日安排的通知\n一、元旦:99999999999999999999月1日放假。\n"))
	f.Add([]byte("国务院办公厅关于2019年部分节假日安排的通知\n一、元旦:1月1日至12月31日放假。\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		n, err := ParseNotice("f.txt", text)
		if err != nil {
			var ne *NoticeError
			if !errors.As(err, &ne) {
				t.Fatalf("error is not a *NoticeError: %v", err)
			}
			lines := bytes.Count(text, []byte("\n")) + 1
			if ne.Line < 1 || ne.Column < 1 || ne.Line > lines {
				t.Fatalf("error position %d:%d outside the text (%d lines): %v", ne.Line, ne.Column, lines, err)
			}
			return
		}
		if len(n.Items) == 0 {
			t.Fatalf("a notice without items was accepted")
		}
		if _, err := New(WithSchedule(n.Schedule())); err != nil {
			t.Fatalf("the calendar refuses the notice's schedule: %v", err)
		}
	})
}
