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
	container(sc, "function", -2, "~notx", nil)
	def(sc, "function|flush", -2, "write noscript", 0, 0, 0, cmdFunctionFlush)
	def(sc, "function|list", -2, "noscript", 0, 0, 0, cmdFunctionList)

	for name, args := range map[string]string{
		"object":   "ENCODING key|FREQ key|IDLETIME key|REFCOUNT key|HELP",
		"function": "FLUSH [ASYNC|SYNC]|LIST [LIBRARYNAME library-name-pattern] [WITHCODE]",
		"config":   "GET parameter [parameter ...]|SET parameter value [parameter value ...]",
	} {
		syntax[name] = args
	}
}
