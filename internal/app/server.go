package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"
)

// Serve listens on cfg.Addr until SIGINT/SIGTERM, then lets in-flight
// requests and imports finish before closing the database. ready, when
// not nil, is called with the bound address (port 0 picks a free one).
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", a.Cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	bg, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	a.StartBackground(bg)
	go func() {
		// A database never analyzed (new, or restored from an old backup)
		// gets its planner statistics now rather than at night.
		if err := a.DB.AnalyzeIfNever(bg); err != nil && bg.Err() == nil {
			slog.Warn("analyze", "err", err)
		}
	}()
	slog.Info("serving", "addr", ln.Addr().String(), "db", a.DB.Dialect)
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	stopBackground()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, a.Close())
}
