package resp

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/waqhq/waq/internal/chrometest"
	"github.com/waqhq/waq/store/redistest"
)

// TestRedisCommander points Redis Commander (npm redis-commander, pinned in
// testdata/commander; the replaced stack ran it beside Bull Board) at waq's
// RESP port and drives it in headless Chromium: the key tree lists a BullMQ
// queue's keys (database 0, as the mirror writes them) and the analytics
// keys (database 1); a hash, a sorted set and a list open with their
// contents; a string edited in the page is saved (read back over RESP).
// It skips when chromium, node or the package cannot be had.
func TestRedisCommander(t *testing.T) {
	browser := chrometest.Start(t, 1280, 900)
	dir := redistest.NodeProject(t, filepath.Join("testdata", "commander"), "package.json", "package-lock.json")
	addr, _ := startWaq(t, Options{})
	fillCommanderKeys(t, dial(t, addr))
	web := startCommander(t, dir, addr)
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	pg := &page{t: t, ctx: ctx}
	if err := chromedp.Listen(ctx, pg.note); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(web)); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addr)
	q, stats := "R:127.0.0.1:"+port+":0:", "R:127.0.0.1:"+port+":1:"
	pg.open(q+"bull:", q+"bull:sends:")
	for _, k := range []string{"bull:sends:1", "bull:sends:2", "bull:sends:id", "bull:sends:meta", "bull:sends:wait", "bull:sends:delayed", "bull:sends:completed"} {
		pg.waitNode(q + k)
	}
	pg.open(strings.TrimSuffix(stats, ":"), stats+"stats:") // the second connection starts closed
	for _, k := range []string{"stats:total", "stats:by_campaign", "events"} {
		pg.waitNode(stats + k)
	}
	pg.show(q+"bull:sends:1", "Type: hash", "name", "send-text", `"to":"+4915112345678"`, "1765000000000")
	pg.show(q+"bull:sends:delayed", "Type: Sorted Set (1 Members)", "7229440000000000")
	pg.show(q+"bull:sends:wait", "Type: List (2 Items)")
	pg.show(stats+"stats:by_campaign", "Type: hash", "c0", "10")
	pg.show(stats+"stats:total", "Type: string")
	pg.wait(`document.querySelector('#stringValue').value === '20'`)
	pg.eval(`document.querySelector('#stringValue').value = '42', true`)
	pg.eval(`document.querySelector('#saveKeyButton').click(), true`)
	r := dial(t, addr)
	r.do("SELECT", "1")
	for deadline := time.Now().Add(chrometest.StepTimeout); ; {
		if v, _ := r.do("GET", "stats:total"); v == "$2\r\n42\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the value saved in Redis Commander never reached waq")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, p := range pg.seen() {
		t.Error(p) // an error answer from Redis Commander's API (a command waq refused) or a script error
	}
}

// fillCommanderKeys writes a BullMQ queue "sends" as BullMQ lays it out
// (docs: /work/shared/spec/reference/bullmq.md) in database 0 and the
// analytics keys the ioredis code keeps in database 1.
func fillCommanderKeys(t *testing.T, r *rconn) {
	t.Helper()
	job := func(id, ts string) []string {
		return []string{"HSET", "bull:sends:" + id, "name", "send-text", "data", `{"to":"+4915112345678","text":"hi"}`,
			"opts", `{"attempts":3,"delay":0}`, "timestamp", ts, "delay", "0", "priority", "0", "atm", "0"}
	}
	cmds := [][]string{
		{"SET", "bull:sends:id", "3"},
		job("1", "1765000000000"), job("2", "1765000001000"), job("3", "1765000002000"),
		{"HSET", "bull:sends:meta", "opts.maxLenEvents", "10000", "version", "bullmq:5.34.0"},
		{"LPUSH", "bull:sends:wait", "1", "2"},
		{"ZADD", "bull:sends:delayed", "7229440000000000", "3"},
		{"ZADD", "bull:sends:completed", "1765000003000", "0"},
		{"HSET", "bull:sends:0", "name", "send-text", "finishedOn", "1765000003000", "returnvalue", `{"id":"wamid.1"}`},
		{"SELECT", "1"},
		{"SET", "stats:total", "20"},
		{"HSET", "stats:by_campaign", "c0", "10", "c1", "10"},
		{"ZADD", "events", "1765000000000", "e0", "1765000000001", "e1"},
		{"SELECT", "0"},
	}
	for _, c := range cmds {
		if v, err := r.do(c...); err != nil || v[0] == '-' {
			t.Fatalf("%v: %q %v", c, v, err)
		}
	}
}

