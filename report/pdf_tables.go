package report

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/waqhq/waq/stats"
)

// figures lists the sections' figures (all but report and campaigns) in
// two columns from y, each section under its name.
func (p *page) figures(y float64, rows []Row) {
	f := p.pdf
	colW := (pageW - 2*margin) / 2
	x, top, bottom := margin, y, y
	section := ""
	for _, r := range rows {
		if r.Section == "report" || r.Section == "campaigns" {
			continue
		}
		if r.Section != section {
			if section == "conversations" { // the second column
				x, y = margin+colW, top
			} else if section != "" {
				y += 1.5
			}
			section = r.Section
			f.SetFont("Helvetica", "B", 9)
			f.Text(x, y, p.tr(section))
			y += lineH
		}
		f.SetFont("Helvetica", "", 8)
		f.Text(x+2, y, p.tr(r.Metric))
		v := format(r.Value)
		f.Text(x+colW-6-f.GetStringWidth(v), y, p.tr(v))
		y += lineH - 0.8
		bottom = max(bottom, y)
	}
	p.pdf.SetY(bottom + 2)
}

// campaigns lists the busiest campaigns (by sent) under the figures.
func (p *page) campaigns(rep *stats.ReportResult) {
	f := p.pdf
	cs := slices.Clone(rep.Campaigns)
	slices.SortStableFunc(cs, func(a, b stats.CampaignStats) int { return cmp.Compare(b.Sent, a.Sent) })
	f.SetFont("Helvetica", "B", 9)
	f.CellFormat(0, lineH, "campaigns", "", 1, "L", false, 0, "")
	cols := []string{"name", "sent", "delivered", "read", "replied", "conversions", "cost", "revenue", "roi"}
	widths := []float64{40, 16, 18, 16, 16, 20, 18, 18, 18}
	f.SetFont("Helvetica", "B", 8)
	for i, c := range cols {
		f.CellFormat(widths[i], lineH, c, "B", 0, align(i), false, 0, "")
	}
	f.Ln(lineH)
	f.SetFont("Helvetica", "", 8)
	for i, c := range cs {
		if i == maxCampaigns {
			f.CellFormat(0, lineH, p.tr(strconv.Itoa(len(cs)-i)+" more in the Excel report"), "", 1, "L", false, 0, "")
			break
		}
		cur := " " + c.Currency
		cells := []string{c.Name, u(c.Sent), u(c.Delivered), u(c.Read), u(c.Replied), u(c.Conversions),
			format(c.Cost) + cur, format(c.Revenue) + cur, format(c.ROI)}
		for j, s := range cells {
			if r := []rune(s); j == 0 && len(r) > 24 {
				s = string(r[:24]) + "..."
			}
			f.CellFormat(widths[j], lineH-0.5, p.tr(s), "", 0, align(j), false, 0, "")
		}
		f.Ln(lineH - 0.5)
	}
	if len(cs) == 0 {
		f.CellFormat(0, lineH, "none in this period", "", 1, "L", false, 0, "")
	}
}

func align(col int) string {
	if col == 0 {
		return "L"
	}
	return "R"
}

func u(n uint64) string { return strconv.FormatUint(n, 10) }

// format writes a figure as the JSON report does.
func format(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.Format("2006-01-02 15:04")
	case string:
		return x
	}
	return ""
}
