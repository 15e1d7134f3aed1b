package patrol

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"diaodu/internal/platform/audit"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/calendar"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

// Point is one position of a patroller's phone (or of a GPX track).
type Point struct {
	At       time.Time `json:"at"`
	Lat      float64   `json:"lat"`
	Lng      float64   `json:"lng"`
	Accuracy *float64  `json:"accuracy,omitempty"` // metres
}

// Photo is a stored picture.
type Photo struct {
	ID       int64  `json:"id"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url,omitempty"`
}

// Finding kinds.
var FindingKinds = map[string]string{
	"fire_source":    "火源隐患",
	"open_burning":   "野外用火（烧荒、烧秸秆）",
	"grave_sweeping": "祭扫用火隐患",
	"other":          "其他",
}

// Finding is what a patrol found.
type Finding struct {
	ID        int64     `json:"id"`
	PatrolID  int64     `json:"patrol_id"`
	Kind      string    `json:"kind"`
	KindName  string    `json:"kind_name"`
	Note      string    `json:"note"`
	Lat       *float64  `json:"lat,omitempty"`
	Lng       *float64  `json:"lng,omitempty"`
	Photos    []Photo   `json:"photos"`
	ClientKey string    `json:"client_key,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	photoIDs  []int64
}

// Patrol is one patrol by a squad or a post.
type Patrol struct {
	ID         int64         `json:"id"`
	SquadID    int64         `json:"squad_id,omitempty"`
	SquadName  string        `json:"squad_name,omitempty"`
	PostID     int64         `json:"post_id,omitempty"`
	PostName   string        `json:"post_name,omitempty"`
	UnitID     int64         `json:"unit_id"`
	UnitName   string        `json:"unit_name"`
	TownID     int64         `json:"town_id"`
	TownName   string        `json:"town_name"`
	OnDay      calendar.Date `json:"on_day"`
	StartedAt  time.Time     `json:"started_at"`
	EndedAt    *time.Time    `json:"ended_at"`
	PointCount int           `json:"point_count"`
	DistanceM  float64       `json:"distance_m"`
	DurationS  int64         `json:"duration_s"` // to the end, or to the last point while open
	Note       string        `json:"note"`
	ClientKey  string        `json:"client_key,omitempty"`
	CreatedBy  string        `json:"created_by"`
	Mine       bool          `json:"mine"`
	Findings   []*Finding    `json:"findings,omitempty"` // detail only
	Photos     []Photo       `json:"photos,omitempty"`   // detail only
	Route      []Point       `json:"route,omitempty"`    // detail only (at most routeMax points, thinned)
	createdBy  int64
	unitPath   string
	lastLat    sql.NullFloat64
	lastLng    sql.NullFloat64
	lastAt     nullTime
}

// PatrolInput starts a patrol (or records a finished one: ended_at set).
type PatrolInput struct {
	SquadID   int64      `json:"squad_id"`
	PostID    int64      `json:"post_id"`
	UnitID    int64      `json:"unit_id"`    // the village patrolled; default: the post's village, the user's village or the squad's unit
	StartedAt *time.Time `json:"started_at"` // default: now
	EndedAt   *time.Time `json:"ended_at"`
	Note      string     `json:"note"`
	ClientKey string     `json:"client_key"`
}

// EndInput ends a patrol.
type EndInput struct {
	EndedAt  *time.Time `json:"ended_at"` // default: now
	Note     *string    `json:"note"`
	PhotoIDs []int64    `json:"photo_ids"`
	// ClientKey is the phone's key for this request; ending twice changes
	// nothing anyway, so it is accepted and not stored.
	ClientKey string `json:"client_key"`
}

// PointsInput is one batch of points from the phone.
type PointsInput struct {
	ClientKey string  `json:"client_key"`
	Points    []Point `json:"points"`
}

// PointsResult is the patrol's route after a batch.
type PointsResult struct {
	PatrolID   int64   `json:"patrol_id"`
	Added      int     `json:"added"`
	PointCount int     `json:"point_count"`
	DistanceM  float64 `json:"distance_m"`
}

// FindingInput records a finding.
type FindingInput struct {
	Kind      string   `json:"kind"`
	Note      string   `json:"note"`
	Lat       *float64 `json:"lat"`
	Lng       *float64 `json:"lng"`
	PhotoIDs  []int64  `json:"photo_ids"`
	ClientKey string   `json:"client_key"`
}

// Limits on what a phone or a GPX file may send.
const (
	MaxBatchPoints = 500
	MaxGPXBytes    = 5 << 20
	MaxGPXPoints   = 20_000
	routeMax       = 2000
	clockSkew      = 10 * time.Minute // phones' clocks run a little off
)

// CreatePatrol starts a patrol; created is false when the phone had sent it before.
func (s *Service) CreatePatrol(ctx context.Context, a *auth.Actor, in PatrolInput) (*Patrol, bool, error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return nil, false, err
	}
	f := errs.Fields{}
	checkKey(f, in.ClientKey)
	if id, err := sentBefore(ctx, s.DB.Read, a, "fire_patrols", in.ClientKey); err != nil || id != 0 {
		return resent(ctx, a, id, err, s.GetPatrol)
	}
	unitID := in.UnitID
	switch {
	case (in.SquadID == 0) == (in.PostID == 0):
		f.Add("squad_id", "请选择巡查小分队或公益岗位（二选一）", "choose a squad or a post, not both")
	case in.PostID != 0:
		var vid int64
		var path string
		err := s.DB.Read.QueryRowContext(ctx, `SELECT village_id, unit_path FROM fire_posts WHERE id = $1`, in.PostID).Scan(&vid, &path)
		if err != nil || !a.InScope(path) {
			f.Add("post_id", "公益岗位不存在或不在您的管辖范围内", "post not found")
		}
		unitID = vid
	default:
		sq, err := s.GetSquad(ctx, a, in.SquadID)
		if err != nil {
			f.Add("squad_id", "巡查小分队不存在或不在您的管辖范围内", "squad not found")
		} else if unitID == 0 {
			if unitID = ownVillage(ctx, s.DB.Read, a); unitID == 0 {
				unitID = sq.Unit.ID
			}
		}
	}
	var u *unit
	if unitID != 0 {
		var err error
		if u, err = s.loadUnit(ctx, s.DB.Read, a, unitID, "unit_id", "巡查地点"); err != nil {
			mergeFields(f, err)
		}
	}
	now := s.Clock.Now().UTC()
	start := now
	if in.StartedAt != nil {
		start = in.StartedAt.UTC()
		if start.After(now.Add(clockSkew)) {
			f.Add("started_at", "开始时间不能晚于现在", "started_at may not be in the future")
		} else if start.Before(now.AddDate(0, 0, -30)) {
			f.Add("started_at", "只能补录30天内的巡查", "only the last 30 days may be recorded")
		}
	}
	var end *time.Time
	if in.EndedAt != nil {
		e := in.EndedAt.UTC()
		end = &e
		if !e.After(start) {
			f.Add("ended_at", "结束时间应晚于开始时间", "ended_at must be after started_at")
		} else if e.After(now.Add(clockSkew)) {
			f.Add("ended_at", "结束时间不能晚于现在", "ended_at may not be in the future")
		}
	}
	note := text(f, "note", "备注", in.Note, 500, false)
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	var id int64
	err := s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_patrols (squad_id, post_id, unit_id, unit_path, town_id, on_day, started_at,
			ended_at, note, client_key, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
			RETURNING id`, db.NullID(in.SquadID), db.NullID(in.PostID), u.ID, u.Path, db.NullID(u.TownID), calendar.DateOf(start),
			start, end, note, nullKey(in.ClientKey), db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.patrol.start", ObjectType: "fire_patrol", ObjectID: idStr(id), UnitID: u.ID,
			Summary: "开始巡查：" + u.Name, After: in})
	})
	if db.IsUniqueViolation(err) {
		id, err = sentBefore(ctx, s.DB.Read, a, "fire_patrols", in.ClientKey)
		return resent(ctx, a, id, err, s.GetPatrol)
	}
	if err != nil {
		return nil, false, err
	}
	p, err := s.GetPatrol(ctx, a, id)
	return p, true, err
}

