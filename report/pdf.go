package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/waqhq/waq/stats"
)

// Series is a metric of the report's period, one point per bucket, for the
// chart of the PDF.
type Series struct {
	Name   string
	Points []stats.Point
}

// A4 page, in millimetres.
const (
	pageW, margin = 210.0, 15.0
	lineH         = 5.0
	maxCampaigns  = 10 // the page lists the busiest; the XLSX has them all
)

// page is a report being drawn on one PDF page.
type page struct {
	pdf *fpdf.Fpdf
	tr  func(string) string // UTF-8 to the core fonts' cp1252
}

// WritePDF writes a one-page summary of rep: the period, a chart of bars
// (a bar per bucket) with line drawn over them, the figures of each
// section and the busiest campaigns. It returns the errors of drawing or
// writing the file.
func WritePDF(w io.Writer, rep *stats.ReportResult, bars, line Series) error {
	rows, err := Rows(rep)
	if err != nil {
		return err
	}
	p := &page{pdf: fpdf.New("P", "mm", "A4", "")}
	p.tr = p.pdf.UnicodeTranslatorFromDescriptor("")
	p.pdf.SetMargins(margin, margin, margin)
	p.pdf.SetAutoPageBreak(false, margin)
	p.pdf.SetTitle("waq report "+rep.Period+" "+rep.From.Format(stats.DateLayout), true)
	p.pdf.AddPage()
	p.title(rep)
	p.chart(margin, 35, pageW-2*margin, 70, bars, line)
	p.figures(120, rows)
	p.campaigns(rep)
	if err := p.pdf.Output(w); err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	return nil
}

func (p *page) title(rep *stats.ReportResult) {
	f := p.pdf
	f.SetFont("Helvetica", "B", 16)
	f.Text(margin, 20, p.tr("waq report: "+periodName(rep)))
	f.SetFont("Helvetica", "", 9)
	f.SetTextColor(90, 90, 90)
	zone := rep.From.Location().String()
	f.Text(margin, 26, p.tr("From "+rep.From.Format("2006-01-02 15:04")+" to "+rep.To.Format("2006-01-02 15:04")+" ("+zone+")"))
	f.SetTextColor(0, 0, 0)
}

// periodName names the period as a reader would: a day by its date, a
// week by its Monday, a month by its name.
func periodName(rep *stats.ReportResult) string {
	switch rep.Period {
	case stats.PeriodDay:
		return rep.From.Format("Monday 2 January 2006")
	case stats.PeriodWeek:
		return "week of Monday " + rep.From.Format("2 January 2006")
	}
	return rep.From.Format("January 2006")
}

// chart draws bars and line over the box (x, y, w, h): a y axis from 0 to
// a round maximum with four grid lines, and about twelve time labels.
func (p *page) chart(x, y, w, h float64, bars, line Series) {
	f := p.pdf
	f.SetFont("Helvetica", "", 7)
	top := niceMax(max(maxOf(bars.Points), maxOf(line.Points)))
	const axisW, labelH = 12.0, 6.0
	cx, cw, ch := x+axisW, w-axisW, h-labelH-6
	cy := y + 6
	f.SetDrawColor(210, 210, 210)
	f.SetLineWidth(0.2)
	for i := 0; i <= 4; i++ {
		gy := cy + ch - ch*float64(i)/4
		f.Line(cx, gy, cx+cw, gy)
		label := strconv.FormatFloat(top*float64(i)/4, 'f', -1, 64)
		f.Text(cx-2-f.GetStringWidth(label), gy+1, label)
	}
	n := max(len(bars.Points), len(line.Points), 1)
	slot := cw / float64(n)
	f.SetFillColor(37, 99, 235)
	for i, pt := range bars.Points {
		bh := ch * pt.V / top
		f.Rect(cx+float64(i)*slot+slot*0.15, cy+ch-bh, slot*0.7, bh, "F")
	}
	p.polyline(line.Points, cx, cy, ch, slot, top)
	p.timeLabels(bars.Points, cx, cy+ch+4, slot)
	p.legend(x+axisW, y+2, bars.Name, line.Name)
}

func (p *page) polyline(pts []stats.Point, cx, cy, ch, slot, top float64) {
	f := p.pdf
	f.SetDrawColor(22, 163, 74)
	f.SetLineWidth(0.6)
	for i := 1; i < len(pts); i++ {
		x0, x1 := cx+slot*(float64(i)-0.5), cx+slot*(float64(i)+0.5)
		f.Line(x0, cy+ch-ch*pts[i-1].V/top, x1, cy+ch-ch*pts[i].V/top)
	}
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.2)
}

// timeLabels names about twelve buckets: hours on a day's chart, days on
// a week's or a month's.
func (p *page) timeLabels(pts []stats.Point, cx, ly, slot float64) {
	step := max(1, (len(pts)+11)/12)
	layout := "02 Jan"
	if len(pts) > 1 && pts[1].T.Sub(pts[0].T) < 2*time.Hour {
		layout = "15:04"
	}
	for i := 0; i < len(pts); i += step {
		s := pts[i].T.Format(layout)
		p.pdf.Text(cx+slot*(float64(i)+0.5)-p.pdf.GetStringWidth(s)/2, ly, s)
	}
}

func (p *page) legend(x, y float64, bars, line string) {
	f := p.pdf
	f.SetFillColor(37, 99, 235)
	f.Rect(x, y-2.5, 3, 3, "F")
	f.Text(x+4, y, p.tr(bars))
	f.SetFillColor(22, 163, 74)
	f.Rect(x+30, y-1.3, 5, 0.8, "F")
	f.Text(x+37, y, p.tr(line))
}

func maxOf(pts []stats.Point) float64 {
	m := 0.0
	for _, pt := range pts {
		m = max(m, pt.V)
	}
	return m
}

// niceMax rounds m up to 1, 2 or 5 times a power of ten (4 at least, so
// that the four grid lines fall on whole numbers).
func niceMax(m float64) float64 {
	if m <= 4 {
		return 4
	}
	p := math.Pow10(int(math.Floor(math.Log10(m))))
	for _, k := range []float64{1, 2, 4, 5, 10} {
		if k*p >= m {
			return k * p
		}
	}
	return 10 * p
}
