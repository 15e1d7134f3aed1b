package invest

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Funnel counts the leads in scope by stage, chain and light in one pass
// over the scope index, and sums their planned investment.
func (s *Service) Funnel(ctx context.Context, a *auth.Actor, f FunnelFilter) (*Funnel, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	var args db.Args
	scope, sargs := a.ScopeFilter("team_path", 1)
	args = append(args, sargs...)
	conds := []string{scope}
	if f.ChainID != 0 {
		conds = append(conds, "chain_id = "+args.Add(f.ChainID))
	}
	if f.TeamID != 0 {
		conds = append(conds, "team_id = "+args.Add(f.TeamID))
	}
	if f.Quality != "" {
		q := strings.ToUpper(f.Quality)
		if q != "A" && q != "B" && q != "C" {
			fe := errs.Fields{}
			fe.Add("quality", "信息质量应为A、B或C", "quality must be A, B or C")
			return nil, fe.Err()
		}
		conds = append(conds, "quality = "+args.Add(q))
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT chain_id, stage_rank, light, COUNT(*), COALESCE(SUM(planned_amount), 0)
		FROM invest_leads WHERE `+strings.Join(conds, " AND ")+` GROUP BY chain_id, stage_rank, light`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &Funnel{Stages: make([]FunnelStage, len(Stages)), Chains: []ChainRow{}, Lights: map[string]int{LightGreen: 0, LightYellow: 0, LightRed: 0}}
	for i, st := range Stages {
		out.Stages[i].Stage = st.Code
	}
	chains := map[int64]*ChainRow{}
	signedRank := StageRank(StageSigned)
	for rows.Next() {
		var chain sql.NullInt64
		var rank, n int
		var light string
		var amt int64
		if err := rows.Scan(&chain, &rank, &light, &n, &amt); err != nil {
			return nil, err
		}
		if rank < 0 || rank >= len(Stages) {
			continue
		}
		out.Stages[rank].Count += n
		out.Stages[rank].Amount += amt
		out.Total += n
		out.Amount += amt
		if light != LightNone {
			out.Lights[light] += n
		}
		c := chains[chain.Int64]
		if c == nil {
			c = &ChainRow{ByStage: map[string]int{}}
			if chain.Valid {
				c.Chain = &Ref{ID: chain.Int64}
			}
			for _, st := range Stages {
				c.ByStage[st.Code] = 0
			}
			chains[chain.Int64] = c
		}
		c.Total += n
		c.Amount += amt
		c.ByStage[Stages[rank].Code] += n
		if rank >= signedRank {
			c.Signed += n
			c.SignedAmount += amt
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reached := 0
	for i := len(out.Stages) - 1; i >= 0; i-- {
		reached += out.Stages[i].Count
		out.Stages[i].Reached = reached
	}
	// Chain names and order from the registry.
	order := map[int64]int{}
	crow, err := s.DB.Read.QueryContext(ctx, `SELECT id, name, sort_order FROM industrial_chains`)
	if err != nil {
		return nil, err
	}
	defer crow.Close()
	names := map[int64]string{}
	for crow.Next() {
		var id int64
		var name string
		var so int
		if err := crow.Scan(&id, &name, &so); err != nil {
			return nil, err
		}
		names[id], order[id] = name, so
	}
	for id, c := range chains {
		if c.Chain != nil {
			c.Chain.Name = names[id]
		}
		out.Chains = append(out.Chains, *c)
	}
	sort.Slice(out.Chains, func(i, j int) bool {
		a, b := out.Chains[i].Chain, out.Chains[j].Chain
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		case order[a.ID] != order[b.ID]:
			return order[a.ID] < order[b.ID]
		}
		return a.ID < b.ID
	})
	return out, crow.Err()
}

// Chains lists the active industrial chains to pick from.
func (s *Service) Chains(ctx context.Context, a *auth.Actor) ([]Ref, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	return s.refs(ctx, `SELECT id, name FROM industrial_chains WHERE active ORDER BY sort_order, id`)
}

// TeamRef is a unit leads or targets can belong to.
type TeamRef struct {
	Ref
	Kind string `json:"kind"`
}

// Teams lists the investment teams and towns in scope (teams first).
func (s *Service) Teams(ctx context.Context, a *auth.Actor) ([]TeamRef, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	scope, args := a.ScopeFilter("path", 1)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, name, kind FROM units WHERE active AND kind IN ('taskforce', 'town') AND `+scope+`
		ORDER BY CASE kind WHEN 'taskforce' THEN 0 ELSE 1 END, sort_order, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TeamRef{}
	for rows.Next() {
		var t TeamRef
		if err := rows.Scan(&t.ID, &t.Name, &t.Kind); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Towns lists every active town: a lead may land in any of them, whoever
// owns it.
func (s *Service) Towns(ctx context.Context, a *auth.Actor) ([]Ref, error) {
	if err := auth.Require(a, auth.ViewInvest); err != nil {
		return nil, err
	}
	return s.refs(ctx, `SELECT id, name FROM units WHERE active AND kind = 'town' ORDER BY sort_order, id`)
}

func (s *Service) refs(ctx context.Context, q string, args ...any) ([]Ref, error) {
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Ref{}
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
