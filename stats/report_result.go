package stats

import "time"

// ReportResult is a full report of a day, a week or a month: the answer of
// GET /v1/reports/{period}, each part as its /v1/stats route gives it.
type ReportResult struct {
	Period        string            `json:"period"`
	From          time.Time         `json:"from"`
	To            time.Time         `json:"to"`
	Messages      MessageStats      `json:"messages"`
	Conversations ConversationStats `json:"conversations"`
	Conversions   ConversionStats   `json:"conversions"`
	Performance   PerformanceStats  `json:"performance"`
	Campaigns     []CampaignStats   `json:"campaigns"`
	Instances     []InstanceStats   `json:"instances"`
}

// Report returns the report of period (day, week from Monday, month) that
// holds date (YYYY-MM-DD in the Reader's zone; today when empty), over all
// traffic, with each campaign's and each instance's figures. A period still running is reported so far. It returns the
// EINVALID *store.Error of Period and the store's errors.
func (r *Reader) Report(period, date string) (*ReportResult, error) {
	from, to, err := r.Period(period, date)
	if err != nil {
		return nil, err
	}
	c, err := r.Total(DimAll, from, to)
	if err != nil {
		return nil, err
	}
	cs, err := r.AllCampaignStats("", from, to)
	if err != nil {
		return nil, err
	}
	ins, err := r.AllInstanceStats(from, to)
	if err != nil {
		return nil, err
	}
	rep := &ReportResult{Period: period, From: from, To: to,
		Messages:      messageStats(&c, from, to),
		Conversations: conversationStats(&c),
		Conversions:   conversionStats(&c),
		Performance:   performanceStats(&c, from, earlier(to, r.now())),
		Campaigns:     cs,
		Instances:     ins,
	}
	if rep.Conversations.Active, err = r.active(DimAll, to); err != nil {
		return nil, err
	}
	if rep.Performance.ThroughputLastMinute, err = r.lastMinute(DimAll, to); err != nil {
		return nil, err
	}
	return rep, nil
}
