package registry

import (
	"context"
	"strings"
	"unicode/utf8"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/errs"
)

const chainCols = `id, name, sort_order, active, created_at, updated_at`

func scanChain(sc interface{ Scan(...any) error }) (*Chain, error) {
	var c Chain
	if err := sc.Scan(&c.ID, &c.Name, &c.SortOrder, &c.Active, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Service) queryChains(ctx context.Context, q Querier, where string, args ...any) ([]Chain, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+chainCols+` FROM industrial_chains `+where+` ORDER BY sort_order, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Chain{}
	for rows.Next() {
		c, err := scanChain(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Chains returns the active industrial chains in display order (for other
// modules' pickers and imports; no permission needed).
func (s *Service) Chains(ctx context.Context) ([]Chain, error) {
	return s.queryChains(ctx, s.DB.R, `WHERE active = TRUE`)
}

// ChainByName finds a chain, active or not, by its exact name (trimmed);
// nil, nil when there is none.
func (s *Service) ChainByName(ctx context.Context, name string) (*Chain, error) {
	c, err := scanChain(s.DB.R.QueryRowContext(ctx, `SELECT `+chainCols+` FROM industrial_chains WHERE name = $1`,
		strings.TrimSpace(name)))
	if isNoRows(err) {
		return nil, nil
	}
	return c, err
}

// ChainByID finds a chain, active or not; nil, nil when there is none.
func (s *Service) ChainByID(ctx context.Context, id int64) (*Chain, error) {
	c, err := scanChain(s.DB.R.QueryRowContext(ctx, `SELECT `+chainCols+` FROM industrial_chains WHERE id = $1`, id))
	if isNoRows(err) {
		return nil, nil
	}
	return c, err
}

// ListChains lists the chains for a signed-in user; all (managers only)
// includes the deactivated ones.
func (s *Service) ListChains(ctx context.Context, a *auth.Actor, all bool) ([]Chain, error) {
	if a == nil {
		return nil, errs.New(errs.Unauthenticated, "请先登录", "please sign in")
	}
	if all {
		if err := auth.Require(a, auth.ManageChains); err != nil {
			return nil, err
		}
		return s.queryChains(ctx, s.DB.R, ``)
	}
	return s.Chains(ctx)
}

var chainNotFound = errs.NotFoundf("产业链", "industrial chain")

func (in ChainInput) apply(c *Chain, f errs.Fields) {
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if n := utf8.RuneCountInString(c.Name); n == 0 || n > 30 {
		f.Add("name", "产业链名称不能为空，且不超过30个字", "name is required, at most 30 characters")
	}
	if in.SortOrder != nil {
		c.SortOrder = *in.SortOrder
	}
	if c.SortOrder < 0 || c.SortOrder > 99999 {
		f.Add("sort_order", "排序应为0到99999", "sort_order must be 0 to 99999")
	}
	if in.Active != nil {
		c.Active = *in.Active
	}
}

// nameTaken adds a field error when another chain has c's name.
func nameTaken(ctx context.Context, w *audit.W, c *Chain, f errs.Fields) error {
	var n int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM industrial_chains WHERE name = $1 AND id <> $2`, c.Name, c.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		f.Add("name", "产业链“"+c.Name+"”已存在", "the chain "+c.Name+" exists already")
	}
	return nil
}

// CreateChain adds a chain (admin, supervisor); without a sort order it
// goes last.
func (s *Service) CreateChain(ctx context.Context, a *auth.Actor, in ChainInput) (*Chain, error) {
	if err := auth.Require(a, auth.ManageChains); err != nil {
		return nil, err
	}
	c := &Chain{Active: true}
	f := errs.Fields{}
	in.apply(c, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := nameTaken(ctx, w, c, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if in.SortOrder == nil {
			if err := w.QueryRowContext(ctx, `SELECT COALESCE(MAX(sort_order), 0) + 10 FROM industrial_chains`).Scan(&c.SortOrder); err != nil {
				return err
			}
		}
		c.CreatedAt, c.UpdatedAt = w.Now(), w.Now()
		if err := w.QueryRowContext(ctx, `INSERT INTO industrial_chains (name, sort_order, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Name, c.SortOrder, c.Active, c.CreatedAt, c.UpdatedAt).Scan(&c.ID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "chain.create", ObjectType: "industrial_chain", ObjectID: idStr(c.ID),
			Summary: "新建产业链“" + c.Name + "”", After: c})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateChain renames, reorders, deactivates or reactivates a chain
// (admin, supervisor). Rows of other modules keep pointing at it.
func (s *Service) UpdateChain(ctx context.Context, a *auth.Actor, id int64, in ChainInput) (*Chain, error) {
	if err := auth.Require(a, auth.ManageChains); err != nil {
		return nil, err
	}
	var c *Chain
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		old, err := scanChain(w.QueryRowContext(ctx, `SELECT `+chainCols+` FROM industrial_chains WHERE id = $1`, id))
		if isNoRows(err) {
			return chainNotFound
		}
		if err != nil {
			return err
		}
		cp := *old
		c = &cp
		f := errs.Fields{}
		in.apply(c, f)
		if err := nameTaken(ctx, w, c, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if *c == *old {
			return w.Record(audit.Entry{Action: "chain.update", ObjectType: "industrial_chain", ObjectID: idStr(id),
				Summary: "保存产业链“" + c.Name + "”（无变化）"})
		}
		c.UpdatedAt = w.Now()
		if _, err := w.ExecContext(ctx, `UPDATE industrial_chains SET name = $1, sort_order = $2, active = $3, updated_at = $4
			WHERE id = $5`, c.Name, c.SortOrder, c.Active, c.UpdatedAt, id); err != nil {
			return err
		}
		summary := "修改产业链“" + c.Name + "”"
		switch {
		case old.Active && !c.Active:
			summary = "停用产业链“" + c.Name + "”"
		case !old.Active && c.Active:
			summary = "启用产业链“" + c.Name + "”"
		case old.Name != c.Name:
			summary = "产业链“" + old.Name + "”更名为“" + c.Name + "”"
		}
		return w.Record(audit.Entry{Action: "chain.update", ObjectType: "industrial_chain", ObjectID: idStr(id),
			Summary: summary, Before: old, After: c})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
