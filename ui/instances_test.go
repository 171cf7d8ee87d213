package ui_test

import (
	"strings"
	"testing"

	"github.com/waqhq/waq/sender/cloudapi/cloudapitest"
	"github.com/waqhq/waq/sender/evolution/evolutiontest"
	"github.com/waqhq/waq/sender/fleet"
	"github.com/waqhq/waq/store"
	"github.com/waqhq/waq/ui"
)

type instancesBundle struct {
	*bundle
	evo *evolutiontest.Server
	wa  *cloudapitest.Server
}

// setupInstances serves /v1/instances with an environment instance "env-1"
// (demo) and fake Evolution and Cloud API servers for the checks.
func setupInstances(t *testing.T) *instancesBundle {
	t.Helper()
	ib := &instancesBundle{evo: evolutiontest.New("evo-key-1234", "sales-1"), wa: cloudapitest.New("token-wxyz", "123456789")}
	t.Cleanup(ib.evo.Close)
	t.Cleanup(ib.wa.Close)
	env := &store.InstanceSettings{Name: "env-1", Gateway: "demo", Rate: "80/1m", Concurrency: 5, Enabled: true}
	ib.bundle = setup(t, func(o *ui.Options) {})
	ib.srv = ui.NewServer(ib.st, ui.Options{Fleet: &fleet.Fleet{Store: ib.st, Env: env, Check: fleet.CheckCredentials(nil), Now: ib.clock.Now}})
	ib.h = ib.srv.Handler()
	return ib
}

func TestInstancesPutGetDelete(t *testing.T) {
	b := setupInstances(t)
	list := decode[struct{ Instances []fleet.View }](t, b.do(t, "GET", "/v1/instances", "").want(t, 200))
	if len(list.Instances) != 1 || list.Instances[0].Source != "env" || list.Instances[0].State != "active" {
		t.Fatalf("env instance: %+v", list.Instances)
	}
	body := `{"gateway": "evolution", "evolution": {"url": "` + b.evo.URL + `", "api_key": "evo-key-1234"},
		"rate": "20/1m", "concurrency": 2, "pacing": {"gap": "3s-9s", "daily_cap": 500, "warmup_days": 10, "window": "09:00-21:00"}}`
	v := decode[fleet.View](t, b.do(t, "PUT", "/v1/instances/sales-1", body).want(t, 200))
	if v.Evolution.APIKey != "…1234" || v.Evolution.Instance != "sales-1" || v.Source != "api" || !v.Enabled || v.Rate != "20/1m" {
		t.Fatalf("put: %+v %+v", v, v.Evolution)
	}
	raw := string(b.do(t, "GET", "/v1/instances/sales-1", "").want(t, 200).body)
	if strings.Contains(raw, "evo-key-1234") {
		t.Fatalf("secret shown: %s", raw)
	}
	// The answer of a GET, secrets masked, PUT back keeps the secret.
	b.do(t, "PUT", "/v1/instances/sales-1", `{"gateway": "evolution", "evolution": {"url": "`+b.evo.URL+`", "api_key": "…1234"}}`).want(t, 200)
	got, _ := b.st.InstanceSettingsList()
	if len(got) != 1 || got[0].Evolution.APIKey != "evo-key-1234" {
		t.Fatalf("stored: %+v", got)
	}
	b.do(t, "PUT", "/v1/instances/wa-1", `{"gateway": "cloudapi", "cloudapi": {"api_url": "`+b.wa.URL+`", "token": "token-wxyz", "phone_number_id": "123456789"}}`).want(t, 200)
	b.do(t, "DELETE", "/v1/instances/sales-1", "").want(t, 200)
	b.do(t, "GET", "/v1/instances/sales-1", "").want(t, 404)
	b.do(t, "DELETE", "/v1/instances/sales-1", "").want(t, 404)
	b.do(t, "DELETE", "/v1/instances/env-1", "").want(t, 409)
}

func TestInstancesEnvOverride(t *testing.T) {
	b := setupInstances(t)
	v := decode[fleet.View](t, b.do(t, "PUT", "/v1/instances/env-1", `{"gateway": "demo", "rate": "5/1s", "enabled": false}`).want(t, 200))
	if v.Source != "api" || v.State != "disabled" || v.Rate != "5/1s" {
		t.Fatalf("override: %+v", v)
	}
	b.do(t, "DELETE", "/v1/instances/env-1", "").want(t, 200) // the override goes, the environment's comes back
	v = decode[fleet.View](t, b.do(t, "GET", "/v1/instances/env-1", "").want(t, 200))
	if v.Source != "env" || v.Rate != "80/1m" {
		t.Fatalf("after delete: %+v", v)
	}
}

func TestInstancesRefused(t *testing.T) {
	b := setupInstances(t)
	f := func(name, body, field, inMessage string) {
		t.Helper()
		r := b.do(t, "PUT", "/v1/instances/"+name, body).want(t, 422)
		e := decode[struct{ Error apiError }](t, r).Error
		if e.Field != field || !strings.Contains(e.Message, inMessage) {
			t.Fatalf("%s: field %q message %q, want %q containing %q", body, e.Field, e.Message, field, inMessage)
		}
	}
	evo := func(key, instance string) string {
		return `{"gateway": "evolution", "evolution": {"url": "` + b.evo.URL + `", "api_key": "` + key + `", "instance": "` + instance + `"}}`
	}
	f("sales-1", evo("wrong", "sales-1"), "evolution", "refused")
	f("sales-1", evo("evo-key-1234", "nope"), "evolution", "refused")
	f("wa-1", `{"gateway": "cloudapi", "cloudapi": {"api_url": "`+b.wa.URL+`", "token": "bad", "phone_number_id": "123456789"}}`, "cloudapi", "OAuth")
	f("wa-1", `{"gateway": "cloudapi", "cloudapi": {"api_url": "`+b.wa.URL+`", "token": "token-wxyz", "phone_number_id": "999"}}`, "cloudapi", "refused")
	f("wa-1", `{"gateway": "cloudapi", "cloudapi": {"token": "t", "phone_number_id": "+34600"}}`, "cloudapi.phone_number_id", "digits")
	f("x", `{"gateway": "sms"}`, "gateway", "evolution, cloudapi or demo")
	f("x", `{"gateway": "demo", "rate": "fast"}`, "rate", "COUNT/WINDOW")
	f("x", `{"gateway": "demo", "concurrency": -1}`, "concurrency", "1 to")
	f("x", `{"gateway": "demo", "pacing": {"window": "9-5"}}`, "pacing.window", "HH:MM")
	f("x", `{"gateway": "demo", "pacing": {"warmup_days": 3}}`, "pacing.warmup_days", "daily_cap")
	f("x", `{"gateway": "demo", "evolution": {}}`, "gateway", "no credentials")
	f("a%20b", `{"gateway": "demo"}`, "name", "letters")
	b.do(t, "PUT", "/v1/instances/x", `{"gateway": "demo", "colour": 1}`).want(t, 400)
	if got, _ := b.st.InstanceSettingsList(); len(got) != 0 {
		t.Fatalf("bad input stored: %+v", got)
	}
}
