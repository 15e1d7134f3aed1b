package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"diaodu/internal/platform/db"
	"diaodu/internal/testutil"
)

// Shutdown lets in-flight work finish: an import running when the signal
// comes completes (all of it), and the server then stops and closes the
// database.
func TestGracefulShutdownFinishesInFlightImport(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		f := testutil.NewFixture(t, d)
		a := f.App
		a.Cfg.Addr = "127.0.0.1:0"
		ctx, stop := context.WithCancel(context.Background())
		addrc := make(chan string, 1)
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx, func(addr string) { addrc <- addr }) }()
		base := "http://" + <-addrc

		// A sheet big enough to still be running when we stop.
		x := excelize.NewFile()
		sh := x.GetSheetName(0)
		sw, _ := x.NewStreamWriter(sh)
		_ = sw.SetRow("A1", []any{"单位编码", "单位名称", "类型", "上级单位编码"})
		const n = 5000
		for i := 0; i < n; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			_ = sw.SetRow(cell, []any{fmt.Sprintf("SD%05d", i), fmt.Sprintf("停机测试村%d", i), "村", "QS"})
		}
		_ = sw.Flush()
		var buf bytes.Buffer
		_ = x.Write(&buf)

		client := &http.Client{Timeout: 30 * time.Second}
		login, err := client.Post(base+"/api/v1/session", "application/json",
			strings.NewReader(`{"username":"admin","password":"`+testutil.Password+`"}`))
		if err != nil || login.StatusCode != 200 {
			t.Fatalf("login: %v %v", err, login)
		}
		cookie := login.Cookies()[0]
		var sess struct {
			CSRF string `json:"csrf_token"`
		}
		decodeJSON(t, login, &sess)
		req := uploadRequest(t, base+"/api/v1/units/imports", "big.xlsx", buf.Bytes())
		req.AddCookie(cookie)
		req.Header.Set("X-CSRF-Token", sess.CSRF)
		res, err := client.Do(req)
		if err != nil || res.StatusCode != http.StatusAccepted {
			t.Fatalf("start import: %v %v", err, res)
		}
		res.Body.Close()

		stop() // as SIGTERM would
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("server did not stop")
		}
		// The database is closed now; look with a fresh connection.
		var count int
		var status string
		check := testutil.Reopen(t, d)
		_ = check.R.QueryRow(`SELECT COUNT(*) FROM units WHERE code LIKE 'SD%'`).Scan(&count)
		_ = check.R.QueryRow(`SELECT status FROM import_jobs ORDER BY id DESC LIMIT 1`).Scan(&status)
		if count != n || status != "done" {
			t.Fatalf("after shutdown: %d units, job %q; want %d and done", count, status, n)
		}
		if _, err := http.Get(base + "/healthz"); err == nil {
			t.Fatal("server still answering")
		}
	})
}

func decodeJSON(t *testing.T, res *http.Response, v any) {
	t.Helper()
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func uploadRequest(t *testing.T, url, name string, data []byte) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", url, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}
