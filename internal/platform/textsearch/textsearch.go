// Package textsearch finds rows whose text holds a query, through an index,
// on both databases. Chinese has no spaces to split words on, and a LIKE
// scan of a few hundred thousand rows takes a third of a second, so each
// searchable row keeps the character pairs (bigrams) of its texts in a
// `grams` column, lowered and space-separated: "消防通道" is stored as
// "消防 防通 通道". SQLite indexes the column in an external-content FTS5
// table kept by triggers and is asked for the phrase of the query's pairs;
// PostgreSQL keeps a GIN index on the pairs as an array and is asked for
// rows holding all of them. The rows found are checked with LIKE, so the
// answer is exactly "contains the query" (migrations 0020–0022 for hazards,
// 0024–0026 for households show the schema).
//
// Words apart in a query ("电线 接地") must each be in the text, in any
// order. A one-character word has no pair and is checked by LIKE alone,
// which scans.
package textsearch

import (
	"context"
	"strings"
	"unicode"

	"diaodu/internal/platform/db"
)

// words splits lowered text at everything that is not a letter or a digit.
func words(s string) [][]rune {
	var out [][]rune
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		out = append(out, []rune(f))
	}
	return out
}

// pairs appends the bigrams of a word (none for a single character).
func pairs(out []string, w []rune) []string {
	for i := 0; i+1 < len(w); i++ {
		out = append(out, string(w[i:i+2]))
	}
	return out
}

// Grams is the value of a row's grams column for its searchable texts.
func Grams(texts ...string) string {
	var out []string
	for _, t := range texts {
		for _, w := range words(t) {
			out = pairs(out, w)
		}
	}
	return strings.Join(out, " ")
}

// Table says where a search looks: the row alias in the query, its id
// column, the SQLite FTS5 table over its grams, and the text columns the
// grams were made from (checked with LIKE).
type Table struct {
	Alias string   // "h"
	FTS   string   // "safety_hazard_search"
	Cols  []string // "description", "notice_number"
}

// Cond is the condition "the row holds every word of q", with its
// arguments added to args. q must not be blank.
func (t Table) Cond(q string, dialect db.Dialect, args *db.Args) string {
	col := func(c string) string {
		if dialect == db.Postgres {
			// SQLite's LIKE ignores ASCII case already; PostgreSQL's does not.
			return "LOWER(" + t.Alias + "." + c + ")"
		}
		return t.Alias + "." + c
	}
	var check, phrases, all []string
	for _, term := range strings.Fields(q) {
		ws := words(term)
		// On SQLite a phrase of one word's pairs is exact: consecutive pairs
		// within one word of the text. Anything else is checked.
		if exact := dialect == db.SQLite && len(ws) == 1 && len(ws[0]) > 1 && string(ws[0]) == strings.ToLower(term); !exact {
			like := args.Add(db.Like(term))
			ors := make([]string, len(t.Cols))
			for i, c := range t.Cols {
				ors[i] = col(c) + ` LIKE ` + like + ` ESCAPE '\'`
			}
			check = append(check, "("+strings.Join(ors, " OR ")+")")
		}
		for _, w := range ws {
			if p := pairs(nil, w); len(p) > 0 {
				phrases, all = append(phrases, `"`+strings.Join(p, " ")+`"`), append(all, p...)
			}
		}
	}
	if len(all) > 0 {
		if dialect == db.Postgres {
			check = append(check, `string_to_array(`+t.Alias+`.grams, ' ') @> string_to_array(`+args.Add(strings.Join(all, " "))+`, ' ')`)
		} else {
			check = append(check, t.Alias+`.id IN (SELECT rowid FROM `+t.FTS+` WHERE `+t.FTS+` MATCH `+
				args.Add(strings.Join(phrases, " AND "))+`)`)
		}
	}
	return "(" + strings.Join(check, " AND ") + ")"
}

// Backfill fills the grams of rows written before their table had them
// (grams IS NULL), in batches; a no-op once done. table and the columns
// are the Table's, unaliased. Not audited: derived data, no one's decision.
func Backfill(ctx context.Context, d *db.DB, table string, cols []string) (int, error) {
	n := 0
	for {
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = "COALESCE(" + c + ", '')"
		}
		rows, err := d.Read.QueryContext(ctx, `SELECT id, `+strings.Join(sel, ", ")+` FROM `+table+` WHERE grams IS NULL LIMIT 1000`)
		if err != nil {
			return n, err
		}
		type todo struct {
			id    int64
			grams string
		}
		var batch []todo
		for rows.Next() {
			texts := make([]string, len(cols))
			dest := []any{new(int64)}
			for i := range texts {
				dest = append(dest, &texts[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return n, err
			}
			batch = append(batch, todo{*dest[0].(*int64), Grams(texts...)})
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return n, err
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, t := range batch {
				if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET grams = $1 WHERE id = $2`, t.grams, t.id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return n, err
		}
		n += len(batch)
	}
}
