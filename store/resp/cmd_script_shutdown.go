package resp

import "errors"

// SAVE and SHUTDOWN. Every reply of waq is sent after its write is fsynced,
// so SAVE has nothing to do; waq is stopped by its service, not by a Redis
// client, so SHUTDOWN only does what Redis's BUSY reply offers it for: it
// stops the scripts running, rolling back what they wrote (NOSAVE's
// meaning), then answers Redis's error for a shutdown that did not happen.
// Both are refused inside MULTI, as in Redis (flag no_multi).

const errNoMulti rerr = "ERR Command not allowed inside a transaction"

// errShutdown aborts the transaction of a script SHUTDOWN stopped.
var errShutdown = errors.New("script stopped by SHUTDOWN, its writes rolled back")

func defShutdown() {
	const sv = "server"
	def(sv, "save", 1, "admin noscript no_async_loading no_multi ~notx ~ctl", 0, 0, 0, cmdSave)
	def(sv, "shutdown", -1, "admin noscript loading stale no_multi sentinel allow_busy ~notx ~ctl", 0, 0, 0, cmdShutdown)
	syntax["save"] = ""
	syntax["shutdown"] = "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"
}

// refuseInMulti answers a no_multi command sent inside MULTI and makes
// EXEC fail, as Redis does.
func refuseInMulti(c *call) bool {
	if !c.cl.multi {
		return false
	}
	c.cl.aborted = true
	c.w.err(string(errNoMulti))
	return true
}

func cmdSave(c *call) error {
	if !refuseInMulti(c) {
		c.w.ok()
	}
	return nil
}

func cmdShutdown(c *call) error {
	if refuseInMulti(c) {
		return nil
	}
	for _, a := range c.args[1:] {
		if !eq(a, "nosave") && !eq(a, "save") && !eq(a, "now") && !eq(a, "force") && !eq(a, "abort") {
			return errSyntax
		}
	}
	c.s.scripts.abortAll()
	c.s.log.Warn("resp SHUTDOWN: waq is stopped by its service, not over RESP; running scripts were stopped")
	return rerr("ERR Errors trying to SHUTDOWN. Check logs.")
}

// abortAll stops every script running and rolls back its transaction.
func (sg *scripting) abortAll() {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for r := range sg.runs {
		r.aborted.Store(true)
		r.cancel()
	}
}
