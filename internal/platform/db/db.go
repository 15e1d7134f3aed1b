// Package db opens the database (embedded SQLite or PostgreSQL) and runs
// transactions. The rest of the code writes plain SQL with $1 placeholders,
// which both drivers accept.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds a reader pool and a writer pool. On SQLite write transactions
// run one at a time (InTx queues them in Go), so concurrent writers never
// fail with "database is locked"; readers keep going thanks to WAL. On PostgreSQL
// both are the same pool.
type DB struct {
	R       *sql.DB
	W       *sql.DB
	Read    *Reader // R with prepared statements cached on SQLite
	Dialect Dialect
	URL     string
	Path    string // SQLite file, empty on PostgreSQL

	stmts   *stmtCache  // SQLite writer's prepared statements
	writeMu sync.Mutex  // SQLite: one write transaction at a time, queued in Go
	qmu     sync.Mutex  // guards queue
	queue   []*writeReq // SQLite writers waiting, committed together (InTx)
}

// IsPostgresURL tells whether a --db value points at PostgreSQL.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to url: a postgres:// URL, or a SQLite file path (optionally
// prefixed with "sqlite:" or "file:").
func Open(ctx context.Context, url string) (*DB, error) {
	if IsPostgresURL(url) {
		return openPostgres(ctx, url)
	}
	return openSQLite(ctx, url)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &DB{R: p, W: p, Dialect: Postgres, URL: dsn, Read: &Reader{db: p}}, nil
}

// The SQLite pools: readers, and two writer connections (one at work).
const readConns, writeConns = 8, 2

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-65536)") // 64 MiB: bulk loads touch many index pages
	// Statement journals and temporary sort trees in memory: each page of
	// them was a system call, and system calls are what a virtual server
	// charges most for. (A memory map for reads was tried and is slower: a
	// growing database is unmapped and mapped again at every transaction.)
	q.Add("_pragma", "temp_store(MEMORY)")
	// Checkpoint the WAL every ~40 MB instead of every 4 MB: a checkpoint runs
	// inside the commit that crosses the mark, and the hot pages (the ends of
	// the indexes) are copied back once per checkpoint, not once per 4 MB.
	q.Add("_pragma", "wal_autocheckpoint(10000)")
	q.Set("_time_format", "sqlite")
	base := "file:" + path + "?" + q.Encode()

	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	// Two connections, but InTx lets one write transaction run at a time: the
	// spare lets the statement cache prepare a new query while a transaction
	// holds the other, and SQLite never sees two writers at once.
	w.SetMaxOpenConns(writeConns)
	w.SetMaxIdleConns(writeConns)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	return &DB{R: r, W: w, Dialect: SQLite, URL: path, Path: path, stmts: &stmtCache{},
		Read: &Reader{db: r, cache: &stmtCache{}}}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	if d.stmts != nil {
		d.stmts.close()
	}
	if d.Read.cache != nil {
		d.Read.cache.close()
	}
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

// Tx is a write transaction. It embeds *sql.Tx and remembers the connection
// so bulk loads can reach the driver (pgx CopyFrom) inside the same
// transaction.
type Tx struct {
	*sql.Tx
	conn    *sql.Conn
	Dialect Dialect
	w       *sql.DB
	cache   *stmtCache
}

