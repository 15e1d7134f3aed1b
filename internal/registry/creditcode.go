package registry

import (
	"strings"
	"unicode"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18
// characters from a 31-character alphabet (digits and capitals without
// I, O, Z, S and V):
//
//	1     registration authority (登记管理部门): 1 机构编制, 5 民政, 9 工商, Y 其他 …
//	2     organisation type within that authority (9 1 = 企业, 9 2 = 个体工商户 …)
//	3–8   administrative division code (行政区划码), digits
//	9–17  organisation code (主体标识码)
//	18    check character over the first 17 (weights 3^i mod 31)
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditTypes lists, per registration authority, its organisation types.
var creditTypes = map[byte]string{
	'1': "1239", // 机构编制: 机关, 事业单位, 群众团体, 其他
	'2': "19",   // 外交
	'3': "123459",
	'4': "19", // 文化
	'5': "1239",
	'6': "129",
	'7': "129",
	'8': "19",
	'9': "123", // 工商: 企业, 个体工商户, 农民专业合作社
	'A': "19",
	'N': "1239",
	'Y': "1",
}

// AuthorityNames names the registration authorities.
var AuthorityNames = map[byte]string{
	'1': "机构编制", '2': "外交", '3': "司法行政", '4': "文化", '5': "民政", '6': "旅游", '7': "宗教",
	'8': "工会", '9': "工商", 'A': "中央军委改革和编制办公室", 'N': "农业", 'Y': "其他",
}

func creditValue(c byte) int { return strings.IndexByte(creditAlphabet, c) }

// CreditCheckChar computes the 18th character for the first 17 characters
// of a code; ok is false when body is not 17 characters of the alphabet.
func CreditCheckChar(body string) (c byte, ok bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := creditValue(body[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31], true
}

// NormalizeCreditCode cleans a code as people type or paste it: full-width
// characters become half-width, spaces (also full-width and non-breaking)
// and hyphens go, letters become capitals.
func NormalizeCreditCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～': // U+FF01..FF5E: full-width ASCII
			r -= 0xFEE0
		case r == '\u3000':
			continue
		}
		if unicode.IsSpace(r) || r == '-' || r == '\u00a0' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// CreditCodeProblem explains what is wrong with a normalised code, in
// Chinese and English, or returns empty strings when the code is valid.
func CreditCodeProblem(s string) (zh, en string) {
	if len(s) != 18 {
		return "统一社会信用代码应为18位", "the unified social credit code must have 18 characters"
	}
	for i := 0; i < 18; i++ {
		if creditValue(s[i]) < 0 {
			return "统一社会信用代码含有无效字符“" + string(s[i]) + "”（不使用I、O、Z、S、V）",
				"the unified social credit code contains an invalid character " + string(s[i])
		}
	}
	types, ok := creditTypes[s[0]]
	if !ok {
		return "统一社会信用代码第1位（登记管理部门代码）不正确", "the registration authority (1st character) is not valid"
	}
	if !strings.ContainsRune(types, rune(s[1])) {
		return "统一社会信用代码第2位（机构类别代码）不正确", "the organisation type (2nd character) is not valid"
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "统一社会信用代码第3至8位（行政区划码）应为数字", "characters 3 to 8 (the division code) must be digits"
		}
	}
	if c, _ := CreditCheckChar(s[:17]); c != s[17] {
		return "统一社会信用代码校验位不正确", "the check character of the unified social credit code is wrong"
	}
	return "", ""
}

// ValidCreditCode tells whether s (normalised first) is a valid unified
// social credit code.
func ValidCreditCode(s string) bool {
	zh, _ := CreditCodeProblem(NormalizeCreditCode(s))
	return zh == ""
}

// MakeCreditCode completes a 17-character body with its check character,
// for demo data and tests; it returns "" for an invalid body.
func MakeCreditCode(body string) string {
	c, ok := CreditCheckChar(body)
	if !ok {
		return ""
	}
	return body + string(c)
}
