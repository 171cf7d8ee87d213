package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is one row of the table: a figure measured on both sides.
type result struct {
	Figure string  `json:"figure"`
	Unit   string  `json:"unit"`
	N      int     `json:"n"` // messages the figure used
	Waq    float64 `json:"waq"`
	BullMQ float64 `json:"bullmq"`
	Higher bool    `json:"higher_is_better"`
}

// Ratio is waq / BullMQ, 0 when BullMQ measured nothing.
func (r result) Ratio() float64 {
	if r.BullMQ == 0 {
		return 0
	}
	return r.Waq / r.BullMQ
}

// report is the whole run, as -json writes it.
type report struct {
	Date    time.Time `json:"date"`
	Command string    `json:"command"`
	Sizes   sizes     `json:"sizes"`
	CPUs    int       `json:"cpus"`
	// LoadStart and LoadEnd are the 1-minute load averages when the run
	// began and ended: figures taken on a busy machine say so.
	LoadStart float64  `json:"load_start"`
	LoadEnd   float64  `json:"load_end"`
	Results   []result `json:"results"`
}

func writeJSON(w io.Writer, rep report) error {
	type row struct {
		result
		Ratio float64 `json:"ratio"`
	}
	out := struct {
		report
		Results []row `json:"results"`
	}{report: rep}
	for _, r := range rep.Results {
		out.Results = append(out.Results, row{r, r.Ratio()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeTable writes the results as a Markdown table, ready for
// docs/benchmarks.md.
func writeTable(w io.Writer, rep report) error {
	_, err := fmt.Fprintf(w, "%s, %s, %d CPUs, load average %.1f at the start and %.1f at the end\n\n| figure | n | waq | BullMQ | waq / BullMQ |\n| --- | ---: | ---: | ---: | ---: |\n",
		rep.Date.UTC().Format("2006-01-02 15:04 MST"), rep.Command, rep.CPUs, rep.LoadStart, rep.LoadEnd)
	for _, r := range rep.Results {
		if err != nil {
			return err
		}
		better := "lower is better"
		if r.Higher {
			better = "higher is better"
		}
		_, err = fmt.Fprintf(w, "| %s (%s, %s) | %s | %s | %s | %.2f |\n", r.Figure, r.Unit, better,
			group(float64(r.N), 0), number(r.Waq), number(r.BullMQ), r.Ratio())
	}
	return err
}

// loadAverage returns the 1-minute load average, 0 when unknown.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, _ := strconv.ParseFloat(f, 64)
	return v
}

// number writes v with a precision that suits its size.
func number(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return group(v, 0)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// group writes v rounded to decimals places with its thousands spaced
// apart, as the docs write them: 111 301.
func group(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// percentile returns the p-quantile of ds (nearest rank) in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}