const patrolCols = `p.id, COALESCE(p.squad_id, 0), COALESCE(q.name, ''), COALESCE(p.post_id, 0), COALESCE(po.name, ''), p.unit_id, un.name,
	COALESCE(p.town_id, 0), COALESCE(t.name, ''), p.on_day, p.started_at, p.ended_at, p.point_count, p.distance_m, p.note,
	COALESCE(p.client_key, ''), COALESCE(us.real_name, ''), COALESCE(p.created_by, 0), p.unit_path, p.last_lat, p.last_lng, p.last_at
	FROM fire_patrols p JOIN units un ON un.id = p.unit_id LEFT JOIN units t ON t.id = p.town_id
	LEFT JOIN fire_squads q ON q.id = p.squad_id LEFT JOIN fire_posts po ON po.id = p.post_id LEFT JOIN users us ON us.id = p.created_by`

func scanPatrol(sc interface{ Scan(...any) error }, a *auth.Actor) (*Patrol, error) {
	p := &Patrol{}
	var ended nullTime
	if err := sc.Scan(&p.ID, &p.SquadID, &p.SquadName, &p.PostID, &p.PostName, &p.UnitID, &p.UnitName, &p.TownID, &p.TownName,
		&p.OnDay, &p.StartedAt, &ended, &p.PointCount, &p.DistanceM, &p.Note, &p.ClientKey, &p.CreatedBy, &p.createdBy, &p.unitPath,
		&p.lastLat, &p.lastLng, &p.lastAt); err != nil {
		return nil, err
	}
	p.StartedAt = p.StartedAt.UTC()
	p.EndedAt = ended.T
	p.Mine = a != nil && p.createdBy == a.UserID && a.UserID != 0
	switch {
	case p.EndedAt != nil:
		p.DurationS = int64(p.EndedAt.Sub(p.StartedAt).Seconds())
	case p.lastAt.T != nil:
		p.DurationS = max(0, int64(p.lastAt.T.Sub(p.StartedAt).Seconds()))
	}
	p.DistanceM = math.Round(p.DistanceM)
	return p, nil
}

