package resp

// The stream commands (issue 13), with their hints. As in Redis, only
// XADD, and XDEL, XTRIM and XGROUP CREATE … MKSTREAM when they change the
// stream's entries or create it, count as changes for WATCH (~touch).
func init() {
	const x = "stream"
	def(x, "xadd", -5, "write denyoom fast", 1, 1, 1, cmdXAdd)
	def(x, "xlen", 2, "readonly fast", 1, 1, 1, cmdXLen)
	def(x, "xrange", -4, "readonly", 1, 1, 1, cmdXRange)
	def(x, "xrevrange", -4, "readonly", 1, 1, 1, cmdXRevRange)
	def(x, "xdel", -3, "write fast ~touch", 1, 1, 1, cmdXDel)
	def(x, "xtrim", -4, "write ~touch", 1, 1, 1, cmdXTrim)
	def(x, "xsetid", -3, "write denyoom fast ~touch", 1, 1, 1, cmdXSetID)
	def(x, "xread", -4, "readonly blocking movablekeys ~notx", 0, 0, 0, cmdXRead)
	def(x, "xreadgroup", -7, "write blocking movablekeys ~notx", 0, 0, 0, cmdXReadGroup)
	def(x, "xack", -4, "write fast ~touch", 1, 1, 1, cmdXAck)
	def(x, "xpending", -3, "readonly", 1, 1, 1, cmdXPending)
	def(x, "xclaim", -6, "write fast ~touch", 1, 1, 1, cmdXClaim)
	def(x, "xautoclaim", -6, "write fast ~touch", 1, 1, 1, cmdXAutoClaim)
	container(x, "xgroup", -2, "write", nil) // its run shares a write transaction
	def(x, "xgroup|create", -5, "write denyoom ~touch", 2, 2, 1, cmdXGroupCreate)
	def(x, "xgroup|setid", -5, "write ~touch", 2, 2, 1, cmdXGroupSetID)
	def(x, "xgroup|destroy", 4, "write ~touch", 2, 2, 1, cmdXGroupDestroy)
	def(x, "xgroup|createconsumer", 5, "write denyoom ~touch", 2, 2, 1, cmdXGroupCreateConsumer)
	def(x, "xgroup|delconsumer", 5, "write ~touch", 2, 2, 1, cmdXGroupDelConsumer)
	def(x, "xgroup|help", 2, "loading stale", 0, 0, 0, cmdXGroupHelp)
	container(x, "xinfo", -2, "", nil)
	def(x, "xinfo|stream", -3, "readonly", 2, 2, 1, cmdXInfoStream)
	def(x, "xinfo|groups", 3, "readonly", 2, 2, 1, cmdXInfoGroups)
	def(x, "xinfo|consumers", 4, "readonly", 2, 2, 1, cmdXInfoConsumers)
	def(x, "xinfo|help", 2, "loading stale", 0, 0, 0, cmdXInfoHelp)
	for name, args := range map[string]string{
		"xadd":       "key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]",
		"xlen":       "key",
		"xrange":     "key start end [COUNT count]",
		"xrevrange":  "key end start [COUNT count]",
		"xdel":       "key id [id ...]",
		"xtrim":      "key MAXLEN|MINID [=|~] threshold [LIMIT count]",
		"xsetid":     "key last-id [ENTRIESADDED entries_added] [MAXDELETEDID max_deleted_entry_id]",
		"xread":      "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]",
		"xreadgroup": "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]",
		"xack":       "key group id [id ...]",
		"xpending":   "key group [[IDLE min-idle-time] start end count [consumer]]",
		"xclaim":     "key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]",
		"xautoclaim": "key group consumer min-idle-time start [COUNT count] [JUSTID]",
		"xgroup":     "CREATE key groupname id|$ [MKSTREAM] [ENTRIESREAD entries_read]|SETID key groupname id|$ [ENTRIESREAD entries_read]|DESTROY key groupname|CREATECONSUMER key groupname consumername|DELCONSUMER key groupname consumername|HELP",
		"xinfo":      "STREAM key [FULL [COUNT count]]|GROUPS key|CONSUMERS key groupname|HELP",
	} {
		syntax[name] = args
	}
}
