package safety

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"diaodu/internal/platform/db"
)

// The ledger's text search. Chinese has no spaces to split words on, and a
// scan of 100,000 descriptions with LIKE took 80–90 ms on both databases,
// so each hazard keeps the character pairs (bigrams) of its description and
// notice number in `grams`, lowered, space-separated: "消防通道" is stored as
// "消防 防通 通道". A search looks the query's pairs up in an index (FTS5 on
// SQLite, GIN on PostgreSQL; migrations 0020–0022) and checks the few rows
// found with LIKE, so the answer is exactly "contains the query".
//
// A query of one character has no pair: it scans, as before. Words apart
// must each be in the text. Enterprises are matched by name (the whole
// query) through the small enterprises table.

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

// searchGrams is the value of safety_hazards.grams for these texts.
func searchGrams(texts ...string) string {
	var out []string
	for _, t := range texts {
		for _, w := range words(t) {
			out = pairs(out, w)
		}
	}
	return strings.Join(out, " ")
}

// enterprisesNamed lists the enterprises whose name holds q: a few hundred
// rows, read before the ledger's query so that both databases can use the
// hazards' enterprise index next to the pair index (an IN subquery inside
// an OR keeps PostgreSQL from combining the two).
func (s *Service) enterprisesNamed(ctx context.Context, q string) ([]int64, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	return db.IDs(ctx, s.DB.Read, `SELECT id FROM enterprises WHERE LOWER(name) LIKE $1 ESCAPE '\'`, db.Like(q))
}

// searchCond is the ledger's condition for a text search: the hazard's
// enterprise is one of named, or its description or notice number holds
// every word of q, found through the pair index and checked with LIKE.
func searchCond(q string, named []int64, dialect db.Dialect, args *db.Args) string {
	lower := func(col string) string { return col }
	if dialect == db.Postgres {
		// SQLite's LIKE ignores ASCII case already; PostgreSQL's does not.
		lower = func(col string) string { return "LOWER(" + col + ")" }
	}
	// Words apart ("电线 接地") must each be in the text, in any order.
	var check, phrases, all []string
	for _, term := range strings.Fields(q) {
		ws := words(term)
		// On SQLite a phrase of a single word's pairs is exact: consecutive
		// pairs within one word of the text. Anything else is checked.
		if exact := dialect == db.SQLite && len(ws) == 1 && len(ws[0]) > 1 && string(ws[0]) == strings.ToLower(term); !exact {
			like := args.Add(db.Like(term))
			check = append(check, `(`+lower("h.description")+` LIKE `+like+` ESCAPE '\' OR `+lower("h.notice_number")+` LIKE `+like+` ESCAPE '\')`)
		}
		for _, w := range ws {
			if p := pairs(nil, w); len(p) > 0 {
				phrases, all = append(phrases, `"`+strings.Join(p, " ")+`"`), append(all, p...)
			}
		}
	}
	if len(all) > 0 {
		if dialect == db.Postgres {
			check = append(check, `string_to_array(h.grams, ' ') @> string_to_array(`+args.Add(strings.Join(all, " "))+`, ' ')`)
		} else {
			check = append(check, `h.id IN (SELECT rowid FROM safety_hazard_search WHERE safety_hazard_search MATCH `+
				args.Add(strings.Join(phrases, " AND "))+`)`)
		}
	}
	text := strings.Join(check, " AND ")
	if len(named) == 0 {
		return "(" + text + ")"
	}
	ids := make([]string, len(named))
	for i, id := range named {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return "(h.enterprise_id IN (" + strings.Join(ids, ", ") + ") OR (" + text + "))"
}

// BackfillSearch fills the pairs of hazards written before migration 0020
// (grams IS NULL); at start, in batches, a no-op once done.
func (s *Service) BackfillSearch(ctx context.Context) (int, error) {
	n := 0
	for {
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, description, notice_number FROM safety_hazards WHERE grams IS NULL LIMIT 1000`)
		if err != nil {
			return n, err
		}
		type todo struct {
			id    int64
			grams string
		}
		var batch []todo
		for rows.Next() {
			var t todo
			var desc, notice string
			if err := rows.Scan(&t.id, &desc, &notice); err != nil {
				rows.Close()
				return n, err
			}
			t.grams = searchGrams(desc, notice)
			batch = append(batch, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(batch) == 0 {
			return n, err
		}
		// Not audited: derived data, no one's decision.
		if err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, t := range batch {
				if _, err := tx.ExecContext(ctx, `UPDATE safety_hazards SET grams = $1 WHERE id = $2`, t.grams, t.id); err != nil {
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
