// Package browsertest drives pages in a real headless Chromium for tests, over the DevTools
// protocol (chromedp). A Tab emulates a phone (360×740 by default), records every request a page
// makes with the bytes transferred, keeps what the browser logs (Content Security Policy
// violations among it), saves a full-page PNG of every page into test-artifacts/browser/ at the
// repository root, and runs axe-core on demand.
//
// Where the browser comes from:
//   - REMEDY_TEST_BROWSER set (CI): Chromium and axe-core must be there, or the test fails.
//   - not set: a test skips, saying how to run it, when Chromium (or axe-core) is missing.
//   - REMEDY_CHROMIUM names the browser binary (default: Debian's /usr/lib/chromium/chromium,
//     then chromium, chromium-browser, google-chrome on PATH); REMEDY_AXE names axe.min.js
//     (default: ~/.cache/remedy-ci/npm/node_modules/axe-core/axe.min.js, where .ci/run installs it).
//
// Chromium is started with Flags only, plus a fresh --user-data-dir and the DevTools pipe that
// chromedp adds. Nothing here reaches beyond loopback.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The environment variables the tests read.
const (
	EnvRequired = "REMEDY_TEST_BROWSER"
	EnvChromium = "REMEDY_CHROMIUM"
	EnvAxe      = "REMEDY_AXE"
)

// HowToRun is the advice a skipped test gives.
const HowToRun = "install Chromium (apt-get install chromium) and axe-core " +
	"(npm install --no-save --prefix ~/.cache/remedy-ci/npm axe-core@4), then run " +
	"REMEDY_TEST_BROWSER=1 go test ./internal/intake/ (as .ci/run does)"

// Flags are the only command-line switches Chromium gets, besides a fresh --user-data-dir and
// --remote-debugging-pipe (chromedp's connection). The network ones keep it from calling home.
var Flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "disable-sync", "no-first-run",
}

// Timeout bounds one step (an action, a page load); a step that takes longer fails the test.
const Timeout = 20 * time.Second

// Required reports whether the environment demands the browser tests (CI).
func Required() bool {
	v := os.Getenv(EnvRequired)
	return v != "" && v != "0" && v != "false"
}

// unavailable fails the test when the browser tests are required, else skips it with advice.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s is set, but %s", EnvRequired, msg)
	}
	t.Skipf("skipping a browser test: %s. To run it, %s", msg, HowToRun)
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// ChromiumPath finds the browser, or skips (fails when required) the test.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvChromium); p != "" {
		if !executable(p) {
			t.Fatalf("%s=%s is not an executable file", EnvChromium, p)
		}
		return p
	}
	// Debian's /usr/bin/chromium is a shell script that adds flags of its own
	// (/etc/chromium.d); the binary it runs takes ours alone.
	if p := "/usr/lib/chromium/chromium"; executable(p) {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	unavailable(t, "Chromium was not found (set %s to its path)", EnvChromium)
	return ""
}

// AxePath is where axe.min.js is looked for.
func AxePath() string {
	if p := os.Getenv(EnvAxe); p != "" {
		return p
	}
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "remedy-ci", "npm", "node_modules", "axe-core", "axe.min.js")
}

// AxeSource reads axe-core, or skips (fails when required) the test.
func AxeSource(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(AxePath())
	if err != nil {
		unavailable(t, "axe-core cannot be read (%v; set %s to axe.min.js)", err, EnvAxe)
	}
	if !strings.Contains(string(b), "axe") || len(b) < 10_000 {
		t.Fatalf("%s does not look like axe.min.js (%d bytes)", AxePath(), len(b))
	}
	return string(b)
}

// Browser is one running Chromium. Each Tab gets a browser context of its own (its own cookies).
type Browser struct {
	ctx     context.Context
	Version string
}

