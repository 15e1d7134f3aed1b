package patrol_test

import (
	"strings"
	"testing"
	"time"

	"diaodu/internal/fire/patrol"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
	"diaodu/internal/testutil"
)

func pts(base time.Time, n int, lat float64) []patrol.Point {
	out := make([]patrol.Point, n)
	for i := range out {
		out[i] = patrol.Point{At: base.Add(time.Duration(i) * time.Minute), Lat: lat + float64(i)*0.001, Lng: 117.2}
	}
	return out
}

// A phone starts a patrol, sends points (one batch twice), a finding with a
// photo, and ends it; every resend changes nothing.
func TestPatrolFromPhoneIsIdempotent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		zj := e.as("zj_field")
		key := e.key()
		in := patrol.PatrolInput{SquadID: e.squad.ID, StartedAt: ptr(e.now().Add(-20 * time.Minute)), ClientKey: key}
		p, created, err := e.s.CreatePatrol(e.ctx, zj, in)
		if err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		if p.UnitID != e.unit("QS-ZJ") || p.TownID != e.unit("QS") {
			t.Fatalf("a field user's squad patrol is in their village: %+v", p)
		}
		again, created, err := e.s.CreatePatrol(e.ctx, zj, in)
		if err != nil || created || again.ID != p.ID {
			t.Fatalf("resend: %v %v %v", again, created, err)
		}
		if _, _, err := e.s.CreatePatrol(e.ctx, e.as("qs_staff"), in); !errs.Is(err, errs.Conflict) {
			t.Fatalf("same key, other user: %v", err)
		}
		batch := patrol.PointsInput{ClientKey: e.key(), Points: pts(e.now().Add(-15*time.Minute), 5, 31.0)}
		// By the client_key: the phone started it offline and knows no id.
		r1, created, err := e.s.AddPoints(e.ctx, zj, key, batch)
		if err != nil || !created || r1.PointCount != 5 {
			t.Fatalf("points: %+v %v %v", r1, created, err)
		}
		if r1.DistanceM < 400 || r1.DistanceM > 500 { // 4 steps of 0.001° latitude ≈ 111 m
			t.Fatalf("distance %v", r1.DistanceM)
		}
		r2, created, err := e.s.AddPoints(e.ctx, zj, key, batch)
		if err != nil || created || r2.PointCount != 5 {
			t.Fatalf("resent batch: %+v %v %v", r2, created, err)
		}
		if _, _, err := e.s.AddPoints(e.ctx, e.as("qs_admin"), key, patrol.PointsInput{ClientKey: e.key(), Points: batch.Points}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("only the patroller records the route: %v", err)
		}
		r3, _, err := e.s.AddPoints(e.ctx, zj, idStr(p.ID), patrol.PointsInput{ClientKey: e.key(), Points: pts(e.now().Add(-10*time.Minute), 2, 31.005)})
		if err != nil || r3.PointCount != 7 || r3.DistanceM < r1.DistanceM {
			t.Fatalf("second batch: %+v %v", r3, err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM fire_patrol_points WHERE patrol_id = $1`, p.ID); n != 7 {
			t.Fatalf("stored points %d", n)
		}
		ph, err := e.s.UploadPhoto(e.ctx, zj, "fire.png", strings.NewReader(pngBytes))
		if err != nil {
			t.Fatalf("photo: %v", err)
		}
		fin := patrol.FindingInput{Kind: "open_burning", Note: "田边烧秸秆，已劝阻", PhotoIDs: []int64{ph.ID}, ClientKey: e.key()}
		fd, created, err := e.s.AddFinding(e.ctx, zj, key, fin)
		if err != nil || !created || len(fd.Photos) != 1 {
			t.Fatalf("finding: %+v %v %v", fd, created, err)
		}
		if _, created, err := e.s.AddFinding(e.ctx, zj, key, fin); err != nil || created {
			t.Fatalf("finding resend: %v %v", created, err)
		}
		// The photo is used: a second finding cannot take it.
		_, _, err = e.s.AddFinding(e.ctx, zj, key, patrol.FindingInput{Kind: "fire_source", PhotoIDs: []int64{ph.ID}, ClientKey: e.key()})
		wantCode(t, err, errs.Validation, "photo_ids")
		end, err := e.s.EndPatrol(e.ctx, zj, key, patrol.EndInput{})
		if err != nil || end.EndedAt == nil || end.DurationS != 20*60 || len(end.Findings) != 1 || len(end.Route) != 7 {
			t.Fatalf("end: %+v %v", end, err)
		}
		if again, err := e.s.EndPatrol(e.ctx, zj, key, patrol.EndInput{}); err != nil || !again.EndedAt.Equal(*end.EndedAt) {
			t.Fatalf("end again: %v", err)
		}
		_, _, err = e.s.AddPoints(e.ctx, zj, key, patrol.PointsInput{ClientKey: e.key(), Points: pts(e.now().Add(-time.Minute), 1, 31)})
		wantCode(t, err, errs.Validation, "points")
		// The first batch resent after the end (its answer was lost): the stored one, nothing new.
		if r, created, err := e.s.AddPoints(e.ctx, zj, key, batch); err != nil || created || r.PointCount != 7 {
			t.Fatalf("old batch after the end: %+v %v %v", r, created, err)
		}
	})
}

// Bad input: a clear error naming the field, nothing changed.
func TestPatrolBadInput(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		zj := e.as("zj_field")
		head := e.head(t)
		now := e.now()
		cases := []struct {
			name, field string
			in          patrol.PatrolInput
		}{
			{"ends before it starts", "ended_at", patrol.PatrolInput{PostID: e.post.ID, StartedAt: ptr(now.Add(-time.Hour)), EndedAt: ptr(now.Add(-2 * time.Hour))}},
			{"starts in the future", "started_at", patrol.PatrolInput{PostID: e.post.ID, StartedAt: ptr(now.Add(time.Hour))}},
			{"no squad or post", "squad_id", patrol.PatrolInput{}},
			{"both", "squad_id", patrol.PatrolInput{PostID: e.post.ID, SquadID: e.squad.ID}},
			{"key too long", "client_key", patrol.PatrolInput{PostID: e.post.ID, ClientKey: strings.Repeat("k", 65)}},
		}
		for _, c := range cases {
			_, _, err := e.s.CreatePatrol(e.ctx, zj, c.in)
			wantCode(t, err, errs.Validation, c.field)
		}
		p := e.start(t)
		head = e.head(t)
		_, err := e.s.EndPatrol(e.ctx, zj, idStr(p.ID), patrol.EndInput{EndedAt: ptr(p.StartedAt.Add(-time.Minute))})
		wantCode(t, err, errs.Validation, "ended_at")
		_, _, err = e.s.AddPoints(e.ctx, zj, idStr(p.ID), patrol.PointsInput{Points: []patrol.Point{{At: now, Lat: 95, Lng: 117}}})
		wantCode(t, err, errs.Validation, "points")
		_, _, err = e.s.AddPoints(e.ctx, zj, idStr(p.ID), patrol.PointsInput{Points: pts(now, patrol.MaxBatchPoints+1, 31)})
		wantCode(t, err, errs.Validation, "points")
		_, _, err = e.s.AddFinding(e.ctx, zj, idStr(p.ID), patrol.FindingInput{Kind: "smoke"})
		wantCode(t, err, errs.Validation, "kind")
		_, _, err = e.s.CreateBroadcast(e.ctx, zj, patrol.BroadcastInput{Times: []string{"25:00"}, Content: "防火"})
		wantCode(t, err, errs.Validation, "times")
		_, _, err = e.s.CreateBroadcast(e.ctx, zj, patrol.BroadcastInput{Times: []string{"08:00"}})
		wantCode(t, err, errs.Validation, "content")
		_, _, err = e.s.CreateBroadcast(e.ctx, e.as("qs_staff"), patrol.BroadcastInput{VillageID: e.unit("QS"), Times: []string{"08:00"}, Content: "x"})
		wantCode(t, err, errs.Validation, "village_id")
		_, err = e.s.SavePost(e.ctx, e.as("qs_admin"), 0, patrol.PostInput{VillageID: e.unit("QS-ZJ"), Name: "岗", MinPatrollers: ptr(0)})
		wantCode(t, err, errs.Validation, "min_patrollers")
		_, err = e.s.SaveSquad(e.ctx, e.as("qs_admin"), 0, patrol.SquadInput{Name: "无人队", UnitID: e.unit("QS"), AreaIDs: []int64{e.unit("QS")}})
		wantCode(t, err, errs.Validation, "members")
		_, err = e.s.CreateCheck(e.ctx, e.as("supervisor"), patrol.CheckInput{TownID: e.unit("QS"), CheckedOn: "2026-11-20", Items: "责任制",
			Findings: "未建台账", FixBy: "2026-11-01"})
		wantCode(t, err, errs.Validation, "fix_by")
		_, err = e.s.CreateReport(e.ctx, e.as("supervisor"), patrol.ReportInput{OccurredAt: ptr(now.Add(time.Hour)), UnitID: e.unit("QS-ZJ"), Place: "东山"})
		wantCode(t, err, errs.Validation, "occurred_at")
		if h := e.head(t); h != head {
			t.Fatalf("bad input moved the audit chain: %d → %d", head, h)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM fire_patrols`); n != 1 {
			t.Fatalf("patrols %d", n)
		}
	})
}