// patrol finds a patrol by id or by the client_key the phone made for it
// (a phone that started it offline knows only the key), in scope.
func (s *Service) patrol(ctx context.Context, q querier, a *auth.Actor, ref string) (*Patrol, error) {
	args := db.Args{}
	cond := "p.client_key = " + args.Add(ref)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		args[0] = n
		cond = "p.id = $1"
	}
	p, err := scanPatrol(q.QueryRowContext(ctx, `SELECT `+patrolCols+` WHERE `+cond+` AND `+scope(a, "p.unit_path", &args), args...), a)
	if isNoRows(err) {
		return nil, errs.NotFoundf("巡查记录", "patrol")
	}
	return p, err
}

// GetPatrol is the patrol's detail: route, findings and photos.
func (s *Service) GetPatrol(ctx context.Context, a *auth.Actor, id int64) (*Patrol, error) {
	return s.PatrolByRef(ctx, a, idStr(id))
}

// PatrolByRef is GetPatrol by id or client_key.
func (s *Service) PatrolByRef(ctx context.Context, a *auth.Actor, ref string) (*Patrol, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	p, err := s.patrol(ctx, s.DB.Read, a, ref)
	if err != nil {
		return nil, err
	}
	if p.Route, err = s.route(ctx, p.ID, p.PointCount); err != nil {
		return nil, err
	}
	if p.Findings, err = s.findings(ctx, p.ID); err != nil {
		return nil, err
	}
	p.Photos, err = s.photos(ctx, "fire_patrol", idStr(p.ID))
	return p, err
}

