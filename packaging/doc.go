// Package packaging holds no code: its tests build the .deb and .rpm with
// build.sh and check what an operator gets (packaging_test.go), the
// maintainer scripts (scripts_test.go), the packaged binary under a fake
// systemd (run_test.go), and the monitoring examples (monitoring_test.go).
// The files it tests are build.sh, nfpm.yaml, waq.env, scripts/, grafana/,
// prometheus/, Caddyfile and ../systemd/waq.service.
package packaging
