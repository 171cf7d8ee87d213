package ui

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/stats"
)

// Defaults of GET /v1/stats/heatmap.
const (
	HeatmapMetricDefault = stats.HeatRead
	// HeatmapPeriodDefault is the range a heatmap without from covers, up
	// to its to: four weeks, four samples of every weekday and hour.
	HeatmapPeriodDefault = 28 * 24 * time.Hour
)

// heatmap answers GET /v1/stats/heatmap: the 168 weekday-by-hour cells of
// the range in WAQ_TIMEZONE, for campaign and instance when given. It
// returns an EINVALID *store.Error naming metric, from or to.
func (s *Server) heatmap(r *http.Request, _ httprouter.Params) (any, error) {
	qs := r.URL.Query()
	metric := qs.Get("metric")
	if metric == "" {
		metric = HeatmapMetricDefault
	}
	if err := stats.ValidHeatMetric(metric); err != nil {
		return nil, err
	}
	q, err := s.parseStatsQuery(qs)
	if err != nil {
		return nil, err
	}
	if qs.Get("from") == "" {
		q.from = q.to.Add(-HeatmapPeriodDefault)
	}
	return s.opts.Stats.Heatmap(metric, q.dim(), q.from, q.to)
}