func TestGPX(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.start(t)
		qs := e.as("qs_staff")
		good := `<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
			<trkpt lat="31.000" lon="117.200"><time>2026-11-26T00:40:00Z</time></trkpt>
			<trkpt lat="31.010" lon="117.200"><time>2026-11-26T00:50:00Z</time></trkpt></trkseg></trk></gpx>`
		got, err := e.s.ImportGPX(e.ctx, qs, idStr(p.ID), strings.NewReader(good))
		if err != nil || got.PointCount != 2 || got.DistanceM < 1100 || got.DistanceM > 1120 {
			t.Fatalf("gpx: %+v %v", got, err)
		}
		head := e.head(t)
		for name, body := range map[string]string{
			"not xml":   "lat,lng\n31,117\n",
			"not gpx":   `<kml><Placemark/></kml>`,
			"bad point": `<gpx><trk><trkseg><trkpt lat="abc" lon="117"/><trkpt lat="31" lon="117"/></trkseg></trk></gpx>`,
			"enormous":  `<gpx><trk><trkseg>` + strings.Repeat(`<trkpt lat="31.1" lon="117.1"></trkpt>`, patrol.MaxGPXPoints+1) + `</trkseg></trk></gpx>`,
			"too big":   `<gpx><!--` + strings.Repeat("x", patrol.MaxGPXBytes) + `--></gpx>`,
		} {
			_, err := e.s.ImportGPX(e.ctx, qs, idStr(p.ID), strings.NewReader(body))
			if e, ok := errs.As(err); !ok || e.Fields["file"].ZH == "" {
				t.Fatalf("%s: want a file error, got %v", name, err)
			}
		}
		if h := e.head(t); h != head || e.count(t, `SELECT point_count FROM fire_patrols WHERE id = $1`, p.ID) != 2 {
			t.Fatalf("a refused GPX changed something")
		}
	})
}

