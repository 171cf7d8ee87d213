// Package packaging holds no code: its tests build the .deb and .rpm with
// build.sh and check what an operator gets (packaging_test.go), the
// licence, changelogs and man page (metadata_test.go), the maintainer
// scripts (scripts_test.go), the packaged binary under a fake systemd
// (run_test.go), and the monitoring examples (monitoring_test.go).
// The files it tests are build.sh, nfpm.yaml, waq.env, copyright,
// changelog.yml, lintian-overrides, scripts/, grafana/, prometheus/,
// Caddyfile, ../LICENSE and ../systemd/waq.service. lint.sh (lintian and
// rpmlint, with rpmlint.toml) runs in .ci/run.
package packaging
