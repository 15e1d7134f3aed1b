package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"diaodu/internal/app"
	"diaodu/internal/demo"
	"diaodu/internal/org"
	"diaodu/internal/platform/auth"
	"diaodu/internal/platform/clock"
	"diaodu/internal/platform/db"
	"diaodu/internal/platform/errs"
)

func version() string { return app.Version }

// parse reads the common flags and any extra ones; positional arguments
// may come before or after the flags.
func parse(name string, args []string, cfg *app.Config, extra func(fs *flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func cmdServe(ctx context.Context, args []string) error {
	var cfg app.Config
	if _, err := parse("serve", args, &cfg, func(fs *flag.FlagSet) {
		fs.BoolVar(&cfg.TestClock, "test-clock", false, "allow PUT /api/v1/test/clock (browser tests only)")
	}); err != nil {
		return err
	}
	var clk clock.Clock = clock.System{}
	if cfg.TestClock {
		clk = &clock.Adjustable{}
	}
	a, err := app.Open(ctx, cfg, clk)
	if err != nil {
		return err
	}
	return a.Serve(ctx, func(addr string) { fmt.Printf("diaodu 已启动 / serving at http://%s\n", addr) })
}

func cmdDemo(ctx context.Context, args []string) error {
	cfg := app.Config{}
	scale := 1
	if _, err := parse("demo", args, &cfg, func(fs *flag.FlagSet) {
		fs.IntVar(&scale, "scale", 1, "multiply the demo district (benchmarks)")
		fs.BoolVar(&cfg.TestClock, "test-clock", false, "allow PUT /api/v1/test/clock (browser tests only)")
	}); err != nil {
		return err
	}
	if os.Getenv("DIAODU_DATA") == "" && cfg.DataDir == "./data" {
		cfg.DataDir = "./demo-data" // the demo never touches the real data directory
	}
	if !cfg.IsPostgres() {
		// A fresh demo each time: only ever remove a directory the demo made.
		marker := filepath.Join(cfg.DataDir, ".diaodu-demo")
		if _, err := os.Stat(cfg.DataDir); err == nil {
			if _, err := os.Stat(marker); err != nil {
				return fmt.Errorf("%s exists and is not a demo directory; choose another --data", cfg.DataDir)
			}
			if err := os.RemoveAll(cfg.DataDir); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(marker, []byte("made by diaodu demo; removed and rebuilt on every run\n"), 0o640); err != nil {
			return err
		}
	}
	var clk clock.Clock = clock.System{}
	if cfg.TestClock {
		clk = &clock.Adjustable{}
	}
	a, err := app.Open(ctx, cfg, clk)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := demo.District(ctx, a, scale)
	if err != nil {
		a.Close()
		return err
	}
	fmt.Printf("示范区已生成：%d 个单位，%d 个用户（%.1f 秒，数据目录 %s）\n", res.Units, res.Users, time.Since(start).Seconds(), cfg.DataDir)
	return a.Serve(ctx, func(addr string) {
		fmt.Printf("\n打开 / open  http://%s\n\n演示账号（密码均为 %s，仅供演示）/ demo logins (password %s, demo only):\n", addr, demo.Password, demo.Password)
		for _, l := range res.Logins {
			fmt.Printf("  %-10s  %-6s  %s\n", l.Username, l.Role, l.Who)
		}
		fmt.Println()
	})
}

func openApp(ctx context.Context, name string, args []string, extra func(fs *flag.FlagSet)) (*app.App, []string, error) {
	var cfg app.Config
	pos, err := parse(name, args, &cfg, extra)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.Open(ctx, cfg, clock.System{})
	return a, pos, err
}

func cmdMigrate(ctx context.Context, args []string) error {
	a, _, err := openApp(ctx, "migrate", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Println("数据库结构已是最新 / the schema is up to date")
	return nil
}

func cmdUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: diaodu user add|passwd|lock|unlock --username U …")
	}
	sub := args[0]
	var username, realName, unitCode, roles, password, phone string
	a, _, err := openApp(ctx, "user "+sub, args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&realName, "name", "", "real name (add)")
		fs.StringVar(&unitCode, "unit", "", "unit code (add); default the district")
		fs.StringVar(&roles, "role", "admin", "roles, comma-separated (add)")
		fs.StringVar(&phone, "phone", "", "mobile phone (add)")
		fs.StringVar(&password, "password", "", "password (add, passwd); read from stdin or generated when empty")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if username == "" {
		return errors.New("--username is required")
	}
	actor := auth.System("cli")
	if password == "-" {
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		password = strings.TrimSpace(line)
	}
	user, err := a.Org.UserByName(ctx, a.DB.R, username)
	if err != nil {
		return err
	}
	if sub != "add" && user == nil {
		return fmt.Errorf("no user %q", username)
	}
	switch sub {
	case "add":
		var unitID int64
		q := `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`
		qa := []any{}
		if unitCode != "" {
			q, qa = `SELECT id FROM units WHERE code = $1`, []any{unitCode}
		}
		if err := a.DB.R.QueryRowContext(ctx, q, qa...).Scan(&unitID); err != nil {
			if unitCode != "" {
				return fmt.Errorf("no unit with code %q", unitCode)
			}
			// An empty database: make the district so the first admin has a home.
			name, code, kind := "本区", "DISTRICT", org.KindDistrict
			u, err := a.Org.CreateUnit(ctx, actor, org.UnitInput{Name: &name, Code: &code, Kind: &kind})
			if err != nil {
				return explain(err)
			}
			unitID = u.ID
		}
		if realName == "" {
			realName = username
		}
		rs := strings.Split(roles, ",")
		in := org.UserInput{Username: &username, RealName: &realName, UnitID: &unitID, Roles: &rs, Phone: &phone}
		if password != "" {
			in.Password = &password
		}
		u, pw, err := a.Org.CreateUser(ctx, actor, in)
		if err != nil {
			return explain(err)
		}
		fmt.Printf("已创建用户 %s（%s），初始密码：%s\n首次登录须修改密码。\n", u.Username, u.RealName, pw)
	case "passwd":
		pw, err := a.Org.ResetPassword(ctx, actor, user.ID, password)
		if err != nil {
			return explain(err)
		}
		fmt.Printf("已重置 %s 的密码：%s\n下次登录须修改密码。\n", username, pw)
	case "lock", "unlock":
		if err := a.Org.SetLocked(ctx, actor, user.ID, sub == "lock"); err != nil {
			return explain(err)
		}
		fmt.Printf("%s: %s\n", sub, username)
	default:
		return fmt.Errorf("unknown user command %q", sub)
	}
	return nil
}

// explain prints a service error with its field messages.
func explain(err error) error {
	if e, ok := errs.As(err); ok {
		msg := e.Message.ZH
		for k, v := range e.Fields {
			msg += fmt.Sprintf("\n  %s: %s", k, v.ZH)
		}
		return errors.New(msg)
	}
	return err
}

func cmdBackup(ctx context.Context, args []string) error {
	a, pos, err := openApp(ctx, "backup", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(pos) != 1 {
		return errors.New("usage: diaodu backup FILE")
	}
	file := pos[0]
	if a.DB.Dialect == db.Postgres {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			return fmt.Errorf("PostgreSQL: install pg_dump and run: pg_dump --format=custom --file=%s '%s'", file, a.Cfg.DBURL())
		}
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+file, a.Cfg.DBURL())
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return err
		}
	} else if err := a.DB.Backup(ctx, file); err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Printf("备份完成 / backup written: %s (%d bytes)\n", file, st.Size())
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string) error {
	a, _, err := openApp(ctx, "audit verify", args, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	rep, err := a.Audit.Verify(ctx)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Printf("  #%d  %s\n", p.Seq, p.Problem)
	}
	if !rep.OK {
		return fmt.Errorf("审计日志校验失败：%d 条记录中发现 %d 处问题 / audit chain broken", rep.Checked, len(rep.Problems))
	}
	fmt.Printf("审计日志完整：%d 条记录哈希链校验通过（%.2f 秒）/ audit chain intact\n", rep.Checked, time.Since(start).Seconds())
	return nil
}
