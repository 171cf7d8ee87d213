package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/waqhq/waq/store"
)

// delayedScale is BullMQ's delayed score unit: runAt_ms*4096 + a sequence.
const delayedScale = 0x1000

// failedReasonDefault is the dead message's error when the job kept none.
const failedReasonDefault = "failed in BullMQ"

// message translates j by mp, reading national numbers in region. It
// returns an error saying why when j cannot be a message: its hash is gone,
// its data is not a JSON object, it has no phone number (a *phone.Error,
// with phone.ErrNotPhone for a WhatsApp id that is none), or the mapped
// fields do not make a valid message. The message is made by the store's
// Intake, as the API's are, then given what the job's state says.
func message(j job, mp Mapping, region string) (*store.Message, error) {
	if len(j.fields) == 0 {
		return nil, errors.New("its job hash is missing")
	}
	var data map[string]any
	d := json.NewDecoder(strings.NewReader(j.fields["data"]))
	d.UseNumber()
	if err := d.Decode(&data); err != nil || data == nil {
		return nil, errors.New("its data is not a JSON object")
	}
	raw := lookup(data, mp.To)
	if raw == "" {
		return nil, fmt.Errorf("its data has no %s", strings.Join(mp.To, ", "))
	}
	jobPrio, _ := strconv.Atoi(j.fields["priority"])
	in := store.Intake{Region: region}
	m, err := in.Message(&store.Draft{
		To:             raw,
		Text:           lookup(data, mp.Text),
		Priority:       priority(lookup(data, mp.Priority), jobPrio),
		Campaign:       lookup(data, mp.Campaign),
		IdempotencyKey: "bullmq:" + j.queue + ":" + j.id,
		Metadata:       map[string]any{"bullmq_queue": j.queue, "bullmq_id": j.id, "bullmq_state": j.state},
	})
	if err != nil {
		return nil, err
	}
	m.Status = store.Held
	if name := j.fields["name"]; name != "" {
		m.Metadata["bullmq_name"] = name
	}
	attempts(m, j.fields)
	stateFields(m, j)
	return m, nil
}

// attempts carries the tries a job made (atm, or Bull's attemptsMade) and
// its attempts option, leaving a job that may still run at least one try.
func attempts(m *store.Message, f map[string]string) {
	made, err := strconv.Atoi(f["atm"])
	if err != nil {
		made, _ = strconv.Atoi(f["attemptsMade"])
	}
	m.Attempts = min(max(made, 0), store.MaxAttemptsMax-1)
	var opts struct {
		Attempts int `json:"attempts"`
	}
	_ = json.Unmarshal([]byte(f["opts"]), &opts) // absent or odd opts: the store's default
	if opts.Attempts > 0 {
		m.MaxAttempts = min(opts.Attempts, store.MaxAttemptsMax)
	}
	if m.MaxAttempts <= m.Attempts {
		m.MaxAttempts = m.Attempts + 1
	}
}

// stateFields sets what the job's BullMQ state says: a run time for delayed
// jobs, the error of failed ones, the finish time of completed ones.
func stateFields(m *store.Message, j job) {
	switch j.state {
	case "delayed":
		at := time.UnixMilli(int64(math.Floor(j.score / delayedScale)))
		m.SendAt = &at
	case "failed":
		m.LastError = j.fields["failedReason"]
		if m.LastError == "" {
			m.LastError = failedReasonDefault
		}
	case "completed":
		m.Status = store.Sent
		if ms, err := strconv.ParseInt(j.fields["finishedOn"], 10, 64); err == nil {
			at := time.UnixMilli(ms)
			m.SentAt = &at
		}
	}
}