// route reads the points in time order, thinned to routeMax.
func (s *Service) route(ctx context.Context, id int64, n int) ([]Point, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT at, lat, lng, accuracy FROM fire_patrol_points WHERE patrol_id = $1 ORDER BY at`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	step := 1
	if n > routeMax {
		step = (n + routeMax - 1) / routeMax
	}
	out := []Point{}
	for i := 0; rows.Next(); i++ {
		var pt Point
		var acc sql.NullFloat64
		if err := rows.Scan(&pt.At, &pt.Lat, &pt.Lng, &acc); err != nil {
			return nil, err
		}
		if i%step == 0 {
			pt.At, pt.Accuracy = pt.At.UTC(), floatPtr(acc)
			out = append(out, pt)
		}
	}
	return out, rows.Err()
}

func (s *Service) findings(ctx context.Context, patrolID int64) ([]*Finding, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, patrol_id, kind, note, lat, lng, photo_ids, COALESCE(client_key, ''), created_at
		FROM fire_findings WHERE patrol_id = $1 ORDER BY created_at, id`, patrolID)
	if err != nil {
		return nil, err
	}
	out := []*Finding{}
	for rows.Next() {
		fd := &Finding{}
		var lat, lng sql.NullFloat64
		var pj string
		if err := rows.Scan(&fd.ID, &fd.PatrolID, &fd.Kind, &fd.Note, &lat, &lng, &pj, &fd.ClientKey, &fd.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		fd.Lat, fd.Lng, fd.KindName = floatPtr(lat), floatPtr(lng), FindingKinds[fd.Kind]
		out = append(out, fd)
	}
	rows.Close()
	for _, fd := range out {
		var err error
		if fd.Photos, err = s.photos(ctx, "fire_finding", idStr(fd.ID)); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

func (s *Service) photos(ctx context.Context, objectType, objectID string) ([]Photo, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, has_thumb FROM files WHERE object_type = $1 AND object_id = $2 ORDER BY id`,
		objectType, objectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Photo{}
	for rows.Next() {
		var ph Photo
		var thumb bool
		if err := rows.Scan(&ph.ID, &thumb); err != nil {
			return nil, err
		}
		ph.URL = "/api/v1/files/" + idStr(ph.ID)
		if thumb {
			ph.ThumbURL = ph.URL + "/thumb"
		}
		out = append(out, ph)
	}
	return out, rows.Err()
}

// PatrolFilter narrows the patrol list.
type PatrolFilter struct {
	ListFilter
	SquadID int64
	PostID  int64
	Open    *bool // only patrols not ended (true) or ended (false)
	Mine    bool
}

// ListPatrols lists patrols in scope, latest first.
func (s *Service) ListPatrols(ctx context.Context, a *auth.Actor, f PatrolFilter, limit, offset int) ([]*Patrol, int, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, 0, err
	}
	args := db.Args{}
	conds := []string{f.where(a, "p.unit_path", "p.on_day", "p.town_id", "p.unit_id", &args)}
	if f.SquadID != 0 {
		conds = append(conds, "p.squad_id = "+args.Add(f.SquadID))
	}
	if f.PostID != 0 {
		conds = append(conds, "p.post_id = "+args.Add(f.PostID))
	}
	if f.Open != nil {
		conds = append(conds, map[bool]string{true: "p.ended_at IS NULL", false: "p.ended_at IS NOT NULL"}[*f.Open])
	}
	if f.Mine {
		conds = append(conds, "p.created_by = "+args.Add(a.UserID))
	}
	scan := func(sc interface{ Scan(...any) error }) (*Patrol, error) { return scanPatrol(sc, a) }
	return page(ctx, s.DB.Read, "fire_patrols p", strings.Join(conds, " AND "), args, patrolCols, "p.started_at DESC, p.id DESC", limit, offset, scan)
}

// recorder checks the actor may add to a patrol's record: the patroller
// who started it; others in scope with fire.field may too (a squad leader
// filling in), but only the patroller's own phone adds route points.
func recorder(a *auth.Actor, p *Patrol, route bool) error {
	if err := auth.Require(a, auth.FireField); err != nil {
		return err
	}
	if route && p.createdBy != a.UserID {
		return errs.New(errs.Forbidden, "只有开始巡查的人员能记录轨迹", "only the patroller records the route")
	}
	return nil
}

// patrolToRecord loads a patrol named by id or client_key that the actor
// sees and may add to (a finding, the end, a GPX route): the steps every
// write on a patrol's record takes but the route points, which have their
// own lookup and only the patroller sends.
func (s *Service) patrolToRecord(ctx context.Context, a *auth.Actor, ref string) (*Patrol, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, err
	}
	p, err := s.patrol(ctx, s.DB.Read, a, ref)
	if err != nil {
		return nil, err
	}
	if err := recorder(a, p, false); err != nil {
		return nil, err
	}
	return p, nil
}

// AddPoints appends a batch of route points; created is false when the
// batch (by client_key) was stored before.
func (s *Service) AddPoints(ctx context.Context, a *auth.Actor, ref string, in PointsInput) (*PointsResult, bool, error) {
	if err := auth.Require(a, auth.ViewFire); err != nil {
		return nil, false, err
	}
	p, err := s.patrolForPoints(ctx, a, ref)
	if err != nil {
		return nil, false, err
	}
	if err := recorder(a, p, true); err != nil {
		return nil, false, err
	}
	// A resent batch is found by its key's primary key in the insert below
	// (one read less on the hot path), then answered as stored.
	f := errs.Fields{}
	checkKey(f, in.ClientKey)
	now := s.Clock.Now().UTC()
	switch {
	case len(in.Points) == 0:
		f.Add("points", "没有轨迹点", "no points")
	case len(in.Points) > MaxBatchPoints:
		f.Add("points", "每批最多"+strconv.Itoa(MaxBatchPoints)+"个轨迹点", "at most "+strconv.Itoa(MaxBatchPoints)+" points a batch")
	}
	if p.EndedAt != nil {
		f.Add("points", "巡查已结束，不能再记录轨迹", "the patrol has ended")
	}
	for i, pt := range in.Points {
		if badPoint(pt) || pt.At.Before(p.StartedAt.Add(-clockSkew)) || pt.At.After(now.Add(clockSkew)) {
			f.Add("points", "第"+strconv.Itoa(i+1)+"个轨迹点的坐标或时间无效", "point "+strconv.Itoa(i+1)+" is invalid")
		}
	}
	if err := f.Err(); err != nil {
		// A batch stored before the patrol ended, resent after: answer it as stored.
		if done, res, e := s.batchSent(ctx, a, p, in.ClientKey); done || e != nil {
			return res, false, e
		}
		return nil, false, err
	}
	res := &PointsResult{PatrolID: p.ID, Added: len(in.Points)}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if in.ClientKey != "" {
			if _, err := w.ExecContext(ctx, `INSERT INTO fire_point_batches (client_key, patrol_id, points, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5)`, in.ClientKey, p.ID, len(in.Points), db.NullID(a.UserID), w.Now()); err != nil {
				return err
			}
		}
		if err := s.appendRoute(ctx, w, p.ID, in.Points, false, res); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.patrol.points", ObjectType: "fire_patrol", ObjectID: idStr(p.ID), UnitID: p.UnitID,
			Summary: "记录巡查轨迹 " + strconv.Itoa(len(in.Points)) + " 个点", After: map[string]any{"client_key": in.ClientKey, "points": len(in.Points)}})
	})
	if db.IsUniqueViolation(err) {
		done, res, err := s.batchSent(ctx, a, p, in.ClientKey)
		if done || err != nil {
			return res, false, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	return res, true, nil
}

// patrolForPoints is patrol() without the names: the points endpoint is
// the hot path (every phone, every 10 s).
func (s *Service) patrolForPoints(ctx context.Context, a *auth.Actor, ref string) (*Patrol, error) {
	args := db.Args{}
	cond := "client_key = " + args.Add(ref)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		args[0] = n
		cond = "id = $1"
	}
	p := &Patrol{}
	var ended nullTime
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id, unit_id, unit_path, COALESCE(created_by, 0), started_at, ended_at FROM fire_patrols
		WHERE `+cond+` AND `+scope(a, "unit_path", &args), args...).Scan(&p.ID, &p.UnitID, &p.unitPath, &p.createdBy, &p.StartedAt, &ended)
	if isNoRows(err) {
		return nil, errs.NotFoundf("巡查记录", "patrol")
	}
	p.EndedAt = ended.T
	return p, err
}

// batchSent answers a batch stored before under the same key.
func (s *Service) batchSent(ctx context.Context, a *auth.Actor, p *Patrol, key string) (bool, *PointsResult, error) {
	if key == "" {
		return false, nil, nil
	}
	var pid, by int64
	var n int
	err := s.DB.Read.QueryRowContext(ctx, `SELECT patrol_id, points, COALESCE(created_by, 0) FROM fire_point_batches WHERE client_key = $1`, key).
		Scan(&pid, &n, &by)
	if isNoRows(err) {
		return false, nil, nil
	}
	if err != nil {
		return true, nil, err
	}
	if pid != p.ID || by != a.UserID {
		return true, nil, errs.Conflictf("该 client_key 已用于其他轨迹批次", "client_key already used for another batch")
	}
	res := &PointsResult{PatrolID: p.ID, Added: n}
	err = s.DB.Read.QueryRowContext(ctx, `SELECT point_count, distance_m FROM fire_patrols WHERE id = $1`, p.ID).Scan(&res.PointCount, &res.DistanceM)
	return true, res, err
}

func badPoint(pt Point) bool {
	return pt.At.IsZero() || math.IsNaN(pt.Lat) || math.IsNaN(pt.Lng) || pt.Lat < -90 || pt.Lat > 90 || pt.Lng < -180 || pt.Lng > 180 ||
		(pt.Lat == 0 && pt.Lng == 0) || (pt.Accuracy != nil && (*pt.Accuracy < 0 || *pt.Accuracy > 100_000))
}

// appendRoute stores points (replacing the route when replace) and moves
// the patrol's count, distance and last point on from its stored last point.
func (s *Service) appendRoute(ctx context.Context, w *audit.W, patrolID int64, pts []Point, replace bool, res *PointsResult) error {
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].At.Before(pts[j].At) })
	var lastLat, lastLng sql.NullFloat64
	var count int
	var dist float64
	if replace {
		if _, err := w.ExecContext(ctx, `DELETE FROM fire_patrol_points WHERE patrol_id = $1`, patrolID); err != nil {
			return err
		}
	} else if err := w.QueryRowContext(ctx, `SELECT last_lat, last_lng, point_count, distance_m FROM fire_patrols WHERE id = $1`+
		w.Dialect.ForUpdate(), patrolID).Scan(&lastLat, &lastLng, &count, &dist); err != nil {
		return err
	}
	rows := make([][]any, len(pts))
	for i, pt := range pts {
		if lastLat.Valid {
			dist += haversine(lastLat.Float64, lastLng.Float64, pt.Lat, pt.Lng)
		}
		lastLat, lastLng = sql.NullFloat64{Float64: pt.Lat, Valid: true}, sql.NullFloat64{Float64: pt.Lng, Valid: true}
		rows[i] = []any{patrolID, pt.At.UTC(), pt.Lat, pt.Lng, nullFloat(pt.Accuracy)}
	}
	if _, err := w.CopyFrom(ctx, "fire_patrol_points", []string{"patrol_id", "at", "lat", "lng", "accuracy"}, rows); err != nil {
		return err
	}
	count += len(pts)
	var lastAt any
	if len(pts) > 0 {
		lastAt = pts[len(pts)-1].At.UTC()
	}
	res.PointCount, res.DistanceM = count, math.Round(dist)
	_, err := w.ExecContext(ctx, `UPDATE fire_patrols SET point_count = $1, distance_m = $2, last_lat = $3, last_lng = $4,
		last_at = COALESCE($5, last_at), updated_at = $6 WHERE id = $7`, count, dist, lastLat, lastLng, lastAt, w.Now(), patrolID)
	return err
}

