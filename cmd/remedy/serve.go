package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/remedy-grievance/remedy/internal/server"
)

func serveCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("REMEDY_ADDR", "127.0.0.1:8080"), "address to listen on (env REMEDY_ADDR)")
	demoData := fs.Bool("demo", false, "fill an empty data folder with fictional members, users and cases, and print the logins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *demoData {
		if err := fillDemo(ctx, s); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	slog.Info("serving", "addr", "http://"+ln.Addr().String(), "database", string(s.Dialect()))
	fmt.Printf("Remedy is listening on http://%s\n", ln.Addr())
	err = server.Run(ctx, ln, server.New(s, slog.Default()), 30*time.Second)
	slog.Info("stopped; closing the database")
	return err
}
