package server_test

// Benchmarks for filing a report, and two baselines measured the same way in the same run:
//
//   - BenchmarkReportCreate: POST /api/v1/reports through server.New on a real SQLite store
//     (WAL, synchronous=FULL, one writer connection), over a real TCP listener on 127.0.0.1
//     and a real keep-alive http.Client.
//   - BenchmarkBareHandler: a plain net/http handler that decodes the same JSON body and
//     answers 201 with a small JSON, over the same kind of listener and client.
//   - BenchmarkBareSQLiteInsert: one durable INSERT of a 1 KiB blob per transaction, with the
//     store's pragmas and a single writer connection, through database/sql and modernc.org/sqlite.
//
// Each sub-benchmark (clients=1, 16, 64) spreads b.N operations over that many goroutines,
// times every operation, and reports throughput ("reports/s") and the p50 and p99 latency in
// milliseconds. Client and server share the process (and the machine's cores).
//
// Run (see docs/benchmarks.md):
//
//	go test -run '^$' -bench 'ReportCreate|BareHandler|BareSQLite' -benchtime 3s -count 3 ./internal/server/

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/remedy-grievance/remedy/internal/server"
	"github.com/remedy-grievance/remedy/internal/store"
	"github.com/remedy-grievance/remedy/internal/store/storetest"
)

var benchClients = []int{1, 16, 64}

// benchReport is a realistic report: a Vietnamese technical intern in Japan, one company named,
// about 1.9 KB of JSON.
var benchReport = map[string]any{
	"language": "vi",
	"country":  "JP",
	"description": "Tôi là thực tập sinh kỹ năng người Việt Nam, làm việc tại nhà máy chế biến thực phẩm của công ty " +
		"Hikari Foods Kyushu ở tỉnh Fukuoka từ tháng 4 năm 2024. Trước khi sang Nhật, mỗi người trong nhóm chúng tôi " +
		"đã phải trả cho công ty môi giới ở Hà Nội khoảng 180 triệu đồng, phần lớn là tiền vay của người thân với lãi " +
		"suất cao. Khi đến nơi, quản lý đã thu giữ hộ chiếu và thẻ cư trú của chúng tôi và nói rằng sẽ trả lại khi hết " +
		"hợp đồng. Chúng tôi làm việc từ 6 giờ sáng đến 9 giờ tối, sáu ngày mỗi tuần, nhưng phiếu lương chỉ ghi 8 giờ " +
		"mỗi ngày và tiền làm thêm giờ không được trả đầy đủ. Công ty trừ vào lương 45.000 yên mỗi tháng tiền ký túc xá " +
		"cho một phòng sáu người. Khi một bạn trong nhóm bị thương ở tay do máy cắt, quản lý không cho đi bệnh viện " +
		"ngay và bảo bạn ấy không được báo cho nghiệp đoàn. Chúng tôi sợ bị đuổi về nước nếu lên tiếng, vì vậy xin giữ " +
		"bí mật danh tính của chúng tôi.",
	"companies":         []map[string]any{{"name": "Hikari Foods Kyushu", "relation": "supplier"}},
	"reporter_type":     "affected_person",
	"anonymous":         true,
	"preferred_contact": "platform",
	"site":              "Nhà máy số 2, Kasuya, Fukuoka",
	"categories":        []string{"forced_labour", "recruitment_migrant_workers", "working_hours", "wages_benefits", "occupational_safety_health"},
	"when_happened":     "Từ tháng 4 năm 2024 đến nay",
	"people_affected":   12,
	"vulnerable_groups": []string{"migrant"},
	"urgency":           "urgent",
	"fears_retaliation": true,
	"remedy_sought": "Trả lại hộ chiếu và thẻ cư trú, trả đủ tiền làm thêm giờ, hoàn lại phí tuyển dụng, " +
		"và bảo đảm không ai bị trả thù hay bị đuổi về nước vì đã khiếu nại.",
}

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := json.Marshal(benchReport)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// runClients performs b.N calls of op spread over clients goroutines (each takes the next
// operation until b.N are taken), timing each call. Before the clock starts every goroutine
// makes one untimed call, so keep-alive connections exist. It reports reports/s, p50-ms and
// p99-ms, and fails the benchmark on the first error.
func runClients(b *testing.B, clients int, op func() error) {
	b.Helper()
	var (
		warm    sync.WaitGroup
		done    sync.WaitGroup
		start   = make(chan struct{})
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		firstEr error
		lat     = make([][]time.Duration, clients)
	)
	fail := func(err error) {
		errOnce.Do(func() { firstEr = err })
		failed.Store(true)
	}
	for w := range clients {
		warm.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			if err := op(); err != nil {
				fail(fmt.Errorf("warm-up: %w", err))
			}
			warm.Done()
			<-start
			mine := make([]time.Duration, 0, b.N/clients+1)
			for next.Add(1) <= int64(b.N) && !failed.Load() {
				t0 := time.Now()
				err := op()
				mine = append(mine, time.Since(t0))
				if err != nil {
					fail(err)
					break
				}
			}
			lat[w] = mine
		}()
	}
	warm.Wait()
	if failed.Load() {
		close(start)
		done.Wait()
		b.Fatal(firstEr)
	}
	b.ResetTimer()
	t0 := time.Now()
	close(start)
	done.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	if failed.Load() {
		b.Fatal(firstEr)
	}
	all := slices.Concat(lat...)
	if len(all) != b.N {
		b.Fatalf("timed %d operations, want %d", len(all), b.N)
	}
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
	b.ReportMetric(ms(percentile(all, 0.50)), "p50-ms")
	b.ReportMetric(ms(percentile(all, 0.99)), "p99-ms")
}

