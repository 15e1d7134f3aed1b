package safety

import (
	"context"
	"fmt"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

const profileCols = `p.passenger_buses, p.charter_buses, p.rural_buses, p.hazmat_trucks, p.rides, p.special_equipment, p.max_visitors,
	p.note, COALESCE(u.real_name, ''), p.updated_at`

// profile reads an enterprise's profile (zero when never recorded).
func (s *Service) profile(ctx context.Context, q querier, id int64) (Profile, error) {
	var p Profile
	err := q.QueryRowContext(ctx, `SELECT `+profileCols+` FROM safety_profiles p LEFT JOIN users u ON u.id = p.updated_by
		WHERE p.enterprise_id = $1`, id).Scan(&p.PassengerBuses, &p.CharterBuses, &p.RuralBuses, &p.HazmatTrucks, &p.Rides,
		&p.SpecialEquipment, &p.MaxVisitors, &p.Note, &p.UpdatedBy, &p.UpdatedAt)
	if isNoRows(err) {
		return Profile{}, nil
	}
	return p, err
}

// PutProfile records an enterprise's vehicles, rides, special equipment
// and capacity; inspectors do it on site, in their scope.
func (s *Service) PutProfile(ctx context.Context, a *auth.Actor, id int64, in Profile) (*Profile, error) {
	if err := auth.Require(a, auth.ViewSafety); err != nil {
		return nil, err
	}
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		e, err := s.Registry.EnterpriseByID(ctx, w, id)
		if err != nil {
			return err
		}
		if e == nil {
			return errs.NotFoundf("企业", "enterprise")
		}
		if err := require(a, auth.InspectSafety, e.TownPath, e.SupervisingPath, errs.NotFoundf("企业", "enterprise")); err != nil {
			return err
		}
		f := errs.Fields{}
		for _, c := range []struct {
			field, name string
			v           int
		}{{"passenger_buses", "班线客车", in.PassengerBuses}, {"charter_buses", "旅游包车", in.CharterBuses},
			{"rural_buses", "农村客运车辆", in.RuralBuses}, {"hazmat_trucks", "危险货物运输车辆", in.HazmatTrucks},
			{"rides", "大型游乐设施", in.Rides}, {"special_equipment", "特种设备", in.SpecialEquipment}, {"max_visitors", "最大承载量", in.MaxVisitors}} {
			if c.v < 0 || c.v > 1_000_000 {
				f.Add(c.field, fmt.Sprintf("%s数量应为0到1000000", c.name), c.field+" must be 0 to 1,000,000")
			}
		}
		in.Note = text(f, "note", "备注", in.Note, 0, 1000)
		if err := f.Err(); err != nil {
			return err
		}
		before, err := s.profile(ctx, w, id)
		if err != nil {
			return err
		}
		if _, err := w.ExecContext(ctx, `INSERT INTO safety_profiles (enterprise_id, passenger_buses, charter_buses, rural_buses, hazmat_trucks,
			rides, special_equipment, max_visitors, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (enterprise_id) DO UPDATE SET passenger_buses = $2, charter_buses = $3, rural_buses = $4, hazmat_trucks = $5,
			rides = $6, special_equipment = $7, max_visitors = $8, note = $9, updated_by = $10, updated_at = $11`,
			id, in.PassengerBuses, in.CharterBuses, in.RuralBuses, in.HazmatTrucks, in.Rides, in.SpecialEquipment, in.MaxVisitors,
			in.Note, db.NullID(a.UserID), w.Now()); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "safety.profile", ObjectType: "enterprise", ObjectID: idStr(id), UnitID: ownerUnit(e, a),
			Summary: "更新企业安全生产信息（车辆、游乐设施、特种设备、承载量）：" + e.Name, Before: before, After: in})
	})
	if err != nil {
		return nil, err
	}
	p, err := s.profile(ctx, s.DB.Read, id)
	return &p, err
}
