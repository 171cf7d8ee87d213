package main

import (
	"strings"
	"testing"

	"github.com/waqhq/waq/sender/evolution/evolutiontest"
)

// TestInstancesCommand runs waq instances against a server whose
// environment defines an Evolution instance: it is listed with source env,
// its key masked.
func TestInstancesCommand(t *testing.T) {
	evo := evolutiontest.New("evo-key-5678", "sales-1")
	t.Cleanup(evo.Close)
	cfg := testConfig(t.TempDir(), GatewayEvolution)
	cfg.Evolution = EvolutionConfig{APIURL: evo.URL, APIKey: "evo-key-5678", Instance: "sales-1"}
	m, _ := startMain(t, cfg)
	env := map[string]string{"WAQ_URL": "http://" + m.HTTPAddr(), "WAQ_API_KEY": testKey}
	code, out, errOut := runCLI(t, env, "instances")
	if code != 0 || !strings.Contains(out, "sales-1   evolution  env     active  1000/1s") {
		t.Fatalf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
	_, out, _ = runCLI(t, env, "instances", "--json")
	if !strings.Contains(out, `"api_key": "…5678"`) || strings.Contains(out, "evo-key-5678") || !strings.Contains(out, `"source": "env"`) {
		t.Fatalf("json:\n%s", out)
	}
}