// InTx runs fn in a write transaction and commits when fn returns nil.
// Keep fn short: on SQLite every writer waits for it.
//
// On SQLite, writers that arrive while another one works are committed
// together (group commit): the first to get the writer next runs every
// waiting fn in one transaction, each under its own savepoint, so a failing
// fn is undone alone and gets its own error, and commits once. A commit
// writes each changed page of the WAL with two system calls, and writers
// share most of their pages (the ends of the indexes, the audit head), so
// under load this is most of the cost of a write. The order and the result
// are those of running the fns one after another.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	if d.Dialect != SQLite {
		return d.inTx(ctx, fn)
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	d.qmu.Lock()
	d.queue = append(d.queue, req)
	d.qmu.Unlock()
	d.writeMu.Lock()
	d.qmu.Lock()
	if !slices.Contains(d.queue, req) { // an earlier writer took it along
		d.qmu.Unlock()
		d.writeMu.Unlock()
		return req.wait()
	}
	batch := d.queue[:min(len(d.queue), maxGroup)]
	if !slices.Contains(batch, req) { // lead the first maxGroup; ours comes in a later batch
		batch = append(slices.Clone(batch[:maxGroup-1]), req)
		d.queue = slices.DeleteFunc(d.queue[maxGroup-1:], func(r *writeReq) bool { return r == req })
	} else {
		d.queue = d.queue[len(batch):]
	}
	d.qmu.Unlock()
	d.commitGroup(batch)
	d.writeMu.Unlock()
	return req.wait()
}

// maxGroup bounds how many writers share one commit (and wait for it).
const maxGroup = 64

// writeReq is a writer waiting for the SQLite writer.
type writeReq struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	err   error
	panic any
	done  chan struct{}
}

