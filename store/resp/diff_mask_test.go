package resp

import "regexp"

var intReply = regexp.MustCompile(`(?m)^:-?[0-9]+\r$`)

// maskInts replaces every integer of a raw reply with ":#", for replies
// holding times (XPENDING's idle, XINFO's seen-time).
func maskInts(raw string) string { return intReply.ReplaceAllString(raw, ":#\r") }