// Start launches Chromium for the test and closes it when the test ends. It skips or fails as
// the package comment says when there is none.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path)}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	out := &syncBuffer{}
	opts = append(opts, chromedp.CombinedOutput(out))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() { cancel(); cancelAlloc() }

	started := make(chan struct{})
	go func() { // the first Run binds the browser's life to ctx, so it takes no timeout itself
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			cancel()
		}
	}()
	err := chromedp.Do(ctx)
	close(started)
	if err != nil {
		stop()
		t.Fatalf("starting Chromium %s: %v\n%s", path, err, out.String())
	}
	t.Cleanup(stop)
	b := &Browser{ctx: ctx}
	vctx, vcancel := context.WithTimeout(ctx, Timeout)
	defer vcancel()
	if v, err := chromedp.CallBrowser(vctx, browser.GetVersion, cdp.Empty{}); err == nil {
		b.Version = v.Product
	}
	return b
}

// Options shape a tab.
type Options struct {
	AcceptLanguage string // sent with every request; empty: the browser's own
	NoJavaScript   bool   // Emulation.setScriptExecutionDisabled before the first page
	Width, Height  int64  // viewport; 360×740 (a small phone) when zero
	MaxBytes       int64  // every page with its resources must transfer fewer bytes; 0: no limit
}

// Tab is one page in a browser context of its own.
type Tab struct {
	t      testing.TB
	ctx    context.Context
	origin string // every request must stay on it
	opts   Options

	mu       sync.Mutex
	reqs     map[network.RequestID]*Resource
	order    []network.RequestID
	messages []Message
	lastSeen time.Time
}

// Resource is one request of a page.
type Resource struct {
	URLs     []string // the first, then each redirect's target
	Type     string   // Document, Stylesheet, Script, Image, Other…
	Method   string
	Status   int64
	MimeType string
	Bytes    int64 // transferred (encoded, with headers), redirects included
	Done     bool
	Failed   string
}

// URL is where the request ended up.
func (r Resource) URL() string { return r.URLs[len(r.URLs)-1] }

// Message is something the browser logged: a console call, an exception or a browser log entry
// (where Chromium reports Content Security Policy violations).
type Message struct {
	Kind, Level, Text string
}

// CSP reports whether the message is a Content Security Policy violation.
func (m Message) CSP() bool {
	return strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy")
}

func (m Message) String() string { return m.Kind + " " + m.Level + ": " + m.Text }

