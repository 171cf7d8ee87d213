package store

import (
	"encoding/json"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketInstanceSettings keeps the instances added or changed through the
// API: name -> InstanceSettings as JSON. Files of an older waq lack it.
var bucketInstanceSettings = []byte("instance_settings")

func init() { RegisterLaterBuckets(bucketInstanceSettings) }

// InstanceSettings is one WhatsApp number waq sends from, as the operator
// set it through the API. Package store keeps it as given; the instances'
// package checks it before it is stored.
type InstanceSettings struct {
	Name        string             `json:"name"`
	Gateway     string             `json:"gateway"` // "evolution", "cloudapi", "demo"
	Evolution   *EvolutionSettings `json:"evolution,omitempty"`
	CloudAPI    *CloudAPISettings  `json:"cloudapi,omitempty"`
	Rate        string             `json:"rate"`
	Concurrency int                `json:"concurrency"`
	Pacing      PacingSettings     `json:"pacing"`
	Enabled     bool               `json:"enabled"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// EvolutionSettings are an Evolution API instance's credentials.
type EvolutionSettings struct {
	URL      string `json:"url"`
	APIKey   string `json:"api_key"`
	Instance string `json:"instance"`
}

// CloudAPISettings are a Cloud API phone number's credentials.
type CloudAPISettings struct {
	APIURL        string `json:"api_url"`
	Token         string `json:"token"`
	PhoneNumberID string `json:"phone_number_id"`
	AppSecret     string `json:"app_secret"`
	VerifyToken   string `json:"verify_token"`
}

// PacingSettings is an instance's pacing as written in the API: "3s-9s",
// "09:00-21:00"; empty strings and zeros for none.
type PacingSettings struct {
	Gap          string `json:"gap"`
	DailyCap     int    `json:"daily_cap"`
	WarmupDays   int    `json:"warmup_days"`
	RecipientGap string `json:"recipient_gap"`
	Window       string `json:"window"`
}

// InstanceSettingsList returns every stored instance, sorted by name.
func (s *Store) InstanceSettingsList() ([]InstanceSettings, error) {
	var out []InstanceSettings
	err := s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		return tx.Bucket(bucketInstanceSettings).ForEach(func(k, v []byte) error {
			var in InstanceSettings
			if err := json.Unmarshal(v, &in); err != nil {
				return Errorf(EINTERNAL, "instance settings %s: %v", k, err)
			}
			out = append(out, in)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// PutInstanceSettings stores in under in.Name, replacing what was there.
// It returns EINVALID for an empty name.
func (s *Store) PutInstanceSettings(in InstanceSettings) error {
	if in.Name == "" {
		return FieldErrorf("name", "an instance needs a name")
	}
	v, err := json.Marshal(in)
	if err != nil {
		return Errorf(EINTERNAL, "instance settings %s: %v", in.Name, err)
	}
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInstanceSettings).Put([]byte(in.Name), v)
	})
}

// DeleteInstanceSettings removes the named instance's settings and, unless
// keepState, its state record (pause, warm-up start): the environment's
// instance keeps its state when an override of it is deleted. It returns
// ENOTFOUND when no settings were stored under name.
func (s *Store) DeleteInstanceSettings(name string, keepState bool) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInstanceSettings)
		if b.Get([]byte(name)) == nil {
			return Errorf(ENOTFOUND, "no instance %q was added through the API", name)
		}
		if err := b.Delete([]byte(name)); err != nil || keepState {
			return err
		}
		return tx.Bucket(bucketInstances).Delete([]byte(name))
	})
}

// QueuedByInstance counts the queued messages by the instance they are
// pinned to; "" counts the unpinned ones. It reads every queued message,
// so it costs a scan of the queue.
func (s *Store) QueuedByInstance() (map[string]int, error) {
	out := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		clear(out)
		c := tx.Bucket(bucketReady).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			m, err := get(tx, string(k[1:]))
			if err != nil {
				return err
			}
			out[m.Instance]++
		}
		return nil
	})
	return out, err
}
