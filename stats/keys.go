package stats

import (
	"encoding/binary"
	"time"

	"github.com/waqhq/waq/store/statsdb"
)

// Level is a bucket size of the counters: a minute, an hour, or a day in
// the reports' time zone.
type Level int

const (
	Minute Level = iota
	Hour
	Day
)

var levelNames = [...]string{"minute", "hour", "day"}

func (l Level) String() string { return levelNames[l] }

// ParseLevel parses "minute", "hour" or "day".
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return 0, false
}

// bucket is the store bucket holding the level's records.
func (l Level) bucket() statsdb.Bucket {
	return [...]statsdb.Bucket{statsdb.Minute, statsdb.Hour, statsdb.Day}[l]
}

// Start returns the start of the level's bucket that holds t. Days start at
// midnight in loc, so a day can last 23 or 25 hours across a DST change;
// minutes and hours are cut in UTC (every zone in use is a whole number of
// minutes from UTC; hours of zones off by a half hour are cut in UTC).
func (l Level) Start(t time.Time, loc *time.Location) time.Time {
	switch l {
	case Minute:
		return t.UTC().Truncate(time.Minute)
	case Hour:
		return t.UTC().Truncate(time.Hour)
	}
	lt := t.In(loc)
	return time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
}

// Next returns the start of the bucket after the one starting at start.
func (l Level) Next(start time.Time, loc *time.Location) time.Time {
	switch l {
	case Minute:
		return start.Add(time.Minute)
	case Hour:
		return start.Add(time.Hour)
	}
	lt := start.In(loc)
	return time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
}

// Dimensions a record counts. One event is added to the record of every
// dimension it belongs to, so a query with any filter reads one record per
// bucket.
const (
	DimAll = "" // everything
)

// DimCampaign, DimInstance, DimCampaignInstance, DimCampaignVariant and
// DimType name the other dimensions.
func DimCampaign(c string) string            { return "c:" + c }
func DimInstance(i string) string            { return "i:" + i }
func DimCampaignInstance(c, i string) string { return "ci:" + c + "\x00" + i }
func DimCampaignVariant(c, v string) string  { return "cv:" + c + "\x00" + v }
func DimType(t string) string                { return "t:" + t }
func dimsOf(campaign, instance, typ, variant string) []string {
	ds := make([]string, 1, 6)
	if campaign != "" {
		ds = append(ds, DimCampaign(campaign))
	}
	if instance != "" {
		ds = append(ds, DimInstance(instance))
	}
	if campaign != "" && instance != "" {
		ds = append(ds, DimCampaignInstance(campaign, instance))
	}
	if campaign != "" && variant != "" {
		ds = append(ds, DimCampaignVariant(campaign, variant))
	}
	if typ != "" {
		ds = append(ds, DimType(typ))
	}
	return ds
}

// Filter returns the dimension a query with these filters reads.
func Filter(campaign, instance string) string {
	switch {
	case campaign != "" && instance != "":
		return DimCampaignInstance(campaign, instance)
	case campaign != "":
		return DimCampaign(campaign)
	case instance != "":
		return DimInstance(instance)
	}
	return DimAll
}

// recordKey is a record's key: its bucket's start (unix seconds, big
// endian, so keys sort by time) then its dimension. Retention deletes a
// time range of keys at once.
func recordKey(start time.Time, dim string) []byte {
	k := make([]byte, 8, 8+len(dim))
	binary.BigEndian.PutUint64(k, uint64(start.Unix()))
	return append(k, dim...)
}

// keyStart returns the bucket start of a record key.
func keyStart(k []byte) time.Time {
	return time.Unix(int64(binary.BigEndian.Uint64(k[:8])), 0).UTC()
}
