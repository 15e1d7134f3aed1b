package registry

import (
	"fmt"
	"strings"
	"testing"
)

// Real codes, published by their holders, checked by computing.
var realCodes = []string{
	"91350100M000100Y43", // the standard's example
	"91440300708461136T",
	"914403001922038216",
	"911000001000013428",
	"91330100799655058B",
	"91110108551385082Q",
	"12100000400010398P", // 事业单位 (机构编制)
	"11100000000013127D", // 机关
}

func TestRealCodesAreValid(t *testing.T) {
	for _, c := range realCodes {
		if zh, _ := CreditCodeProblem(c); zh != "" {
			t.Errorf("%s: %s", c, zh)
		}
		if !ValidCreditCode(c) {
			t.Errorf("%s: not valid", c)
		}
	}
}

func TestInvalidCodesSayWhy(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"91350100M000100Y44", "校验位不正确"},
		{"91440300708461136X", "校验位不正确"},
		{"91350100M000100Y4", "应为18位"},
		{"91350100M000100Y433", "应为18位"},
		{"", "应为18位"},
		{"91350100M0001I0Y43", "无效字符“I”"},
		{"91350100MO00100Y43", "无效字符“O”"},
		{"91350100M00010SY43", "无效字符“S”"},
		{"01350100M000100Y43", "第1位"}, // 0 is no registration authority
		{"B1350100M000100Y43", "第1位"},
		{"95350100M000100Y43", "第2位"}, // 工商 has types 1, 2, 3 only
		{"Y2350100M000100Y43", "第2位"},
		{"9135A100M000100Y43", "行政区划码"},
	} {
		zh, en := CreditCodeProblem(tc.code)
		if !strings.Contains(zh, tc.want) || en == "" {
			t.Errorf("%q: got %q, want …%s…", tc.code, zh, tc.want)
		}
	}
}

func TestMakeCreditCodeAndEveryCheckChar(t *testing.T) {
	seen := map[byte]bool{}
	for i := 0; i < 2000 && len(seen) < 31; i++ {
		body := fmt.Sprintf("91530102MA%07d", i)
		code := MakeCreditCode(body)
		if !ValidCreditCode(code) {
			t.Fatalf("%s not valid", code)
		}
		seen[code[17]] = true
		// Any other check character is wrong.
		for _, c := range []byte(creditAlphabet) {
			if c != code[17] && ValidCreditCode(body+string(c)) {
				t.Fatalf("%s%c accepted", body, c)
			}
		}
	}
	if len(seen) != 31 {
		t.Errorf("check characters seen: %d of 31", len(seen))
	}
	if MakeCreditCode("short") != "" || MakeCreditCode("91530102MA000000I") != "" {
		t.Error("bad bodies must give empty codes")
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	for in, want := range map[string]string{
		" 91350100m000100y43 ": "91350100M000100Y43",
		"９１３５０１００Ｍ０００１００Ｙ４３":             "91350100M000100Y43",
		"9135 0100-M000 100Y43":          "91350100M000100Y43",
		"\u3000913501００M000100Y43\u00a0": "91350100M000100Y43",
		"nb00000012":                     "NB00000012",
	} {
		if got := NormalizeCreditCode(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	if !ValidCreditCode("９１３５０１００ｍ０００１００ｙ４３") {
		t.Error("full-width lower-case code should be valid after normalising")
	}
}

func FuzzCreditCode(f *testing.F) {
	for _, c := range realCodes {
		f.Add(c)
	}
	f.Add("９１３５")
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCreditCode(s)
		if ValidCreditCode(s) != (len(n) == 18 && MakeCreditCode(n[:17]) == n && func() bool { zh, _ := CreditCodeProblem(n); return zh == "" }()) {
			t.Fatalf("inconsistent for %q", s)
		}
	})
}