// NewTab opens a tab on the site at origin (for example httptest.Server.URL).
func (b *Browser) NewTab(t testing.TB, origin string, o Options) *Tab {
	t.Helper()
	if o.Width == 0 {
		o.Width, o.Height = 360, 740
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	tab := &Tab{t: t, ctx: ctx, origin: strings.TrimSuffix(origin, "/"), opts: o, reqs: map[network.RequestID]*Resource{}}
	if err := chromedp.Listen(ctx, tab.record); err != nil { // opens the tab
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(func() {
		for _, m := range tab.takeMessages() { // anything logged after the last page was checked
			if m.CSP() || m.Kind == "exception" {
				t.Errorf("the browser reported: %s", m)
			}
		}
		cancel()
	})
	setup := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(o.Width, o.Height, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		call(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
	}
	if o.AcceptLanguage != "" {
		setup = append(setup, call(network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": o.AcceptLanguage}}))
	}
	if o.NoJavaScript {
		setup = append(setup, call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	}
	tab.Do(setup...)
	return tab
}

func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// record runs in the tab's event loop: it must return fast and send no command.
func (tab *Tab) record(ev any) {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	res := func(id network.RequestID) *Resource {
		r := tab.reqs[id]
		if r == nil {
			r = &Resource{}
			tab.reqs[id] = r
			tab.order = append(tab.order, id)
		}
		return r
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := res(ev.RequestID)
		if ev.RedirectResponse != nil {
			r.Bytes += int64(ev.RedirectResponse.EncodedDataLength)
		}
		r.URLs = append(r.URLs, ev.Request.URL)
		r.Type, r.Method = string(ev.Type), ev.Request.Method
	case *network.EventResponseReceived:
		r := res(ev.RequestID)
		r.Status, r.MimeType = ev.Response.Status, ev.Response.MimeType
		if len(r.URLs) == 0 {
			r.URLs = []string{ev.Response.URL}
		}
	case *network.EventLoadingFinished:
		r := res(ev.RequestID)
		r.Bytes += int64(ev.EncodedDataLength)
		r.Done = true
	case *network.EventLoadingFailed:
		r := res(ev.RequestID)
		r.Done, r.Failed = true, ev.ErrorText
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		tab.messages = append(tab.messages, Message{"console", string(ev.Type), strings.Join(parts, " ")})
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			text += " " + ev.ExceptionDetails.Exception.Description
		}
		tab.messages = append(tab.messages, Message{"exception", "error", text})
	case *cdplog.EventEntryAdded:
		tab.messages = append(tab.messages, Message{"log:" + string(ev.Entry.Source), string(ev.Entry.Level), ev.Entry.Text})
	default:
		return
	}
	tab.lastSeen = time.Now()
}

func (tab *Tab) takeMessages() []Message {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	m := tab.messages
	tab.messages = nil
	return m
}

func (tab *Tab) reset() {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	tab.reqs, tab.order, tab.messages = map[network.RequestID]*Resource{}, nil, nil
}

// settle waits until every request seen has finished and nothing new came for a moment (a late
// favicon request, say), at most a few seconds.
func (tab *Tab) settle() {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		tab.mu.Lock()
		busy := time.Since(tab.lastSeen) < 200*time.Millisecond
		for _, r := range tab.reqs {
			busy = busy || !r.Done
		}
		tab.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Do runs actions on the tab, failing the test on the first error.
func (tab *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tab.t.Fatalf("browser: %v", err)
	}
}

// Get runs one action that returns a value, failing the test on error.
func Get[T any](tab *Tab, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.t.Fatalf("browser: %v", err)
	}
	return v
}

// Page is what one page load brought.
type Page struct {
	Name        string
	Lang        string // the html element's lang
	Status      int64
	URL         string
	CSP         string // the document's Content-Security-Policy header
	Resources   []Resource
	Messages    []Message
	Transferred int64 // document and every resource, as sent over the wire
	Screenshot  string
	origin      string
	maxBytes    int64
}

// Open loads path on the site, screenshots it and fails the test on any Problem.
func (tab *Tab) Open(name, path string) *Page {
	tab.t.Helper()
	p := tab.Visit(name, chromedp.Navigate(tab.origin+path))
	p.fail(tab.t)
	return p
}

// Follow runs actions that load a new page (a click on a link or a submit button), then does
// what Open does.
func (tab *Tab) Follow(name string, actions ...chromedp.Action[chromedp.Void]) *Page {
	tab.t.Helper()
	p := tab.Visit(name, actions...)
	p.fail(tab.t)
	return p
}

// Visit runs actions that load a page and records it, with a screenshot, without judging it.
func (tab *Tab) Visit(name string, actions ...chromedp.Action[chromedp.Void]) *Page {
	tab.t.Helper()
	tab.reset()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tab.t.Fatalf("loading %s: %v", name, err)
	}
	tab.settle()
	p := &Page{Name: name, origin: tab.origin, maxBytes: tab.opts.MaxBytes}
	if resp != nil {
		p.Status, p.URL = resp.Status, resp.URL
		for k, v := range resp.Headers {
			if strings.EqualFold(k, "Content-Security-Policy") {
				p.CSP = fmt.Sprint(v)
			}
		}
	}
	tab.mu.Lock()
	for _, id := range tab.order {
		r := *tab.reqs[id]
		if len(r.URLs) == 0 {
			continue
		}
		p.Resources = append(p.Resources, r)
		p.Transferred += r.Bytes
	}
	p.Messages = tab.messages
	tab.messages = nil
	tab.mu.Unlock()
	p.Lang = Get(tab, chromedp.Evaluate[string](`document.documentElement.lang || "xx"`))
	label := p.Lang + "-" + name
	if tab.opts.NoJavaScript {
		label += "-nojs"
	}
	p.Screenshot = tab.Screenshot(label)
	tab.t.Logf("page %s: HTTP %d, %s", name, p.Status, p.Sizes())
	return p
}

// Sizes describes the page's transfers: the total and each resource.
func (p *Page) Sizes() string {
	var parts []string
	for _, r := range p.Resources {
		u, _ := url.Parse(r.URL())
		name := r.URL()
		if u != nil && u.Host == strings.TrimPrefix(strings.TrimPrefix(p.origin, "http://"), "https://") {
			name = u.Path
		}
		parts = append(parts, fmt.Sprintf("%s %s %d B", r.Type, name, r.Bytes))
	}
	return fmt.Sprintf("%d bytes transferred (%s)", p.Transferred, strings.Join(parts, ", "))
}

// Problems lists what is wrong with the page: a request to another origin, a request that
// failed, no Content-Security-Policy or one allowing inline code, a CSP violation or uncaught
// exception reported by the browser, or more bytes than the tab allows.
func (p *Page) Problems() []string {
	var out []string
	for _, r := range p.Resources {
		for _, u := range r.URLs {
			if u != p.origin && !strings.HasPrefix(u, p.origin+"/") {
				out = append(out, fmt.Sprintf("a %s request went to another origin: %s", r.Type, u))
			}
		}
		if r.Failed != "" {
			out = append(out, fmt.Sprintf("the %s request for %s failed: %s", r.Type, r.URL(), r.Failed))
		}
	}
	switch {
	case p.CSP == "":
		out = append(out, "the document has no Content-Security-Policy header")
	case strings.Contains(p.CSP, "'unsafe-inline'") || strings.Contains(p.CSP, "'unsafe-eval'"):
		out = append(out, "the Content-Security-Policy allows inline code: "+p.CSP)
	}
	for _, m := range p.Messages {
		if m.CSP() {
			out = append(out, "Content Security Policy violation: "+m.Text)
		} else if m.Kind == "exception" {
			out = append(out, "uncaught exception: "+m.Text)
		}
	}
	if p.maxBytes > 0 && p.Transferred >= p.maxBytes {
		out = append(out, fmt.Sprintf("%d bytes transferred, budget %d: %s", p.Transferred, p.maxBytes, p.Sizes()))
	}
	return out
}

func (p *Page) fail(t testing.TB) {
	t.Helper()
	for _, m := range p.Messages {
		if !m.CSP() && m.Kind != "exception" {
			t.Logf("page %s: the browser logged %s", p.Name, m)
		}
	}
	for _, problem := range p.Problems() {
		t.Errorf("page %s (%s): %s", p.Name, p.URL, problem)
	}
}

var (
	shotSeq   atomic.Int32
	shotDir   string
	shotErr   error
	shotSetup sync.Once
)

// ScreenshotDir is test-artifacts/browser/PACKAGE at the repository root (go test runs each
// package's tests in its own process, at the same time: a folder each keeps them apart); it is
// emptied of old PNGs the first time a test process uses it.
func ScreenshotDir() (string, error) {
	shotSetup.Do(func() {
		wd, err := os.Getwd()
		dir := wd
		for err == nil {
			if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				err = errors.New("no go.mod above the working directory")
			}
			dir = parent
		}
		if err != nil {
			shotErr = err
			return
		}
		pkg, err := filepath.Rel(dir, wd)
		if err != nil {
			shotErr = err
			return
		}
		shotDir = filepath.Join(dir, "test-artifacts", "browser", strings.ReplaceAll(filepath.ToSlash(pkg), "/", "-"))
		if shotErr = os.MkdirAll(shotDir, 0o755); shotErr != nil {
			return
		}
		old, _ := filepath.Glob(filepath.Join(shotDir, "*.png"))
		for _, f := range old {
			os.Remove(f)
		}
	})
	return shotDir, shotErr
}

// Screenshot saves a full-page PNG as NN-name.png and returns its path.
func (tab *Tab) Screenshot(name string) string {
	tab.t.Helper()
	dir, err := ScreenshotDir()
	if err != nil {
		tab.t.Fatalf("screenshot folder: %v", err)
	}
	png := Get(tab, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		w, h := float64(tab.opts.Width), float64(tab.opts.Height)
		if m.CSSContentSize != nil {
			w, h = max(w, m.CSSContentSize.Width), max(h, m.CSSContentSize.Height)
		}
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: w, Height: h, Scale: 1},
			CaptureBeyondViewport: ptr(true),
			FromSurface:           ptr(true),
		})
		return r.Data, err
	}))
	path := filepath.Join(dir, fmt.Sprintf("%02d-%s.png", shotSeq.Add(1), safeName(name)))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Fatalf("saving a screenshot: %v", err)
	}
	tab.t.Logf("screenshot %s", path)
	return path
}

