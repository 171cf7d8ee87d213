package ui

import (
	"net/url"

	"github.com/waqhq/waq/report"
	"github.com/waqhq/waq/store"
)

// csvOptions reads the CSV options of a report: locale (a language tag;
// es-ES gives what Excel in Spain opens right: a semicolon, a decimal
// comma and a BOM), then sep ("," ";" or "tab"), decimal ("." or ",") and
// bom ("1" or "0"), each overriding the locale's choice. Any option but
// bom=0 adds the BOM; none at all is the plain CSV of before. It returns
// an EINVALID *store.Error naming the option.
func csvOptions(q url.Values) (report.CSVOptions, error) {
	var o report.CSVOptions
	if l := q.Get("locale"); l != "" {
		o = report.LocaleOptions(l)
	}
	if q.Has("sep") || q.Has("decimal") {
		o.BOM = true
	}
	switch q.Get("sep") {
	case "":
	case ",":
		o.Sep = ','
	case ";":
		o.Sep = ';'
	case "tab", "\t":
		o.Sep = '\t'
	default:
		return o, store.FieldErrorf("sep", `must be ",", ";" or "tab"`)
	}
	switch q.Get("decimal") {
	case "":
	case ".":
		o.DecimalComma = false
	case ",":
		o.DecimalComma = true
	default:
		return o, store.FieldErrorf("decimal", `must be "." or ","`)
	}
	switch q.Get("bom") {
	case "":
	case "1", "true":
		o.BOM = true
	case "0", "false":
		o.BOM = false
	default:
		return o, store.FieldErrorf("bom", "must be 1 or 0")
	}
	return o, nil
}
