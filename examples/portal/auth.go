package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Role is what a token may do. The role → route table is in Server.Handler and README.md.
type Role string

// Roles.
const (
	// RoleClerk records cases: POST /cases, POST /cases/{id}/events, GET /cases/{id}, GET /policy.
	RoleClerk Role = "clerk"
	// RoleSupervisor oversees: GET /cases/{id}, GET /report, GET /policy, GET /policy/history.
	// It cannot change a case or the policy.
	RoleSupervisor Role = "supervisor"
	// RoleAdmin may do everything, including POST /policy: the one role a portal started
	// without a token file needs to be usable.
	RoleAdmin Role = "admin"
)

func (r Role) valid() bool { return r == RoleClerk || r == RoleSupervisor || r == RoleAdmin }

// MinTokenLength is the shortest token accepted, in bytes: 32 characters of the token alphabet
// carry at least 190 bits when drawn at random (GenerateToken draws 256).
const MinTokenLength = 32

// maxTokenFile bounds a token file, in bytes; it is read through this limit.
const maxTokenFile = 1 << 20

// Token is one bearer token: its secret, the role it grants and the name that audit records
// (the policy history) show for whoever used it.
type Token struct {
	Role   Role
	Name   string
	Secret string
}

// Tokens is the set of tokens a Server accepts. It keeps only SHA-256 sums of the secrets and
// compares them in constant time. Immutable; safe for concurrent use.
type Tokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	role Role
	name string
	sum  [sha256.Size]byte
}

// NewTokens checks and collects tokens: a known role, a name of printable characters without
// spaces, a secret of at least MinTokenLength characters from the token alphabet (letters,
// digits and - . _ ~ + / =), no secret or name given twice.
func NewTokens(tokens ...Token) (*Tokens, error) {
	if len(tokens) == 0 {
		return nil, errors.New("portal: no tokens: at least one is needed")
	}
	out := &Tokens{}
	names := map[string]bool{}
	sums := map[[sha256.Size]byte]bool{}
	for i, t := range tokens {
		if err := checkToken(t); err != nil {
			return nil, fmt.Errorf("portal: token %d: %w", i+1, err)
		}
		sum := sha256.Sum256([]byte(t.Secret))
		if names[t.Name] {
			return nil, fmt.Errorf("portal: token %d: the name %q is given twice; names must tell tokens apart in the audit", i+1, t.Name)
		}
		if sums[sum] {
			return nil, fmt.Errorf("portal: token %d (%s): the same secret is given twice", i+1, t.Name)
		}
		names[t.Name], sums[sum] = true, true
		out.entries = append(out.entries, tokenEntry{role: t.Role, name: t.Name, sum: sum})
	}
	return out, nil
}

func checkToken(t Token) error {
	switch {
	case !t.Role.valid():
		return fmt.Errorf("role %q is not clerk, supervisor or admin", t.Role)
	case t.Name == "":
		return errors.New("the name is empty")
	case len(t.Name) > 100:
		return errors.New("the name is longer than 100 bytes")
	case !utf8.ValidString(t.Name):
		return errors.New("the name is not valid UTF-8")
	case strings.IndexFunc(t.Name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return fmt.Errorf("the name %q contains spaces or unprintable characters", t.Name)
	case len(t.Secret) < MinTokenLength:
		return fmt.Errorf("the secret of %s is %d characters; at least %d are required (make one with `openssl rand -base64 32`)", t.Name, len(t.Secret), MinTokenLength)
	case len(t.Secret) > 512:
		return fmt.Errorf("the secret of %s is longer than 512 characters", t.Name)
	case strings.IndexFunc(t.Secret, func(r rune) bool { return !isTokenChar(r) }) >= 0:
		return fmt.Errorf("the secret of %s has a character outside letters, digits and - . _ ~ + / =", t.Name)
	}
	return nil
}

// isTokenChar: the token68 alphabet of RFC 6750 (bearer tokens), which base64 and base64url
// output fit.
func isTokenChar(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/=", r))
}

// ParseTokens reads a token file: one token per line, `ROLE NAME SECRET` separated by spaces or
// tabs; blank lines and lines starting with # are ignored. name is used in error messages
// (file:line). The input is read through a 1 MiB limit.
func ParseTokens(name string, r io.Reader) (*Tokens, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTokenFile+1))
	if err != nil {
		return nil, fmt.Errorf("portal: reading %s: %w", name, err)
	}
	if len(data) > maxTokenFile {
		return nil, fmt.Errorf("portal: %s is larger than %d bytes", name, maxTokenFile)
	}
	var tokens []Token
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxTokenFile)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 3 {
			return nil, fmt.Errorf("portal: %s:%d: want `ROLE NAME SECRET`, got %d fields", name, line, len(f))
		}
		t := Token{Role: Role(f[0]), Name: f[1], Secret: f[2]}
		if err := checkToken(t); err != nil {
			return nil, fmt.Errorf("portal: %s:%d: %w", name, line, err)
		}
		tokens = append(tokens, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("portal: reading %s: %w", name, err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("portal: %s holds no token", name)
	}
	t, err := NewTokens(tokens...)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, name)
	}
	return t, nil
}

// LoadTokens reads the token file at path (see ParseTokens). A file that its group or other
// users may read earns a warning on warn, since anyone who can read it can act as every token
// in it; it is still loaded (some deployments grant a service group on purpose).
func LoadTokens(path string, warn io.Writer) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("portal: token file: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(warn, "portal: warning: token file %s has mode %v: users other than the owner may read it (chmod 600 %s)\n", path, fi.Mode().Perm(), path)
	}
	return ParseTokens(path, f)
}

// GenerateToken returns a new random secret: 32 bytes from crypto/rand, base64url without
// padding (43 characters).
func GenerateToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("portal: generating a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// identity is who made a request.
type identity struct {
	name string
	role Role
}

// lookup finds the token whose secret is presented. Every entry is compared (no early exit) on
// SHA-256 sums of equal length, so neither the time taken nor its variation tells how much of
// a guess was right or how long a real secret is.
func (t *Tokens) lookup(secret string) (identity, bool) {
	sum := sha256.Sum256([]byte(secret))
	found := -1
	for i := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], t.entries[i].sum[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return identity{}, false
	}
	return identity{name: t.entries[found].name, role: t.entries[found].role}, true
}

// bearer extracts the token of an `Authorization: Bearer …` header ("" when absent or of
// another scheme). The scheme is case-insensitive (RFC 7235).
func bearer(header string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