// haversine is the distance in metres between two positions.
func haversine(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// EndPatrol ends a patrol; ending an ended patrol again changes nothing
// (the phone's retry) and answers it as stored.
func (s *Service) EndPatrol(ctx context.Context, a *auth.Actor, ref string, in EndInput) (*Patrol, error) {
	p, err := s.patrolToRecord(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	if p.EndedAt != nil {
		return s.GetPatrol(ctx, a, p.ID)
	}
	f := errs.Fields{}
	now := s.Clock.Now().UTC()
	end := now
	if in.EndedAt != nil {
		end = in.EndedAt.UTC()
	}
	if !end.After(p.StartedAt) {
		f.Add("ended_at", "结束时间应晚于开始时间", "ended_at must be after started_at")
	} else if end.After(now.Add(clockSkew)) {
		f.Add("ended_at", "结束时间不能晚于现在", "ended_at may not be in the future")
	}
	note := p.Note
	if in.Note != nil {
		note = text(f, "note", "备注", *in.Note, 500, false)
	}
	photos := s.checkPhotos(ctx, a, f, in.PhotoIDs)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if _, err := w.ExecContext(ctx, `UPDATE fire_patrols SET ended_at = $1, note = $2, updated_at = $3 WHERE id = $4 AND ended_at IS NULL`,
			end, note, w.Now(), p.ID); err != nil {
			return err
		}
		if err := s.attachPhotos(ctx, w, photos, "fire_patrol", p.ID, p.UnitID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.patrol.end", ObjectType: "fire_patrol", ObjectID: idStr(p.ID), UnitID: p.UnitID,
			Summary: "结束巡查：" + p.UnitName, After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPatrol(ctx, a, p.ID)
}

// AddFinding records a finding with photos; created is false on a resend.
func (s *Service) AddFinding(ctx context.Context, a *auth.Actor, ref string, in FindingInput) (*Finding, bool, error) {
	p, err := s.patrolToRecord(ctx, a, ref)
	if err != nil {
		return nil, false, err
	}
	get := func(ctx context.Context, a *auth.Actor, id int64) (*Finding, error) { return s.finding(ctx, id) }
	f := errs.Fields{}
	checkKey(f, in.ClientKey)
	if id, err := sentBefore(ctx, s.DB.Read, a, "fire_findings", in.ClientKey); err != nil || id != 0 {
		return resent(ctx, a, id, err, get)
	}
	if _, ok := FindingKinds[in.Kind]; !ok {
		f.Add("kind", "请选择发现类型（火源隐患、野外用火、祭扫用火隐患、其他）", "kind must be fire_source, open_burning, grave_sweeping or other")
	}
	note := text(f, "note", "情况说明", in.Note, 500, in.Kind == "other")
	if (in.Lat == nil) != (in.Lng == nil) || (in.Lat != nil && badPoint(Point{At: time.Now(), Lat: *in.Lat, Lng: *in.Lng})) {
		f.Add("lat", "坐标无效", "invalid coordinates")
	}
	photos := s.checkPhotos(ctx, a, f, in.PhotoIDs)
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	var id int64
	pj, _ := json.Marshal(photos)
	err = s.Audit.Write(ctx, a, func(w *audit.W) error {
		if err := w.QueryRowContext(ctx, `INSERT INTO fire_findings (patrol_id, kind, note, lat, lng, photo_ids, client_key, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, p.ID, in.Kind, note, nullFloat(in.Lat), nullFloat(in.Lng), string(pj),
			nullKey(in.ClientKey), db.NullID(a.UserID), w.Now()).Scan(&id); err != nil {
			return err
		}
		if err := s.attachPhotos(ctx, w, photos, "fire_finding", id, p.UnitID); err != nil {
			return err
		}
		return w.Record(audit.Entry{Action: "fire.patrol.finding", ObjectType: "fire_patrol", ObjectID: idStr(p.ID), UnitID: p.UnitID,
			Summary: "巡查发现：" + FindingKinds[in.Kind] + " " + note, After: in})
	})
	if db.IsUniqueViolation(err) {
		id, err = sentBefore(ctx, s.DB.Read, a, "fire_findings", in.ClientKey)
		return resent(ctx, a, id, err, get)
	}
	if err != nil {
		return nil, false, err
	}
	fd, err := s.finding(ctx, id)
	return fd, true, err
}

func (s *Service) finding(ctx context.Context, id int64) (*Finding, error) {
	var pid int64
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT patrol_id FROM fire_findings WHERE id = $1`, id).Scan(&pid); err != nil {
		return nil, err
	}
	fs, err := s.findings(ctx, pid)
	if err != nil {
		return nil, err
	}
	for _, fd := range fs {
		if fd.ID == id {
			return fd, nil
		}
	}
	return nil, errs.ErrNotFound
}

// Photos are uploaded first (POST /fire/photos, object type fire_photo,
// owned by the uploader's unit) and then named by id in a finding or at the
// end of a patrol, which moves them onto that object.
const photoUpload = "fire_photo"

// PhotoOwner lets users with fire.field upload photos against their own unit.
func (s *Service) PhotoOwner(ctx context.Context, a *auth.Actor, objectID string) (int64, error) {
	if err := auth.Require(a, auth.FireField); err != nil {
		return 0, err
	}
	if objectID != idStr(a.UnitID) {
		return 0, errs.ErrNotFound
	}
	return a.UnitID, nil
}

// UploadPhoto stores a photo for a later finding or patrol end.
func (s *Service) UploadPhoto(ctx context.Context, a *auth.Actor, name string, r io.Reader) (*Photo, error) {
	if a == nil {
		return nil, auth.Require(a, auth.FireField)
	}
	f, err := s.Attachments.Upload(ctx, a, photoUpload, idStr(a.UnitID), name, r)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(f.ContentType, "image/") {
		return &Photo{ID: f.ID, URL: f.URL}, nil
	}
	return &Photo{ID: f.ID, URL: f.URL, ThumbURL: f.ThumbURL}, nil
}

// checkPhotos accepts photos the actor uploaded and not yet used.
func (s *Service) checkPhotos(ctx context.Context, a *auth.Actor, f errs.Fields, ids []int64) []int64 {
	if len(ids) > 9 {
		f.Add("photo_ids", "照片最多9张", "at most 9 photos")
		return nil
	}
	out := []int64{}
	for _, id := range ids {
		var n int
		err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM files WHERE id = $1 AND object_type = $2 AND uploaded_by = $3`,
			id, photoUpload, a.UserID).Scan(&n)
		if err != nil || n == 0 {
			f.Add("photo_ids", "照片不存在或已被使用，请重新上传", "photo not found or already used")
			continue
		}
		out = append(out, id)
	}
	return out
}

func (s *Service) attachPhotos(ctx context.Context, w *audit.W, ids []int64, objectType string, objectID, unitID int64) error {
	for _, id := range ids {
		if _, err := w.ExecContext(ctx, `UPDATE files SET object_type = $1, object_id = $2, unit_id = $3 WHERE id = $4 AND object_type = $5`,
			objectType, idStr(objectID), unitID, id, photoUpload); err != nil {
			return err
		}
	}
	return nil
}

// RouteDistance is a route's length in metres (points in time order); the
// demo and GPX imports measure as the phone's batches do.
func RouteDistance(pts []Point) float64 {
	d := 0.0
	for i := 1; i < len(pts); i++ {
		d += haversine(pts[i-1].Lat, pts[i-1].Lng, pts[i].Lat, pts[i].Lng)
	}
	return d
}