// percentile of sorted durations, nearest-rank.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// httpClient keeps one idle connection per client goroutine so every request reuses one.
func httpClient(clients int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// poster returns an op that POSTs body to u and wants 201.
func poster(c *http.Client, u string, body []byte) func() error {
	return func() error {
		req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d, want 201: %s", resp.StatusCode, got)
		}
		return nil
	}
}

func BenchmarkReportCreate(b *testing.B) {
	body := benchBody(b)
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s := storetest.Open(b, store.SQLite, storetest.Options{}) // fresh b.TempDir()
			ts := httptest.NewServer(server.New(s, slog.New(slog.NewTextHandler(io.Discard, nil))))
			defer ts.Close()
			c := httpClient(clients)
			defer c.CloseIdleConnections()
			runClients(b, clients, poster(c, ts.URL+"/api/v1/reports", body))
		})
	}
}

// bareReport mirrors the API's request body so the bare handler decodes the same JSON.
type bareReport struct {
	Language         string              `json:"language"`
	Description      string              `json:"description"`
	Country          string              `json:"country"`
	Companies        []map[string]string `json:"companies"`
	ReporterType     string              `json:"reporter_type"`
	Anonymous        *bool               `json:"anonymous"`
	PreferredContact string              `json:"preferred_contact"`
	Site             string              `json:"site"`
	Categories       []string            `json:"categories"`
	WhenHappened     string              `json:"when_happened"`
	PeopleAffected   int                 `json:"people_affected"`
	VulnerableGroups []string            `json:"vulnerable_groups"`
	Urgency          string              `json:"urgency"`
	FearsRetaliation bool                `json:"fears_retaliation"`
	RemedySought     string              `json:"remedy_sought"`
}

func bareHandler(w http.ResponseWriter, r *http.Request) {
	var rep bareReport
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil || rep.Description == "" {
		http.Error(w, "bad report", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	io.WriteString(w, `{"receipt":"1234567890123456","reference":"R-2026-00001"}`+"\n")
}

func BenchmarkBareHandler(b *testing.B) {
	body := benchBody(b)
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			mux := http.NewServeMux()
			mux.HandleFunc("POST /api/v1/reports", bareHandler)
			ts := httptest.NewServer(mux)
			defer ts.Close()
			c := httpClient(clients)
			defer c.CloseIdleConnections()
			runClients(b, clients, poster(c, ts.URL+"/api/v1/reports", body))
		})
	}
}

// bareSQLiteDSN has the store's writer pragmas (see store.sqliteDSN).
func bareSQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_time_format", "sqlite")
	q.Add("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

func BenchmarkBareSQLiteInsert(b *testing.B) {
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			db, err := sql.Open("sqlite", bareSQLiteDSN(filepath.Join(b.TempDir(), "bare.db")))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			db.SetConnMaxIdleTime(0)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, `CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			var mode string
			if err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				b.Fatalf("journal_mode %q, %v", mode, err)
			}
			var syncMode int
			if err := db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&syncMode); err != nil || syncMode != 2 {
				b.Fatalf("synchronous %d, %v; want 2 (FULL)", syncMode, err)
			}
			blob := make([]byte, 1024)
			rand.Read(blob)
			runClients(b, clients, func() error {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (data) VALUES (?)`, blob); err != nil {
					tx.Rollback()
					return err
				}
				return tx.Commit()
			})
		})
	}
}
