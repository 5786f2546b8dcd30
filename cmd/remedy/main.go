// Command remedy runs the Remedy grievance platform and its maintenance tasks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // the platform's zone must load on machines without a zoneinfo database
)

const usage = `Remedy: a joint grievance mechanism for business and human rights.

Usage:
  remedy serve [--addr 127.0.0.1:8080] [--data ./remedy-data] [--database-url postgres://…] [--demo]
               [--trusted-proxies CIDR,…] [--tls-cert FILE --tls-key FILE] [--health-addr ADDR]
               [--max-conns N] [--max-conns-per-source N] [--min-upload-rate B/s] (remedy serve -h: all)
  remedy user add --email E --name N --role handler|admin|member|expert|panel [--member ID] [--public-url URL]
  remedy member add --name-en N [--name-ja N] [--sector S] [--brand B]… [--group-company G]… [--supplier S]…
  remedy token create --email E --name N [--days 90]
  remedy audit verify
  remedy key rotate [--batch 500]
  remedy backup --to FILE
  remedy seed --cases N
  remedy import --mapping accountability-console|FILE.json [--dry-run] [--rejects FILE.csv] FILE.csv

Every command takes --data and --database-url (or REMEDY_DATA, REMEDY_DATABASE_URL).
The key-encryption key is read from REMEDY_KEY, or from remedy.key in the data folder
(created on first start). Run "remedy COMMAND -h" for a command's flags.
`

type command func(ctx context.Context, args []string) error

var commands = map[string]command{
	"serve":        serveCommand,
	"user add":     userAddCommand,
	"member add":   memberAddCommand,
	"token create": tokenCreateCommand,
	"audit verify": auditVerifyCommand,
	"key rotate":   keyRotateCommand,
	"backup":       backupCommand,
	"seed":         seedCommand,
	"import":       importCommand,
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, args := lookup(os.Args[1:])
	if cmd == nil {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := cmd(ctx, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		var exit exitCode
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintln(os.Stderr, "remedy:", err)
		os.Exit(1)
	}
}

// lookup finds the one- or two-word command at the start of args.
func lookup(args []string) (command, []string) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:]
		}
	}
	if len(args) >= 1 {
		if c, ok := commands[args[0]]; ok {
			return c, args[1:]
		}
	}
	return nil, nil
}

// exitCode makes main exit with a given status (audit verify: 1 means a broken chain).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func envOr(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
