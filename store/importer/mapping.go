package importer

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/waqhq/waq/store"
)

// Mapping names the fields of a BullMQ job's data that become a message's
// fields; each list is tried in order and the first present field wins. A
// name may be a dotted path into nested objects ("payload.phone").
type Mapping struct {
	To       []string `json:"to,omitempty"`
	Text     []string `json:"text,omitempty"`
	Priority []string `json:"priority,omitempty"`
	Campaign []string `json:"campaign,omitempty"`
}

// DefaultMapping returns the fields most WhatsApp queues use.
func DefaultMapping() Mapping {
	return Mapping{
		To:       []string{"to", "phone", "number"},
		Text:     []string{"text", "message", "body"},
		Priority: []string{"priority"},
		Campaign: []string{"campaign"},
	}
}

// withDefaults fills the lists m leaves empty.
func (m Mapping) withDefaults() Mapping {
	d := DefaultMapping()
	if len(m.To) == 0 {
		m.To = d.To
	}
	if len(m.Text) == 0 {
		m.Text = d.Text
	}
	if len(m.Priority) == 0 {
		m.Priority = d.Priority
	}
	if len(m.Campaign) == 0 {
		m.Campaign = d.Campaign
	}
	return m
}

// lookup returns the first of names present in data, as a string.
func lookup(data map[string]any, names []string) string {
	for _, name := range names {
		var v any = data
		for _, part := range strings.Split(name, ".") {
			obj, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = obj[part]
		}
		switch v := v.(type) {
		case string:
			if v != "" {
				return v
			}
		case json.Number:
			return v.String()
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// priority maps a data field's value, a waq priority's name or a BullMQ
// number, to a waq priority. jobPriority is the job's own BullMQ priority,
// used when the data names none.
func priority(field string, jobPriority int) store.Priority {
	p := store.Priority(strings.ToLower(field))
	for _, q := range store.Priorities {
		if p == q {
			return q
		}
	}
	if n, err := strconv.Atoi(field); err == nil {
		jobPriority = n
	}
	return bullmqPriority(jobPriority)
}

// bullmqPriority maps BullMQ's numbers (0 none, 1 the most urgent, larger
// later) to waq's names: 0 normal, 1 high, 2 and above low. BullMQ runs
// priority-0 jobs before every prioritized one, but people who set
// priority 1 mean "urgent", so that is what waq keeps.
func bullmqPriority(n int) store.Priority {
	switch {
	case n == 1:
		return store.High
	case n > 1:
		return store.Low
	}
	return store.Normal
}