// A key village turns red below its post minimum or with fewer patrols
// than the warning over its town requires; the town is reminded once a day.
func TestVillageLights(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		vs, err := e.s.ListVillages(e.ctx, e.as("qs_admin"))
		if err != nil || len(vs) != 1 || vs[0].Light != "green" {
			t.Fatalf("no warning, 2 of 2 patrollers: %+v %v", vs, err)
		}
		e.warn(t, 4, e.unit("QS")) // level 4: 3 patrols a day, 3 patrollers a post
		vs, _ = e.s.ListVillages(e.ctx, e.as("qs_admin"))
		if vs[0].Light != "red" || len(vs[0].Reasons) != 2 || !strings.Contains(strings.Join(vs[0].Reasons, ""), "今日巡查0次") {
			t.Fatalf("under a level-4 warning: %+v", vs[0])
		}
		red, err := e.s.RecomputeLights(e.ctx, e.now())
		if err != nil || red != 1 {
			t.Fatalf("job: %d %v", red, err)
		}
		// The button answers with the actor's own red villages only.
		for user, want := range map[string]int{"qs_admin": 1, "lx_admin": 0, "supervisor": 1} {
			if n, err := e.s.Relight(e.ctx, e.as(user)); err != nil || n != want {
				t.Fatalf("relight as %s: %d %v, want %d", user, n, err, want)
			}
		}
		if _, err := e.s.RecomputeLights(e.ctx, e.now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'fire.posts'`); n == 0 {
			t.Fatalf("the town was not reminded")
		}
		reminded := e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'fire.posts'`)
		if _, err := e.s.RecomputeLights(e.ctx, e.now().Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'fire.posts'`); n != reminded {
			t.Fatalf("reminded twice the same day: %d → %d", reminded, n)
		}
		seq := e.head(t)
		if _, err := e.s.RecomputeLights(e.ctx, e.now().Add(3*time.Hour)); err != nil || e.head(t) != seq {
			t.Fatalf("a run that changes nothing wrote an audit entry (%v)", err)
		}
		if light := e.count(t, `SELECT COUNT(*) FROM fire_villages WHERE light = 'red' AND light_reason <> ''`); light != 1 {
			t.Fatalf("stored light")
		}
		if p, err := e.s.SavePost(e.ctx, e.as("qs_admin"), e.post.ID, patrol.PostInput{Name: e.post.Name,
			Patrollers: []patrol.Member{{Name: "王五"}}}); err != nil || !p.Below || p.Required != 3 {
			t.Fatalf("one patroller under a level-4 warning: %+v %v", p, err)
		}
		if p, err := e.s.SavePost(e.ctx, e.as("qs_admin"), e.post.ID, patrol.PostInput{Name: e.post.Name,
			Patrollers: []patrol.Member{{Name: "王五"}, {Name: "赵六"}, {Name: "钱七"}}}); err != nil || p.Below {
			t.Fatalf("three patrollers: %+v %v", p, err)
		}
		for i := 0; i < 3; i++ {
			e.start(t)
		}
		vs, _ = e.s.ListVillages(e.ctx, e.as("qs_admin"))
		if vs[0].Light != "green" {
			t.Fatalf("3 patrollers and 3 patrols: %+v", vs[0])
		}
		h, err := e.s.Home(e.ctx, e.as("supervisor"))
		if err != nil || h.PatrolsToday != 3 || len(h.Towns) != 2 || h.Towns[0].PatrolsToday != 3 || h.Towns[0].PatrolsRequired != 3 || len(h.Warnings) != 1 {
			t.Fatalf("home: %+v %v", h, err)
		}
	})
}

func TestReportTimelineAndChecks(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sup := e.as("supervisor")
		r, err := e.s.CreateReport(e.ctx, sup, patrol.ReportInput{OccurredAt: ptr(e.now().Add(-3 * time.Hour)), UnitID: e.unit("QS-ZJ"),
			Place: "张家村后山", Cause: "祭扫用火", AreaHa: 0.5})
		if err != nil || r.Stage != "reported" || len(r.Events) != 1 {
			t.Fatalf("report: %+v %v", r, err)
		}
		for i, k := range []string{"dispatched", "arrived", "out"} {
			if r, err = e.s.AddEvent(e.ctx, sup, r.ID, patrol.EventInput{At: ptr(e.now().Add(time.Duration(i-2) * time.Hour)), Kind: k}); err != nil {
				t.Fatal(err)
			}
		}
		if r.Stage != "out" || len(r.Events) != 4 {
			t.Fatalf("timeline: %+v", r)
		}
		_, err = e.s.AddEvent(e.ctx, sup, r.ID, patrol.EventInput{At: ptr(e.now().Add(-4 * time.Hour)), Kind: "arrived"})
		wantCode(t, err, errs.Validation, "at")
		c, err := e.s.CreateCheck(e.ctx, sup, patrol.CheckInput{TownID: e.unit("QS"), CheckedOn: "2026-11-25", Items: "防火责任制、巡查台账",
			Findings: "巡查台账不全", FixBy: "2026-12-05"})
		if err != nil || c.Checker != "自然资源分局" {
			t.Fatalf("check: %+v %v", c, err)
		}
		if _, err := e.s.FixCheck(e.ctx, e.as("lx_admin"), c.ID, patrol.FixInput{FixedOn: "2026-11-26", Note: "已补齐"}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other town fixes: %v", err)
		}
		if c, err = e.s.FixCheck(e.ctx, e.as("qs_staff"), c.ID, patrol.FixInput{FixedOn: "2026-11-26", Note: "已补齐"}); err != nil || c.FixedOn.IsZero() {
			t.Fatalf("fix: %v", err)
		}
	})
}
