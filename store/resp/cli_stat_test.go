package resp

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fillBig writes keys of every type for redis-cli's keyspace reports: the
// biggest of each type is known, as are the totals.
func fillBig(t *testing.T, addr string) {
	t.Helper()
	var in strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&in, "SET str:%02d %s\n", i, strings.Repeat("x", i+1)) // 465 bytes in all; str:29 has 30
	}
	in.WriteString("HSET bull:sends:1 name send-text data {} opts {} timestamp 1765000000000\nHSET bull:sends:meta version 5\n")
	in.WriteString("RPUSH bull:sends:wait 1 2 3\nSADD tags a b\nZADD bull:sends:delayed 1 a 2 b 3 c 4 d\n")
	redisCLI(t, addr, in.String())
}

func TestRedisCLIBigKeys(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	fillBig(t, addr)
	out := redisCLI(t, addr, "", "--bigkeys")
	for _, want := range []string{
		"Sampled 35 keys in the keyspace!",
		`Biggest string found '"str:29"' has 30 bytes`,
		`Biggest   hash found '"bull:sends:1"' has 4 fields`,
		`Biggest   list found '"bull:sends:wait"' has 3 items`,
		`Biggest    set found '"tags"' has 2 members`,
		`Biggest   zset found '"bull:sends:delayed"' has 4 members`,
		"30 strings with 465 bytes (85.71% of keys, avg size 15.50)",
		"2 hashs with 5 fields (05.71% of keys, avg size 2.50)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--bigkeys lacks %q:\n%s", want, out)
		}
	}
	// --memkeys ranks by MEMORY USAGE, which waq estimates from the records.
	out = redisCLI(t, addr, "", "--memkeys")
	usage := strings.TrimSpace(redisCLI(t, addr, "MEMORY USAGE bull:sends:delayed\n"))
	if want := `Biggest   zset found '"bull:sends:delayed"' has ` + usage + " bytes"; !strings.Contains(out, want) {
		t.Errorf("--memkeys lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "Sampled 35 keys in the keyspace!") {
		t.Errorf("--memkeys:\n%s", out)
	}
}

// TestRedisCLIStat reads three lines of redis-cli --stat, which polls INFO
// every 0.1 s until it is killed: keys, clients, requests growing by one
// INFO each, connections.
func TestRedisCLIStat(t *testing.T) {
	addr, _ := startWaq(t, Options{})
	fillBig(t, addr)
	if _, err := exec.LookPath("stdbuf"); err != nil {
		t.Skip("stdbuf (coreutils) is not installed: skipped")
	}
	redisCLI(t, addr, "") // the binary is there, or the test skips
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "stdbuf", "-oL", "redis-cli", "-h", host, "-p", port, "--stat", "-i", "0.1")
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	row := regexp.MustCompile(`^(\d+)\s+([\d.]+[KMG]?)\s+(\d+)\s+(\d+)\s+(\d+) \(\+(\d+)\)\s+(\d+)\s*$`)
	var rows [][]string
	sc := bufio.NewScanner(pipe)
	for sc.Scan() && len(rows) < 3 {
		line := sc.Text()
		if m := row.FindStringSubmatch(line); m != nil {
			rows = append(rows, m)
		} else if !strings.Contains(line, "data") && !strings.Contains(line, "keys") {
			t.Errorf("unexpected --stat line %q", line)
		}
	}
	if len(rows) < 3 {
		t.Fatalf("--stat gave %d rows", len(rows))
	}
	for i, m := range rows {
		// 35 keys, one client (redis-cli itself), no one blocked, 3
		// connections so far (two redis-cli runs and this one).
		if m[1] != "35" || m[3] != "1" || m[4] != "0" || m[7] != "3" {
			t.Errorf("--stat row %d: %q", i, m[0])
		}
		if i > 0 && m[6] != "1" {
			t.Errorf("--stat row %d: requests grew by %s, want 1 (its INFO)", i, m[6])
		}
	}
}