func ptr[T any](v T) *T { return &v }

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// Violation is one axe-core rule that failed.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s, at %s (%d element(s)) %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, " | "), v.Nodes, v.HelpURL)
}

// AxeResult is a summary of one axe-core run.
type AxeResult struct {
	Violations []Violation `json:"violations"`
	Passed     []string    `json:"passed"`     // the rules that applied and passed
	Incomplete []string    `json:"incomplete"` // rules axe could not decide, for a person to check
}

// Evaluated reports whether rule id applied to the page (it passed or was violated).
func (r AxeResult) Evaluated(id string) bool {
	for _, p := range r.Passed {
		if p == id {
			return true
		}
	}
	for _, v := range r.Violations {
		if v.ID == id {
			return true
		}
	}
	return false
}

// AxeTags are the rule sets run: WCAG 2.0 and 2.1, levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// rtlContrast adds, on right-to-left pages, the rule "color-contrast-rtl": axe's own
// color-contrast check on every element with text of its own. axe's color-contrast rule skips text
// that its icon-font heuristic (isIconLigature: the first letter drawn alone against the whole
// string on a canvas) takes for ligature icons, and joined, right-to-left Arabic always looks like
// that, so without this no Arabic text would have its contrast checked.
const rtlContrast = `if (document.documentElement.dir === "rtl") {
  axe.configure({rules: [{
    id: "color-contrast-rtl", selector: "*", excludeHidden: true, tags: ["wcag2aa", "wcag143"], any: ["color-contrast"],
    matches: function (node, vnode) {
      const name = vnode.props.nodeName;
      if (["option", "select", "script", "style", "head", "title"].includes(name)) return false;
      if (name === "input" && ["hidden", "range", "color", "checkbox", "radio", "image"].includes(vnode.props.type)) return false;
      if (name === "input" || name === "textarea") return !node.disabled;
      return vnode.children.some(c => c.props.nodeName === "#text" && c.actualNode.nodeValue.trim() !== "");
    },
    metadata: {description: "Text in a right-to-left page meets the minimum contrast ratio (axe color-contrast without its icon-ligature heuristic)",
      help: "Elements must meet minimum color contrast ratio thresholds"},
  }]});
}`

