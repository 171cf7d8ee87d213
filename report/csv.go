package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/waqhq/waq/stats"
)

// BOM is the UTF-8 byte order mark, which tells Excel a CSV file is UTF-8
// (without it Excel reads it in the system's code page and garbles accents).
const BOM = "\uFEFF"

// CSVOptions shape a CSV report for a spreadsheet's locale. The zero value
// is the plain CSV of stats.ReportResult.WriteCSV, byte for byte.
type CSVOptions struct {
	Sep          rune // the field separator: ',' (0 too), ';' or '\t'
	DecimalComma bool // numbers as 0,5 rather than 0.5
	BOM          bool // start with the UTF-8 byte order mark
}

// plain reports whether o asks for nothing beyond the plain CSV.
func (o CSVOptions) plain() bool {
	return (o.Sep == 0 || o.Sep == ',') && !o.DecimalComma && !o.BOM
}

// commaLocales are the languages whose spreadsheets write a decimal comma
// and so separate CSV fields with a semicolon.
var commaLocales = map[string]bool{
	"es": true, "ca": true, "gl": true, "eu": true, "pt": true, "fr": true, "it": true, "de": true,
	"nl": true, "da": true, "sv": true, "nb": true, "no": true, "fi": true, "pl": true, "cs": true,
	"ru": true, "tr": true, "el": true, "ro": true, "hu": true,
}

// LocaleOptions returns the options of a spreadsheet in locale (a language
// tag such as es-ES or en-US): a semicolon and a decimal comma for the
// languages that write one, a comma and a point otherwise; always a BOM.
func LocaleOptions(locale string) CSVOptions {
	lang, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(locale, "_", "-")), "-")
	if commaLocales[lang] {
		return CSVOptions{Sep: ';', DecimalComma: true, BOM: true}
	}
	return CSVOptions{Sep: ',', BOM: true}
}

// WriteCSV writes rep as CSV shaped by o: the rows of
// stats.ReportResult.WriteCSV with o's separator, decimal mark and BOM.
// It returns the writer's error.
func WriteCSV(w io.Writer, rep *stats.ReportResult, o CSVOptions) error {
	if o.plain() {
		return rep.WriteCSV(w)
	}
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	if o.BOM {
		if _, err := io.WriteString(w, BOM); err != nil {
			return fmt.Errorf("report csv: %w", err)
		}
	}
	cw := csv.NewWriter(w)
	cw.Comma = o.Sep
	if o.Sep == 0 {
		cw.Comma = ','
	}
	for _, r := range recs {
		if o.DecimalComma {
			r[3] = decimalComma(r[3])
		}
		if err := cw.Write(r); err != nil {
			return fmt.Errorf("report csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// decimalComma writes a number's point as a comma; other values (dates,
// names, currencies) stay as they are.
func decimalComma(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
