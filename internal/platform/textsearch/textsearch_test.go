package textsearch

import (
	"strings"
	"testing"

	"diaodu/internal/platform/db"
)

func TestGrams(t *testing.T) {
	for in, want := range map[string]string{
		"消防通道":       "消防 防通 通道",
		"LED应急灯":     "le ed d应 应急 急灯",
		"安督〔2026〕1号": "安督 20 02 26 1号",
		"王":          "",
	} {
		if got := Grams(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// A word on SQLite is a phrase of its pairs and needs no LIKE; a term of
// several words ("〔2026〕1号" has punctuation inside), a one-character word
// and PostgreSQL's unordered pairs are checked.
func TestCond(t *testing.T) {
	tb := Table{Alias: "h", FTS: "h_search", Cols: []string{"a", "b"}}
	var args db.Args
	if got := tb.Cond("消防通道", db.SQLite, &args); strings.Contains(got, "LIKE") || len(args) != 1 || args[0] != `"消防 防通 通道"` {
		t.Errorf("one word: %s %v", got, args)
	}
	args = nil
	if got := tb.Cond("电线 接地", db.SQLite, &args); strings.Contains(got, "LIKE") || args[0] != `"电线" AND "接地"` {
		t.Errorf("two words: %s %v", got, args)
	}
	args = nil
	if got := tb.Cond("安督〔2026〕1号", db.SQLite, &args); !strings.Contains(got, "h.b LIKE") || args[1] != `"安督" AND "20 02 26" AND "1号"` {
		t.Errorf("a term of several words: %s %v", got, args)
	}
	args = nil
	if got := tb.Cond("王", db.SQLite, &args); strings.Contains(got, "MATCH") || !strings.Contains(got, "h.a LIKE") {
		t.Errorf("one character: %s %v", got, args)
	}
	args = nil
	if got := tb.Cond("消防通道", db.Postgres, &args); !strings.Contains(got, "LOWER(h.b) LIKE") || args[len(args)-1] != "消防 防通 通道" {
		t.Errorf("postgres: %s %v", got, args)
	}
}
