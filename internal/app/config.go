// Package app wires the pieces together: configuration, database, services,
// routes and the HTTP server. It holds no business rules.
package app

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"diaodu/internal/platform/db"
)

// Config is everything the server needs to start.
type Config struct {
	Addr            string
	DataDir         string
	DB              string // SQLite path or postgres:// URL; default <data>/diaodu.db
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	MaxUploadBytes  int64
	MaxImportRows   int
	SecureCookie    bool
	TrustProxy      bool
	TestClock       bool // lets the browser tests move "now" (never in production)
	// BaseURL is the public address, for links in outbound notifications.
	BaseURL string
}

// Flags registers the common flags on fs, defaulting from the environment.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("DIAODU_ADDR", "127.0.0.1:8080"), "listen address (DIAODU_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("DIAODU_DATA", "./data"), "data directory (DIAODU_DATA)")
	fs.StringVar(&c.DB, "db", env("DIAODU_DB", ""), "database: SQLite file or postgres:// URL (DIAODU_DB); default <data>/diaodu.db")
	fs.DurationVar(&c.IdleTimeout, "session-idle", envDuration("DIAODU_SESSION_IDLE", 30*time.Minute), "session idle timeout (DIAODU_SESSION_IDLE)")
	fs.DurationVar(&c.AbsoluteTimeout, "session-max", envDuration("DIAODU_SESSION_MAX", 12*time.Hour), "session absolute timeout (DIAODU_SESSION_MAX)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload", envInt("DIAODU_MAX_UPLOAD", 20<<20), "largest attachment in bytes (DIAODU_MAX_UPLOAD)")
	fs.IntVar(&c.MaxImportRows, "max-import-rows", int(envInt("DIAODU_MAX_IMPORT_ROWS", 500_000)), "most rows an import may have (DIAODU_MAX_IMPORT_ROWS)")
	fs.BoolVar(&c.SecureCookie, "secure-cookie", os.Getenv("DIAODU_SECURE_COOKIE") == "1", "mark cookies Secure, behind TLS (DIAODU_SECURE_COOKIE=1)")
	fs.StringVar(&c.BaseURL, "base-url", env("DIAODU_BASE_URL", ""), "public address such as https://diaodu.example.gov.cn, for links in webhook messages (DIAODU_BASE_URL)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", os.Getenv("DIAODU_TRUST_PROXY") == "1", "take client addresses from X-Forwarded-For (DIAODU_TRUST_PROXY=1)")
}

// DBURL is the database to open.
func (c *Config) DBURL() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "diaodu.db")
}

// IsPostgres tells whether the database is PostgreSQL.
func (c *Config) IsPostgres() bool { return db.IsPostgresURL(c.DBURL()) }

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envDuration(k string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(k)); err == nil {
		return d
	}
	return def
}

func envInt(k string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(k), 10, 64); err == nil {
		return n
	}
	return def
}
