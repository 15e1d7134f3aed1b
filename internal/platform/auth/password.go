package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/crypto/argon2"

	"diaodu/internal/platform/errs"
)

// Argon2Params are the argon2id costs. Production uses Default (about
// 160 ms a hash on the reference machine); tests lower them.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// HashParams is what new hashes use; existing hashes carry their own.
var HashParams = Argon2Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// HashPassword returns a PHC-style argon2id hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := HashParams
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword tells whether pw matches hash, in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so an unknown
// name costs as long as a wrong password and timing tells nothing.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not-a-password")
	return h
})

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(pw string) { CheckPassword(dummyHash(), pw) }

// CheckPolicy enforces the password policy: at least 8 characters and 3 of
// upper case, lower case, digits and symbols.
func CheckPolicy(pw string) error {
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r) || r == ' ':
			symbol = true
		}
	}
	kinds := 0
	for _, b := range []bool{upper, lower, digit, symbol} {
		if b {
			kinds++
		}
	}
	if len([]rune(pw)) < 8 || kinds < 3 {
		return errs.New(errs.Validation,
			"密码至少8位，并包含大写字母、小写字母、数字、符号中的至少3种",
			"the password needs at least 8 characters and 3 of: upper case, lower case, digits, symbols")
	}
	if len(pw) > 128 {
		return errs.New(errs.Validation, "密码不能超过128个字符", "the password may not exceed 128 characters")
	}
	return nil
}

// GeneratePassword makes a random password that meets the policy, easy to
// read aloud (no 0/O, 1/l/I).
func GeneratePassword() string {
	const (
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower  = "abcdefghijkmnpqrstuvwxyz"
		digits = "23456789"
		sym    = "@#%+=?"
	)
	sets := []string{upper, lower, lower, lower, digits, digits, digits, sym, upper, lower}
	b := make([]byte, len(sets))
	r := make([]byte, len(sets))
	_, _ = rand.Read(r)
	for i, s := range sets {
		b[i] = s[int(r[i])%len(s)]
	}
	return string(b)
}

// RandomToken returns n random bytes, URL-safe base64.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
