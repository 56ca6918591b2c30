package slatest

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// caseDecoder decodes corpus lines for one worker. Most corpora are flat — an id, an
// acceptance time and an input object of texts, numbers, booleans and lists of texts — so a
// hand-written scanner handles that shape without reflection, reusing one input map and
// interning the repeated field names and values; anything else (escapes, nested objects,
// unknown keys, invalid JSON) falls back to encoding/json, which also produces the error
// messages. Both paths give the same CorpusCase. Not safe for concurrent use: one per worker.
type caseDecoder struct {
	input  map[string]any
	intern map[string]string
	// boxed holds values already converted to any (a string in an interface, or a whole
	// list by its JSON text), so that a repeated value costs no allocation. The rules never
	// modify their input, so sharing them between cases is safe.
	boxed map[string]any
	// scratch builds the key of a list in boxed without allocating on a hit.
	scratch []byte
}

// The intern and boxed tables are bounded in entries and in the length of what they keep, so
// that a corpus of unique or long texts keeps memory flat: at most maxIntern values of at most
// maxInternBytes each, about 256 KiB of text per table and worker (plus map overhead). Short
// values are the ones that repeat (codes such as causes, categories, channels); a long text is
// usually unique, so caching it would cost memory and save nothing. Once a table is full it
// keeps what it has: the repeated values of a corpus show up within its first lines.
const (
	maxIntern      = 4096
	maxInternBytes = 64
)

func newCaseDecoder() *caseDecoder {
	return &caseDecoder{input: make(map[string]any, 8), intern: make(map[string]string, 256), boxed: make(map[string]any, 256)}
}

// decode fills c from line. c.Input is the decoder's own map, valid until the next call.
func (d *caseDecoder) decode(line []byte, c *CorpusCase) error {
	clear(d.input)
	*c = CorpusCase{}
	if d.fast(line, c) {
		return nil
	}
	clear(d.input)
	*c = CorpusCase{}
	return json.Unmarshal(line, c)
}

func (d *caseDecoder) str(b []byte) string {
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.intern) < maxIntern && len(s) <= maxInternBytes {
		d.intern[s] = s
	}
	return s
}

func (d *caseDecoder) box(b []byte) any {
	if v, ok := d.boxed[string(b)]; ok {
		return v
	}
	var v any = string(b)
	if len(d.boxed) < maxIntern && len(b) <= maxInternBytes {
		d.boxed[string(b)] = v
	}
	return v
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// plainString reads a JSON string without escapes, control characters or invalid UTF-8, the
// cases in which its bytes are its value.
func (s *scanner) plainString() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(v) {
				return nil, false
			}
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return nil, false
}

// number reads a JSON number (strict grammar) as float64, as encoding/json does for any.
func (s *scanner) number() (float64, bool) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return 0, false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return 0, false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	return f, err == nil
}

func (s *scanner) literal(word string) bool {
	s.ws()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

func (d *caseDecoder) fast(line []byte, c *CorpusCase) bool {
	s := scanner{b: line}
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return s.end()
	}
	for {
		key, ok := s.plainString()
		if !ok || !s.eat(':') {
			return false
		}
		switch string(key) {
		case "id":
			v, null, ok := s.nullOrString()
			if !ok {
				return false
			}
			if !null {
				c.ID = string(v)
			}
		case "accepted":
			v, null, ok := s.nullOrString()
			if !ok {
				return false
			}
			if null {
				break
			}
			t, err := time.Parse(time.RFC3339, string(v))
			if err != nil {
				return false
			}
			c.Accepted = t
		case "input":
			if s.peek() == 'n' {
				if !s.literal("null") {
					return false
				}
				c.Input = nil
				break
			}
			if !d.object(&s) {
				return false
			}
			c.Input = d.input
		default:
			return false
		}
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return s.end()
		}
		return false
	}
}

// nullOrString reads null or a plain string. null leaves the field it stands for as it is,
// like encoding/json, so the caller is told which it was.
func (s *scanner) nullOrString() (v []byte, null, ok bool) {
	if s.peek() == 'n' {
		return nil, true, s.literal("null")
	}
	v, ok = s.plainString()
	return v, false, ok
}

func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// object reads a flat input object into d.input.
func (d *caseDecoder) object(s *scanner) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		kb, ok := s.plainString()
		if !ok || !s.eat(':') {
			return false
		}
		key := d.str(kb)
		switch s.peek() {
		case '"':
			v, ok := s.plainString()
			if !ok {
				return false
			}
			d.input[key] = d.box(v)
		case 't':
			if !s.literal("true") {
				return false
			}
			d.input[key] = true
		case 'f':
			if !s.literal("false") {
				return false
			}
			d.input[key] = false
		case 'n':
			if !s.literal("null") {
				return false
			}
			d.input[key] = nil
		case '[':
			start := s.i
			s.i++
			list := []any{}
			if !s.eat(']') {
				for {
					v, ok := s.plainString()
					if !ok {
						return false
					}
					list = append(list, d.str(v))
					if s.eat(',') {
						continue
					}
					if s.eat(']') {
						break
					}
					return false
				}
			}
			// Lists are few and repeated (tags): keep one per distinct JSON text.
			// The NUL prefix keeps list texts apart from string values, which cannot hold a
			// raw control character.
			if s.i-start > maxInternBytes {
				d.input[key] = list // long lists are not cached, like long texts
				break
			}
			d.scratch = append(append(d.scratch[:0], 0), s.b[start:s.i]...)
			if v, ok := d.boxed[string(d.scratch)]; ok {
				d.input[key] = v
				break
			}
			var v any = list
			if len(d.boxed) < maxIntern {
				d.boxed[string(d.scratch)] = v
			}
			d.input[key] = v
		default:
			f, ok := s.number()
			if !ok {
				return false
			}
			d.input[key] = f
		}
		if s.eat(',') {
			continue
		}
		return s.eat('}')
	}
}
