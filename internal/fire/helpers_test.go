package fire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"diaodu/internal/fire"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/db"
	"diaodu/internal/registry"
	"diaodu/internal/testutil"
)

// env is the fixture district with households: 张家村 (青石镇) has 5,
// 河口村 (柳溪镇) has 3, and one inactive household in 张家村.
type env struct {
	f   *testutil.Fixture
	ctx context.Context
	s   *fire.Service
	hh  map[string][]int64 // active household ids by village code
	off int64              // the inactive one
}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	e := &env{f: testutil.NewFixture(t, d), ctx: context.Background(), hh: map[string][]int64{}}
	e.s = e.f.App.Fire
	for _, v := range []struct {
		code, town string
		n          int
	}{{"QS-ZJ", "QS", 5}, {"LX-HK", "LX", 3}} {
		for i := 1; i <= v.n; i++ {
			e.hh[v.code] = append(e.hh[v.code], e.addHousehold(t, v.code, v.town, i, true))
		}
	}
	e.off = e.addHousehold(t, "QS-ZJ", "QS", 9, false)
	return e
}

func (e *env) addHousehold(t testing.TB, village, town string, i int, active bool) int64 {
	t.Helper()
	u := e.f.Units[village]
	var id int64
	name := fmt.Sprintf("户主%s%d", village, i)
	if err := e.f.App.DB.W.QueryRowContext(e.ctx, `INSERT INTO households (village_id, village_path, town_id, code, head_name, address,
		people, active, dup_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		u.ID, u.Path, e.f.Units[town].ID, fmt.Sprintf("%s-%04d", village, i), name, fmt.Sprintf("%d组%d号", i%3+1, i), 3, active,
		name+"|"+fmt.Sprint(i), testutil.Start).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// Straight into the table: the registry's counters are recounted as after a bulk load.
	if err := registry.RecountHouseholds(e.ctx, e.f.App.DB.W); err != nil {
		t.Fatal(err)
	}
	return id
}

func ptr[T any](v T) *T { return &v }

func (e *env) as(name string) *auth.Actor { return e.f.Users[name] }
func (e *env) unit(code string) int64     { return e.f.Units[code].ID }

// head is the audit chain's length: a bad input must not move it.
func (e *env) head(t testing.TB) int { return e.f.Count(t, `SELECT seq FROM audit_head WHERE id = 1`) }

// letter is a letter to towns (none: the whole district) created by the supervisor.
func (e *env) letter(t testing.TB, towns ...int64) *fire.Letter {
	t.Helper()
	return e.letterBy(t, "supervisor", towns...)
}

// letterBy is a letter to towns created by a fixture user (a town's own letter).
func (e *env) letterBy(t testing.TB, user string, towns ...int64) *fire.Letter {
	t.Helper()
	l, err := e.s.CreateLetter(e.ctx, e.as(user), fire.LetterInput{Title: ptr("致全区人民群众的一封信"),
		Body: ptr("森林防火，人人有责。"), StartsOn: ptr("2026-11-01"), EndsOn: ptr("2027-04-30"), TownIDs: &towns})
	if err != nil {
		t.Fatalf("create letter: %v", err)
	}
	return l
}

// signature uploads a drawn signature (PNG) for a letter as a.
func (e *env) signature(t testing.TB, a *auth.Actor, letterID int64) int64 {
	t.Helper()
	f, err := e.s.UploadFile(e.ctx, a, letterID, "signature.png", bytes.NewReader(pngBytes(t)))
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	return f.ID
}

// receipt is a signature for a letter uploaded by a fixture user:
// receipts count only with the actor's own upload. Who may not upload gets
// the admin's, which the call refuses before it reads the file.
func (e *env) receipt(t testing.TB, user string, letterID int64) int64 {
	t.Helper()
	if f, err := e.s.UploadFile(e.ctx, e.as(user), letterID, "signature.png", bytes.NewReader(pngBytes(t))); err == nil {
		return f.ID
	}
	return e.signature(t, e.as("admin"), letterID)
}

// deliver records a signed receipt for a household as a, with a signature a uploaded.
func (e *env) deliver(t testing.TB, a *auth.Actor, letterID, household int64, key string) (*fire.Delivery, bool, error) {
	t.Helper()
	return e.s.Deliver(e.ctx, a, letterID, fire.DeliveryInput{HouseholdID: household, Method: fire.MethodSignature,
		FileIDs: []int64{e.signature(t, a, letterID)}, ClientKey: key})
}

func (e *env) advance(d time.Duration) { e.f.Clock.Advance(d) }

// wantCode is the shared check of a refusal's code and field.
var wantCode = testutil.WantCode

func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, 10, color.Black)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func itoa(n int64) string { return fmt.Sprint(n) }

// mustList decodes a JSON array, or the items of a list answer.
func mustList(t testing.TB, b []byte) []any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	if m, ok := v.(map[string]any); ok {
		v = m["items"]
	}
	l, _ := v.([]any)
	return l
}
