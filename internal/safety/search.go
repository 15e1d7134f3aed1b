package safety

import (
	"context"
	"strconv"
	"strings"

	"diaodu/internal/platform/db"
	"diaodu/internal/platform/textsearch"
)

// The ledger's text search (see package textsearch): each hazard keeps the
// character pairs of its description and notice number in `grams`
// (migrations 0020–0022), and the enterprise is matched by name (the whole
// query) through the small enterprises table.
var hazardText = textsearch.Table{Alias: "h", FTS: "safety_hazard_search", Cols: []string{"description", "notice_number"}}

// searchGrams is the value of safety_hazards.grams for these texts.
func searchGrams(description, notice string) string { return textsearch.Grams(description, notice) }

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
// every word of q.
func searchCond(q string, named []int64, dialect db.Dialect, args *db.Args) string {
	text := hazardText.Cond(q, dialect, args)
	if len(named) == 0 {
		return text
	}
	ids := make([]string, len(named))
	for i, id := range named {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return "(h.enterprise_id IN (" + strings.Join(ids, ", ") + ") OR " + text + ")"
}

// BackfillSearch fills the pairs of hazards written before migration 0020
// (grams IS NULL); at start, a no-op once done.
func (s *Service) BackfillSearch(ctx context.Context) (int, error) {
	return textsearch.Backfill(ctx, s.DB, "safety_hazards", hazardText.Cols)
}