// startCommander runs redis-commander from dir on a free port with two
// connections to waq at addr (databases 0 and 1) and returns its address
// once it answers.
func startCommander(t *testing.T, dir, addr string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	web := ln.Addr().String()
	ln.Close()
	_, webPort, _ := net.SplitHostPort(web)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, "node_modules", "redis-commander", "bin", "redis-commander.js"),
		"--address", "127.0.0.1", "--port", webPort, "--nosave")
	cmd.Dir = dir
	conns := fmt.Sprintf(`{"connections":[{"label":"queue","host":%q,"port":%s,"dbIndex":0},{"label":"analytics","host":%q,"port":%s,"dbIndex":1}]}`,
		host, port, host, port)
	cmd.Env = append(os.Environ(), "NODE_CONFIG="+conns) // node-config's settings from the environment
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("redis-commander:\n%s", out.String())
		}
	})
	for deadline := time.Now().Add(chrometest.StepTimeout); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + web + "/"); err == nil {
			resp.Body.Close()
			return "http://" + web + "/"
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-commander never answered:\n%s", out.String())
		}
	}
}

// page is Redis Commander's page in a tab, with the problems it showed.
type page struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
}

// note runs on the tab's event loop: it records script errors and error
// answers (Redis Commander's API answers 500 when a command fails).
func (p *page) note(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *cdpruntime.EventExceptionThrown:
		p.problems = append(p.problems, "exception: "+ev.ExceptionDetails.Text)
	case *network.EventResponseReceived:
		// Redis Commander serves its JSON viewer from its own
		// node_modules, where npm does not put it when it is installed
		// as a dependency (hoisted): its 404 is the package's, not waq's.
		if ev.Response.Status >= 400 && !strings.Contains(ev.Response.URL, "/json-viewer/") {
			p.problems = append(p.problems, fmt.Sprintf("%s: %d", ev.Response.URL, ev.Response.Status))
		}
	}
}

func (p *page) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.problems)
}

func (p *page) wait(expr string) {
	p.t.Helper()
	if err := chrometest.Wait(p.ctx, expr); err != nil {
		body, _ := chrometest.Eval[string](p.ctx, `document.body.innerText`)
		p.t.Fatalf("waiting for %s: %v\npage:\n%s", expr, err, body)
	}
}

func (p *page) eval(expr string) {
	p.t.Helper()
	if _, err := chrometest.Eval[bool](p.ctx, expr); err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
}

// waitNode waits for the key tree's node id (jstree gives its link the id
// id+"_anchor").
func (p *page) waitNode(id string) {
	p.t.Helper()
	p.wait(fmt.Sprintf(`document.getElementById(%q)`, id+"_anchor"))
}

// open expands folders of the key tree by clicking their toggles.
func (p *page) open(ids ...string) {
	p.t.Helper()
	for _, id := range ids {
		p.waitNode(id)
		p.eval(fmt.Sprintf(`document.getElementById(%q).querySelector('.jstree-ocl').click(), true`, id))
	}
}

// show clicks the key's node and waits until the key's view shows every
// text of want.
func (p *page) show(id string, want ...string) {
	p.t.Helper()
	p.waitNode(id)
	p.eval(fmt.Sprintf(`document.getElementById(%q).click(), true`, id+"_anchor"))
	key := strings.SplitN(id, ":", 5)[4] // after "R:host:port:db:"
	conds := []string{fmt.Sprintf(`document.querySelector('#itemData').innerText.includes(%q)`, "Key: "+key)}
	for _, w := range want {
		conds = append(conds, fmt.Sprintf(`document.querySelector('#body').innerText.toLowerCase().includes(%q)`, strings.ToLower(w)))
	}
	p.wait(strings.Join(conds, " && "))
}