func (r *writeReq) wait() error {
	<-r.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// commitGroup runs the batch in one transaction and tells each its result.
func (d *DB) commitGroup(batch []*writeReq) {
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	if len(batch) == 1 {
		r := batch[0]
		r.err, r.panic = catch(func() error { return d.inTx(r.ctx, r.fn) })
		return
	}
	// The transaction outlives any one writer's request: a client that
	// goes away fails its own fn, not the others'.
	ctx := context.WithoutCancel(batch[0].ctx)
	err := d.inTx(ctx, func(tx *Tx) error {
		for _, r := range batch {
			if _, err := tx.Tx.ExecContext(ctx, `SAVEPOINT writer`); err != nil {
				return err
			}
			r.err, r.panic = catch(func() error { return r.fn(tx) })
			if r.err != nil || r.panic != nil {
				if _, err := tx.Tx.ExecContext(ctx, `ROLLBACK TO writer`); err != nil {
					return err
				}
			}
			if _, err := tx.Tx.ExecContext(ctx, `RELEASE writer`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil { // the transaction failed as a whole: nobody's writes stand
		for _, r := range batch {
			if r.err == nil && r.panic == nil {
				r.err = err
			}
		}
	}
}

// catch runs fn, turning a panic into a value to re-raise in the writer's
// own goroutine.
func catch(fn func() error) (err error, p any) {
	defer func() {
		if v := recover(); v != nil {
			p = v
		}
	}()
	return fn(), nil
}

// inTx is one transaction.
func (d *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: stx, conn: conn, Dialect: d.Dialect, w: d.W, cache: d.stmts}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback() // or the connection never returns to the pool
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	return stx.Commit()
}

// ForUpdate is the row-lock suffix for SELECT in a transaction. SQLite has a
// single writer, so it needs none.
func (d Dialect) ForUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Like builds a case-insensitive "contains" pattern with LIKE wildcards
// escaped; use it with `LOWER(col) LIKE $n ESCAPE '\'`.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(s)) + "%"
}

// IsUniqueViolation tells whether err comes from a UNIQUE constraint.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// NextIDs reserves n ids for table's id column, so a bulk load can know
// ids (and paths built from them) before it copies rows in. On SQLite the
// single writer makes max(id)+1.. safe inside the transaction.
func (tx *Tx) NextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	if tx.Dialect == Postgres {
		return IDs(ctx, tx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	}
	var max int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&max); err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		ids = append(ids, max+int64(i))
	}
	return ids, nil
}

// IsForeignKeyViolation tells whether err comes from a FOREIGN KEY constraint.
func IsForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

// NullID stores an id of 0 as NULL (an optional reference).
func NullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// Args collects a query's arguments as its conditions are built.
type Args []any

// Add appends v and returns its placeholder, e.g. "$3".
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// In appends ids and returns their placeholders for an "IN (…)", e.g.
// "$3, $4". An empty list gives NULL, which matches nothing, so the query
// stays valid SQL.
func (a *Args) In(ids []int64) string {
	if len(ids) == 0 {
		return "NULL"
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.Add(id)
	}
	return strings.Join(ph, ", ")
}

// stmtCache keeps the writer's prepared statements on SQLite, where
// preparing (parsing and planning) costs more than running a typical
// short write; pgx caches its own statements on PostgreSQL. The writer
// pool has one connection, so a statement prepared once is reused by
// every transaction through Tx.StmtContext.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache: queries built at run time (IN lists of
// varying length) would otherwise grow it without end; past the bound they
// simply run unprepared.
const maxCachedStmts = 512

func (c *stmtCache) get(ctx context.Context, w *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStmts {
		return nil
	}
	st, err := w.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the plain call report the error
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// stmt returns the transaction's copy of the cached statement for query, or
// nil when the query runs unprepared (PostgreSQL, or the cache is full).
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.cache == nil {
		return nil
	}
	st := tx.cache.get(ctx, tx.w, query)
	if st == nil {
		return nil
	}
	return tx.Tx.StmtContext(ctx, st)
}

// ExecContext runs a statement in the transaction, prepared once per query on SQLite.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, prepared once per query on SQLite.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction, prepared once per query on SQLite.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// Reader runs read queries with prepared statements kept per query on
// SQLite (where parsing a query costs as much as running a short one); on
// PostgreSQL it is the plain pool (pgx caches statements itself). Hot
// paths (the session lookup on every request, list pages) read through
// d.Read; the answers are the same as through d.R.
type Reader struct {
	db    *sql.DB
	cache *stmtCache
}

func (r *Reader) stmt(ctx context.Context, query string) *sql.Stmt {
	if r.cache == nil {
		return nil
	}
	return r.cache.get(ctx, r.db, query)
}

// QueryContext runs a query, prepared once per query on SQLite.
func (r *Reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query, prepared once per query on SQLite.
func (r *Reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.QueryRowContext(ctx, query, args...)
}

// AnalyzeIfNever is the server start's: Analyze when the database has no
// statistics yet (new, or restored from an old backup).
func (d *DB) AnalyzeIfNever(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	var n int
	err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	return d.Analyze(ctx)
}

// Analyze refreshes the statistics the query planner chooses indexes by.
// SQLite has none until asked, and then plans a filter on "status", which
// every open task shares, like one on "light", which picks out a few. It
// reads every index (a sampled ANALYZE cannot tell those two apart), about
// a second a few hundred megabytes with writers waiting, so the server runs
// it nightly and at start only when the database was never analyzed.
// PostgreSQL's autovacuum does this by itself.
func (d *DB) Analyze(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	if err := d.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Tx.ExecContext(ctx, `ANALYZE`)
		return err
	}); err != nil {
		return err
	}
	// A connection reads the statistics when it loads the schema, which
	// ANALYZE does not make the others do: let both pools open fresh ones.
	d.R.SetMaxIdleConns(0)
	d.R.SetMaxIdleConns(readConns)
	d.W.SetMaxIdleConns(0)
	d.W.SetMaxIdleConns(writeConns)
	return nil
}

// NullTime scans a nullable timestamp; T is zero for NULL.
type NullTime struct{ T time.Time }

// Scan implements sql.Scanner.
func (n *NullTime) Scan(v any) error {
	var t sql.NullTime
	if err := t.Scan(v); err != nil {
		return err
	}
	n.T = time.Time{}
	if t.Valid {
		n.T = t.Time
	}
	return nil
}

// Ptr returns a pointer to the time, nil when zero (for JSON that omits it).
func (n NullTime) Ptr() *time.Time {
	if n.T.IsZero() {
		return nil
	}
	t := n.T
	return &t
}
