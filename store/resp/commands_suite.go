package resp

// defSuite adds the commands that Redis's own test suite and the tools
// around it need beyond the first table (issue 13), with their hints.
func defSuite() {
	const (
		sv = "server"
		g  = "generic"
		sc = "scripting"
	)
	container(g, "object", -2, "", nil)
	def(g, "object|encoding", 3, "readonly", 2, 2, 1, cmdObjectEncoding)
	def(g, "object|refcount", 3, "readonly", 2, 2, 1, cmdObjectRefcount)
	def(g, "object|idletime", 3, "readonly", 2, 2, 1, cmdObjectIdletime)
	def(g, "object|freq", 3, "readonly", 2, 2, 1, cmdObjectFreq)
	def(g, "object|help", 2, "loading stale", 0, 0, 0, cmdObjectHelp)
	const (
		s = "set"
		z = "sorted-set"
	)
	def(s, "sinterstore", -3, "write denyoom", 1, -1, 1, cmdSInterStore)
	def(s, "sunionstore", -3, "write denyoom", 1, -1, 1, cmdSUnionStore)
	def(s, "sdiffstore", -3, "write denyoom", 1, -1, 1, cmdSDiffStore)
	def(s, "sintercard", -3, "readonly", 0, 0, 0, cmdSInterCard)
	def(s, "smove", 4, "write fast ~touch", 1, 2, 1, cmdSMove)
	def(z, "zunion", -3, "readonly", 0, 0, 0, cmdZUnion)
	def(z, "zinter", -3, "readonly", 0, 0, 0, cmdZInter)
	def(z, "zdiff", -3, "readonly", 0, 0, 0, cmdZDiff)
	def(z, "zunionstore", -4, "write denyoom", 1, 1, 1, cmdZUnionStore)
	def(z, "zinterstore", -4, "write denyoom", 1, 1, 1, cmdZInterStore)
	def(z, "zdiffstore", -4, "write denyoom", 1, 1, 1, cmdZDiffStore)
	def(z, "zintercard", -3, "readonly", 0, 0, 0, cmdZInterCard)
	def(g, "copy", -3, "write denyoom ~touch", 1, 2, 1, cmdCopy)
	def(g, "move", 3, "write fast ~touch", 1, 1, 1, cmdMove)
	def(g, "randomkey", 1, "readonly", 0, 0, 0, cmdRandomKey)
	const b = "bitmap"
	def(b, "setbit", 4, "write denyoom", 1, 1, 1, cmdSetBit)
	def(b, "getbit", 3, "readonly fast", 1, 1, 1, cmdGetBit)
	def(b, "bitcount", -2, "readonly", 1, 1, 1, cmdBitCount)
	def(b, "bitpos", -3, "readonly", 1, 1, 1, cmdBitPos)
	def("string", "lcs", -3, "readonly", 1, 2, 1, cmdLCS)
	const (
		l   = "list"
		blk = "write blocking ~notx"
	)
	def(l, "blpop", -3, blk, 1, -2, 1, cmdBLPop)
	def(l, "brpop", -3, blk, 1, -2, 1, cmdBRPop)
	def(l, "brpoplpush", 4, "write denyoom blocking ~notx", 1, 2, 1, cmdBRPopLPush)
	def(l, "blmove", 6, "write denyoom blocking ~notx", 1, 2, 1, cmdBLMove)
	def(l, "lmpop", -4, "write", 0, 0, 0, cmdLMPop)
	def(l, "blmpop", -5, blk, 0, 0, 0, cmdBLMPop)
	def(z, "bzpopmin", -3, "write blocking fast ~notx", 1, -2, 1, cmdBZPopMin)
	def(z, "bzpopmax", -3, "write blocking fast ~notx", 1, -2, 1, cmdBZPopMax)
	def(z, "zmpop", -4, "write", 0, 0, 0, cmdZMPop)
	def(z, "bzmpop", -5, blk, 0, 0, 0, cmdBZMPop)
	def("connection", "client|unblock", -3, "admin noscript loading stale", 0, 0, 0, cmdClientUnblock)
	def(z, "zrangestore", -5, "write denyoom", 1, 2, 1, cmdZRangeStore)
	def(z, "zrandmember", -2, "readonly", 1, 1, 1, cmdZRandMember)
	def(g, "swapdb", 3, "write fast", 0, 0, 0, cmdSwapDB)
	def(g, "sort", -2, "write denyoom ~touch", 1, 1, 1, cmdSort)
	def(g, "sort_ro", -2, "readonly", 1, 1, 1, cmdSortRO)
	container(sc, "function", -2, "~notx", nil)
	def(sc, "function|flush", -2, "write noscript", 0, 0, 0, cmdFunctionFlush)
	def(sc, "function|list", -2, "noscript", 0, 0, 0, cmdFunctionList)

	for name, args := range map[string]string{
		"object":      "ENCODING key|FREQ key|IDLETIME key|REFCOUNT key|HELP",
		"function":    "FLUSH [ASYNC|SYNC]|LIST [LIBRARYNAME library-name-pattern] [WITHCODE]",
		"sinterstore": "destination key [key ...]",
		"sunionstore": "destination key [key ...]",
		"sdiffstore":  "destination key [key ...]",
		"sintercard":  "numkeys key [key ...] [LIMIT limit]",
		"smove":       "source destination member",
		"zunion":      "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]",
		"zinter":      "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]",
		"zdiff":       "numkeys key [key ...] [WITHSCORES]",
		"zunionstore": "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]",
		"zinterstore": "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX]",
		"zdiffstore":  "destination numkeys key [key ...]",
		"zintercard":  "numkeys key [key ...] [LIMIT limit]",
		"copy":        "source destination [DB destination-db] [REPLACE]",
		"move":        "key db",
		"randomkey":   "",
		"setbit":      "key offset value",
		"getbit":      "key offset",
		"bitcount":    "key [start end [BYTE|BIT]]",
		"bitpos":      "key bit [start [end [BYTE|BIT]]]",
		"lcs":         "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
		"blpop":       "key [key ...] timeout",
		"brpop":       "key [key ...] timeout",
		"brpoplpush":  "source destination timeout",
		"blmove":      "source destination LEFT|RIGHT LEFT|RIGHT timeout",
		"lmpop":       "numkeys key [key ...] LEFT|RIGHT [COUNT count]",
		"blmpop":      "timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]",
		"bzpopmin":    "key [key ...] timeout",
		"bzpopmax":    "key [key ...] timeout",
		"zmpop":       "numkeys key [key ...] MIN|MAX [COUNT count]",
		"bzmpop":      "timeout numkeys key [key ...] MIN|MAX [COUNT count]",
		"zrangestore": "dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]",
		"zrandmember": "key [count [WITHSCORES]]",
		"swapdb":      "index1 index2",
		"sort":        "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]",
		"sort_ro":     "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]",
		"config":      "GET parameter [parameter ...]|SET parameter value [parameter value ...]",
	} {
		syntax[name] = args
	}
}
