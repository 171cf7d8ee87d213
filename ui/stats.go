package ui

import (
	"net/http"
	"net/url"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/waqhq/waq/stats"
	"github.com/waqhq/waq/store"
)

// statsRoutes are the analytics routes: served by Options.Stats, and
// answering 501 when it is nil.
var statsRoutes = []route{
	{http.MethodGet, "/v1/stats/messages"},
	{http.MethodGet, "/v1/stats/conversations"},
	{http.MethodGet, "/v1/stats/conversions"},
	{http.MethodGet, "/v1/stats/performance"},
	{http.MethodGet, "/v1/stats/campaigns"},
	{http.MethodGet, "/v1/stats/campaigns/:name"},
	{http.MethodGet, "/v1/stats/timeseries"},
	{http.MethodGet, "/v1/stats/heatmap"},
	{http.MethodGet, "/v1/reports/:period"},
	{http.MethodPut, "/v1/campaigns/:name"},
}

func (s *Server) registerStats() {
	if s.opts.Stats == nil {
		s.notImplementedRoutes(statsRoutes...)
		return
	}
	s.handle(http.MethodGet, "/v1/stats/messages", s.statsMessages)
	s.handle(http.MethodGet, "/v1/stats/conversations", s.statsConversations)
	s.handle(http.MethodGet, "/v1/stats/conversions", s.statsConversions)
	s.handle(http.MethodGet, "/v1/stats/performance", s.statsPerformance)
	s.handle(http.MethodGet, "/v1/stats/campaigns", s.statsCampaigns)
	s.handle(http.MethodGet, "/v1/stats/campaigns/:name", s.statsCampaign)
	s.handle(http.MethodGet, "/v1/stats/timeseries", s.timeseries)
	s.handle(http.MethodGet, "/v1/stats/heatmap", s.heatmap)
	s.handleFile(http.MethodGet, "/v1/reports/:period", s.report)
	s.handle(http.MethodPut, "/v1/campaigns/:name", s.putCampaign)
}

// statsQuery is what every /v1/stats route reads from its query string.
type statsQuery struct {
	from, to           time.Time
	campaign, instance string
}

func (q *statsQuery) dim() string { return stats.Filter(q.campaign, q.instance) }

// parseStatsQuery reads from and to (RFC 3339 or YYYY-MM-DD, a midnight in
// WAQ_TIMEZONE; by default today so far, see stats.Reader.Range), campaign
// and instance. It returns an EINVALID *store.Error naming the parameter.
func (s *Server) parseStatsQuery(q url.Values) (*statsQuery, error) {
	from, to, err := s.opts.Stats.Range(q.Get("from"), q.Get("to"))
	if err != nil {
		return nil, err
	}
	return &statsQuery{from: from, to: to, campaign: q.Get("campaign"), instance: q.Get("instance")}, nil
}

// statsMessages answers GET /v1/stats/messages.
func (s *Server) statsMessages(r *http.Request, _ httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.opts.Stats.Messages(q.dim(), q.from, q.to)
}

// statsConversations answers GET /v1/stats/conversations.
func (s *Server) statsConversations(r *http.Request, _ httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.opts.Stats.Conversations(q.dim(), q.from, q.to)
}

// statsConversions answers GET /v1/stats/conversions.
func (s *Server) statsConversions(r *http.Request, _ httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.opts.Stats.Conversions(q.dim(), q.from, q.to)
}

// statsPerformance answers GET /v1/stats/performance.
func (s *Server) statsPerformance(r *http.Request, _ httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.opts.Stats.Performance(q.dim(), q.from, q.to)
}

// campaignList is the answer of GET /v1/stats/campaigns.
type campaignList struct {
	Campaigns []stats.CampaignStats `json:"campaigns"`
}

// statsCampaigns answers GET /v1/stats/campaigns: every campaign seen on
// the range's days or with settings, by name; instance filters, campaign
// is ignored.
func (s *Server) statsCampaigns(r *http.Request, _ httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	cs, err := s.opts.Stats.AllCampaignStats(q.instance, q.from, q.to)
	return campaignList{cs}, err
}

// statsCampaign answers GET /v1/stats/campaigns/{name}: zeros for a
// campaign without traffic in the range.
func (s *Server) statsCampaign(r *http.Request, p httprouter.Params) (any, error) {
	q, err := s.parseStatsQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return s.opts.Stats.CampaignStats(p.ByName("name"), q.instance, q.from, q.to)
}

// series is the answer of GET /v1/stats/timeseries.
type series struct {
	Metric   string        `json:"metric"`
	Interval string        `json:"interval"`
	Points   []stats.Point `json:"points"`
}

// Defaults of GET /v1/stats/timeseries.
const (
	SeriesMetricDefault   = "sent"
	SeriesIntervalDefault = "hour"
)

// timeseries answers GET /v1/stats/timeseries: one point per bucket of
// interval (minute, hour, day) starting in the range, zeros included. It
// returns an EINVALID *store.Error naming metric or interval, the latter
// also for a series over stats.SeriesMax points.
func (s *Server) timeseries(r *http.Request, _ httprouter.Params) (any, error) {
	qs := r.URL.Query()
	q, err := s.parseStatsQuery(qs)
	if err != nil {
		return nil, err
	}
	out := series{Metric: qs.Get("metric"), Interval: qs.Get("interval")}
	if out.Metric == "" {
		out.Metric = SeriesMetricDefault
	}
	if out.Interval == "" {
		out.Interval = SeriesIntervalDefault
	}
	l, ok := stats.ParseLevel(out.Interval)
	if !ok {
		return nil, store.FieldErrorf("interval", "must be minute, hour or day")
	}
	out.Points, err = s.opts.Stats.Series(l, q.dim(), out.Metric, q.from, q.to)
	return out, err
}

// campaignBody is the body of PUT /v1/campaigns/{name}. Instances is
// stored and answered, but no routing reads it yet.
type campaignBody struct {
	CostPerMessage float64         `json:"cost_per_message"`
	FixedCost      float64         `json:"fixed_cost"`
	Currency       string          `json:"currency"`
	Variants       []store.Variant `json:"variants"`
	Allocation     string          `json:"allocation"`
	Instances      []string        `json:"instances"`
}

// putCampaign answers PUT /v1/campaigns/{name}: it replaces the campaign's
// costs and variants and answers what is stored, the weight changes
// included. It returns the EBADREQUEST *store.Error of decodeBody and the
// EINVALID one of stats.Campaign.Validate.
func (s *Server) putCampaign(r *http.Request, p httprouter.Params) (any, error) {
	var b campaignBody
	if err := decodeBody(r, &b); err != nil {
		return nil, err
	}
	c := stats.Campaign{Name: p.ByName("name"), CostPerMessage: b.CostPerMessage, FixedCost: b.FixedCost, Currency: b.Currency,
		Variants: b.Variants, Allocation: b.Allocation, Instances: b.Instances}
	if err := s.opts.Stats.SetCampaign(c); err != nil {
		return nil, err
	}
	return s.opts.Stats.Campaign(c.Name)
}
