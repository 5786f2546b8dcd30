package web

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// RetryAfter is how long a client is asked to wait when the service is briefly unavailable.
const RetryAfter = 30 // seconds

// Unavailable reports whether err says the database could not be reached or did not answer in
// time (connection refused or lost, a statement or request timeout, a server shutting down, a
// database locked or its disk full), rather than a fault in the request or in our code. Those
// answer 503 with Retry-After: the same request will work once the database is back.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			pgErr.Code == "57014",                                               // query_canceled: statement_timeout
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, cannot connect now
			pgErr.Code == "53100", pgErr.Code == "53300", // disk full, too many connections
			pgErr.Code == "55P03": // lock_not_available: lock_timeout
			return true
		}
		return false
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// SQLite (modernc.org/sqlite): busy or locked past busy_timeout, I/O error, disk full,
	// cannot open the file.
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 5, 6, 10, 13, 14:
			return true
		}
	}
	return false
}

// Failure says how to answer a request that failed with err: 503 with a Retry-After header
// (set on w) when the database is unavailable, else 500. key names the message: "unavailable"
// or "error" (the catalogs' notice.* and error.* keys).
func Failure(w http.ResponseWriter, err error) (status int, key string) {
	if Unavailable(err) {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "error"
}