// Axe injects axe-core's source into the current page through the DevTools protocol (which the
// page's Content-Security-Policy does not govern) and runs the AxeTags rules on the document.
func (tab *Tab) Axe(source string) AxeResult {
	tab.t.Helper()
	tags := `"` + strings.Join(AxeTags, `","`) + `"`
	run := `(async () => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: [` + tags + `]}});
  return {
    violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))})),
    passed: r.passes.map(v => v.id),
    incomplete: r.incomplete.map(v => v.id + " (" + v.nodes.length + ")"),
  };
})()`
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](source), chromedp.Evaluate[chromedp.Void](rtlContrast)); err != nil {
		tab.t.Fatalf("injecting axe-core: %v", err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[AxeResult](run, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.t.Fatalf("running axe-core: %v", err)
	}
	sort.Slice(res.Violations, func(i, j int) bool { return res.Violations[i].ID < res.Violations[j].ID })
	return res
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() < 64<<10 {
		s.b.Write(p)
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// For lets one step of a longer test (a t.Run subtest) drive a tab its parent opened: until the
// step ends, a failure on the tab fails t (and stops that step only), then the parent again. The
// tab keeps its cookies, so a person signed in in one step is still signed in in the next.
func (tab *Tab) For(t testing.TB) *Tab {
	prev := tab.t
	tab.t = t
	t.Cleanup(func() { tab.t = prev })
	return tab
}
