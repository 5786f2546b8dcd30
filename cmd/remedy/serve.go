package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/remedy-grievance/remedy/internal/admin"
	"github.com/remedy-grievance/remedy/internal/notify"
	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/web"
)

// fdReserve are the file descriptors kept back from the connection cap: database connections,
// the SQLite files, the key file, logs and the operations listener.
const fdReserve = 256

func serveCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf storeFlags
	sf.register(fs)
	defaults := server.DefaultOptions()
	addr := fs.String("addr", envOr("REMEDY_ADDR", "127.0.0.1:8080"), "address to listen on (env REMEDY_ADDR)")
	demoData := fs.Bool("demo", false, "fill an empty data folder with fictional members, users and cases, and print the logins")
	healthAddr := fs.String("health-addr", envOr("REMEDY_HEALTH_ADDR", ""), "also serve /livez, /readyz and /healthz alone on this address, outside the public connection caps, e.g. 127.0.0.1:8081 (env REMEDY_HEALTH_ADDR)")
	trusted := fs.String("trusted-proxies", envOr("REMEDY_TRUSTED_PROXIES", ""), "comma-separated CIDRs or addresses of reverse proxies whose X-Forwarded-For/Forwarded and X-Forwarded-Proto are believed, e.g. 127.0.0.1/32 (env REMEDY_TRUSTED_PROXIES)")
	publicURL := fs.String("public-url", envOr("REMEDY_PUBLIC_URL", ""), "the address users reach the platform at, e.g. https://remedy.example.org; staff set-up links and links in mails start with it (default: the host each request came to; in mails http://--addr) (env REMEDY_PUBLIC_URL)")
	tlsCert := fs.String("tls-cert", envOr("REMEDY_TLS_CERT", ""), "serve HTTPS directly with this certificate file (PEM, with --tls-key) (env REMEDY_TLS_CERT)")
	tlsKey := fs.String("tls-key", envOr("REMEDY_TLS_KEY", ""), "the private key of --tls-cert (PEM) (env REMEDY_TLS_KEY)")
	maxConns := fs.Int("max-conns", envInt("REMEDY_MAX_CONNS", 0), "connections held open at most, in all; 0: the file limit less a reserve (env REMEDY_MAX_CONNS)")
	maxPerSource := fs.Int("max-conns-per-source", envInt("REMEDY_MAX_CONNS_PER_SOURCE", 64), "connections one address (IPv6: one /64) may hold open; trusted proxies are exempt (env REMEDY_MAX_CONNS_PER_SOURCE)")
	minRate := fs.Int64("min-upload-rate", int64(envInt("REMEDY_MIN_UPLOAD_RATE", int(defaults.Body.MinRate))), "bytes a second an upload must average after the grace period, or it is cut; 0: no minimum (env REMEDY_MIN_UPLOAD_RATE)")
	grace := fs.Duration("upload-grace", defaults.Body.Grace, "time an upload may take before the minimum rate applies")
	reqTimeout := fs.Duration("request-timeout", defaults.Body.Work, "a request's own work (database included) ends after this long without progress on its body")
	stmtTimeout := fs.Duration("statement-timeout", 30*time.Second, "PostgreSQL statement_timeout of the server's connections; 0: none")
	minFree := fs.Uint64("min-free-mb", defaults.MinFreeBytes>>20, "readiness fails when the data folder has less free space than this, in MiB")
	smtpHost := fs.String("smtp-host", envOr("REMEDY_SMTP_HOST", ""), "SMTP server for notifications; empty: mail is off and notifications wait in the outbox (env REMEDY_SMTP_HOST)")
	smtpPort := fs.Int("smtp-port", envInt("REMEDY_SMTP_PORT", 0), "SMTP port; 0: 587 for starttls, 465 for tls, 25 for none (env REMEDY_SMTP_PORT)")
	smtpUser := fs.String("smtp-user", envOr("REMEDY_SMTP_USER", ""), "SMTP user; the password is read from REMEDY_SMTP_PASSWORD only (env REMEDY_SMTP_USER)")
	smtpTLS := fs.String("smtp-tls", envOr("REMEDY_SMTP_TLS", "starttls"), "starttls, tls (implicit, SMTPS) or none (env REMEDY_SMTP_TLS)")
	mailFrom := fs.String("mail-from", envOr("REMEDY_MAIL_FROM", ""), "sender address of notifications (env REMEDY_MAIL_FROM)")
	largeBudget := fs.Int64("large-body-budget-mb", defaults.LargeBodyBudget>>20, "MiB of large request bodies (over 1 MiB) handled at once; others wait, then get 503")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := defaults
	var err error
	opts.DataDir = sf.data
	if opts.PublicURL, err = checkPublicURL(*publicURL); err != nil {
		return err
	}
	opts.MinFreeBytes = *minFree << 20
	opts.Body.MinRate, opts.Body.Grace, opts.Body.Work = *minRate, *grace, *reqTimeout
	opts.LargeBodyBudget = *largeBudget << 20
	proxies, err := web.ParseProxies(*trusted)
	if err != nil {
		return err
	}
	opts.TrustedProxies = proxies
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if *tlsCert != "" {
		if _, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey); err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
	}
	mailCfg := notify.SMTPConfig{Host: *smtpHost, Port: *smtpPort, User: *smtpUser, Password: os.Getenv("REMEDY_SMTP_PASSWORD"), TLS: *smtpTLS, From: *mailFrom}
	mailer, err := notify.NewSMTP(mailCfg)
	if err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = "http://" + *addr
	}
	opts.Mail = admin.Mail{Config: mailCfg, PublicURL: *publicURL}
	if mailer != nil {
		opts.Mail.Mailer = mailer // a nil *SMTP in the interface would not read as "off"
	}
	limits := server.ConnLimits{Total: connCap(*maxConns), PerSource: *maxPerSource, Exempt: proxies}

	sf.statementTimeout = *stmtTimeout
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
	raw, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ln := server.LimitListener(raw, limits)
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	slog.Info("serving", "addr", scheme+"://"+ln.Addr().String(), "database", string(s.Dialect()),
		"max_conns", limits.Total, "max_conns_per_source", limits.PerSource, "trusted_proxies", len(proxies))
	fmt.Printf("Remedy is listening on %s://%s\n", scheme, ln.Addr())
	run := server.RunConfig{Grace: 30 * time.Second, TLSCert: *tlsCert, TLSKey: *tlsKey}
	ctx, stop := context.WithCancel(ctx) // one listener failing stops the other
	defer stop()
	errc := make(chan error, 2)
	serving := 1
	if *healthAddr != "" {
		hl, err := net.Listen("tcp", *healthAddr)
		if err != nil {
			ln.Close()
			return err
		}
		serving++
		slog.Info("health endpoints", "addr", "http://"+hl.Addr().String())
		go func() {
			errc <- server.RunWith(ctx, server.LimitListener(hl, server.ConnLimits{Total: 32}), server.HealthHandler(s, opts), server.RunConfig{Grace: time.Second})
		}()
	}
	go func() { errc <- server.RunWith(ctx, ln, server.NewWith(s, slog.Default(), opts), run) }()
	// The worker delivers the outbox and runs the clock's rules; one instance at a time holds its
	// lease. It stops with the listeners, before the database closes.
	worker := notify.New(s, notify.Config{Mailer: opts.Mail.Mailer, PublicURL: *publicURL})
	workerDone := make(chan struct{})
	go func() { worker.Run(ctx); close(workerDone) }()
	slog.Info("notifications", "mail", mailer != nil)
	for ; serving > 0; serving-- {
		if e := <-errc; e != nil && err == nil {
			err = e
		}
		stop()
	}
	<-workerDone
	slog.Info("stopped; closing the database")
	return err
}

// connCap is the total connection cap: the one asked for, never above what the file limit
// (raised to its hard maximum first, where allowed) leaves after the reserve.
func connCap(asked int) int {
	limit := raiseFileLimit()
	room := int(limit) - fdReserve
	if limit == 0 { // unknown
		room = 16384
	}
	if room < 64 {
		room = 64
	}
	if asked <= 0 {
		return min(room, 16384)
	}
	if asked > room {
		slog.Warn("--max-conns lowered to what the file limit allows", "asked", asked, "max_conns", room)
		return room
	}
	return asked
}

func envInt(name string, fallback int) int {
	if v, err := strconv.Atoi(envOr(name, "")); err == nil {
		return v
	}
	return fallback
}
