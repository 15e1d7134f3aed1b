package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	_ "diaodu/internal/testutil" // light password hashing for tests
)

// The command line on a fresh SQLite data directory: the first admin, a
// password reset, lock and unlock, an online backup, and audit verify
// catching an edited entry.
func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := "--data=" + dir
	steps := [][]string{
		{"migrate", data},
		{"user", "add", data, "--username", "chief", "--name", "王主任", "--role", "admin", "--password", "Chief@2026x"},
		{"user", "passwd", data, "--username", "chief"},
		{"user", "lock", data, "--username", "chief"},
		{"user", "unlock", data, "--username", "chief"},
		{"backup", filepath.Join(dir, "copy.db"), data},
		{"audit", "verify", data},
		{"version"},
	}
	for _, args := range steps {
		if err := run(ctx, args); err != nil {
			t.Fatalf("diaodu %s: %v", strings.Join(args, " "), err)
		}
	}
	if err := run(ctx, []string{"backup", filepath.Join(dir, "copy.db"), data}); err == nil {
		t.Error("backup overwrote an existing file")
	}
	if err := run(ctx, []string{"user", "add", data, "--username", "chief"}); err == nil {
		t.Error("duplicate user accepted")
	}
	// The backup is a whole database.
	c, err := sql.Open("sqlite", filepath.Join(dir, "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	var users int
	if err := c.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil || users != 1 {
		t.Fatalf("backup holds %d users (%v)", users, err)
	}
	c.Close()
	// Tamper with the trail: verify must fail and name the entry.
	live, err := sql.Open("sqlite", filepath.Join(dir, "diaodu.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := live.Exec(`UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	live.Close()
	r, w, _ := os.Pipe()
	stdout := os.Stdout
	os.Stdout = w
	err = run(ctx, []string{"audit", "verify", data})
	w.Close()
	os.Stdout = stdout
	out := make([]byte, 4096)
	n, _ := r.Read(out)
	if err == nil || !strings.Contains(string(out[:n]), "#2") {
		t.Fatalf("verify after tampering: err=%v output=%q", err, out[:n])
	}
}
