package resp

// defMore adds the commands of issue 13's second part: Pub/Sub, BITOP,
// BITFIELD and COMMAND GETKEYS.
func defMore() {
	defPubSub()
	defBitOps()
	def("server", "command|getkeys", -4, "loading stale", 0, 0, 0, cmdCommandGetKeys)
	syntax["client"] += "|REPLY ON|OFF|SKIP"
	syntax["command"] = "[COUNT|DOCS [command-name ...]|GETKEYS command [arg ...]|INFO [command-name ...]|LIST]"
}
