// Command diaodu runs the district work-dispatch platform.
//
//	diaodu serve | demo | migrate | user add|passwd|lock|unlock | backup FILE | audit verify | version
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "diaodu:", err)
		os.Exit(1)
	}
}

const usage = `diaodu — 高质量发展重点工作调度平台

用法 / usage:
  diaodu serve   [--addr 127.0.0.1:8080] [--data ./data] [--db URL]   启动服务
  diaodu demo    [--scale N] [--addr …] [--data ./demo-data]           生成示范区并启动
  diaodu migrate [--data …] [--db …]                                  升级数据库结构
  diaodu user add --username U --name 姓名 --unit 单位编码 --role admin[,…]
  diaodu user passwd|lock|unlock --username U
  diaodu backup FILE [--data …] [--db …]                              在线备份
  diaodu audit verify [--data …] [--db …]                             校验审计日志哈希链
  diaodu version

环境变量 / environment: DIAODU_ADDR, DIAODU_DATA, DIAODU_DB (see README)`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Println(usage)
		return nil
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:])
	case "demo":
		return cmdDemo(ctx, args[1:])
	case "migrate":
		return cmdMigrate(ctx, args[1:])
	case "user":
		return cmdUser(ctx, args[1:])
	case "backup":
		return cmdBackup(ctx, args[1:])
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			return fmt.Errorf("usage: diaodu audit verify")
		}
		return cmdAuditVerify(ctx, args[2:])
	case "version", "--version", "-v":
		fmt.Println("diaodu", version())
		return nil
	case "help", "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}
