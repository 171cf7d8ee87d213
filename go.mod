module github.com/waqhq/waq

go 1.26.8

require (
	github.com/julienschmidt/httprouter v1.3.0
	github.com/robfig/cron/v3 v3.0.1
	go.etcd.io/bbolt v1.4.3
)

require golang.org/x/sys v0.38.0 // indirect
