package store

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// legacy is Message without its methods: json.Marshal of it is the record
// of the JSON encoding that files written before recordV1 hold, and the
// answer encoding/json would write by reflection.
type legacy Message

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// sample returns messages that exercise every field and edge of the encoding.
func sample() []*Message {
	created := *at("2026-11-26T10:00:00.123456789Z")
	full := &Message{ID: "0123456789abcdefghij", To: "+34600111222", Type: TypeMedia, Text: "Hola <b> & \"tú\"\n\t\\ \u2028 \x01",
		Media:    &Media{URL: "https://x.test/a.png?a=1&b=2", Kind: "image", Caption: "cap", Filename: "a.png"},
		Template: &Template{Name: "t", Language: "es", Components: []any{map[string]any{"type": "body", "n": 1.5}}},
		Priority: High, Status: Delivered, Attempts: 2, MaxAttempts: 4,
		SendAt: at("0001-01-01T00:00:00Z"), NextAttemptAt: at("9999-12-31T23:59:59.999999999Z"),
		CreatedAt: created, UpdatedAt: created.Add(time.Hour), SentAt: at("2026-11-26T10:30:00Z"),
		DeliveredAt: at("2026-11-26T10:31:00Z"), ReadAt: at("2026-11-26T10:32:00Z"), LeaseUntil: at("2026-11-26T09:00:00Z"),
		LastError: "boom", GatewayMessageID: "wamid.X", Campaign: "bf", Instance: "main", IdempotencyKey: "k1",
		Metadata:    map[string]any{"order": 42.0, "tags": []any{"a", true, nil}, "nested": map[string]any{"x": "y"}},
		CallbackURL: "https://cb.test/", FallbackTemplate: &Template{Name: "f", Language: "en"}, SentAs: TypeTemplate, Variant: "B", TriedBy: "backup",
		History: []Change{{Status: Queued, At: created}, {Status: Sending, At: created.Add(time.Second), Note: "n"},
			{Status: Delivered, At: created.Add(-time.Minute)}}}
	odd := &Message{ID: "vvvvvvvvvvvvvvvvvvvv", To: "", Type: "custom", Priority: "urgent", Status: "weird",
		Attempts: -1, MaxAttempts: 1 << 40, Template: &Template{Components: []any{}},
		History: []Change{{Status: "other", At: *at("1500-01-01T00:00:00Z")}}}
	plain := &Message{ID: "00000000000000000000", To: "+34600111222", Type: TypeText, Text: "Hola", Priority: Normal,
		Status: Queued, MaxAttempts: 4, CreatedAt: created, UpdatedAt: created, History: []Change{{Status: Queued, At: created}}}
	return []*Message{full, odd, plain, {ID: "11111111111111111111"}}
}

// viaJSON is what reading m back from a JSON record gives.
func viaJSON(t *testing.T, m *Message) *Message {
	t.Helper()
	j, err := json.Marshal((*legacy)(m))
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode(m.ID, j)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRecordRoundTrip(t *testing.T) {
	for _, m := range sample() {
		data, err := encodeRecord(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		if data[0] != recordV1 {
			t.Fatalf("record starts with %x", data[0])
		}
		got, err := decode(m.ID, data)
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		if want := viaJSON(t, m); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: read back\n%+v\nwant (as JSON records read back)\n%+v", m.ID, got, want)
		}
	}
}

// A record cut short or with bytes changed is an error, never a panic.
func TestRecordCorrupt(t *testing.T) {
	data, err := encodeRecord(nil, sample()[0])
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(data); n++ {
		if _, err := decode("x", data[:n]); err == nil {
			t.Fatalf("record cut at %d of %d decoded", n, len(data))
		}
	}
	if _, err := decode("x", append(data, 0)); err == nil {
		t.Fatal("record with a trailing byte decoded")
	}
	for i := 1; i < len(data); i++ {
		for _, v := range []byte{0x00, 0x7f, 0x80, 0xfe, 0xff} {
			bad := append([]byte(nil), data...)
			bad[i] = v
			_, _ = decode("x", bad) // must not panic
		}
	}
}

// MarshalJSON writes exactly what encoding/json writes by reflection.
func TestMarshalJSONMatchesReflection(t *testing.T) {
	bad := &Message{ID: "x", Text: "a\xffb\xc3", LastError: "\u2029<\x7f>", History: []Change{}, Metadata: map[string]any{}}
	for _, m := range append(sample(), bad) {
		want, err := json.Marshal((*legacy)(m))
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%s:\n got %s\nwant %s", m.ID, got, want)
		}
	}
}

func TestMarshalJSONTimes(t *testing.T) {
	madrid := time.FixedZone("CET", 3600)
	m := &Message{ID: "x", CreatedAt: time.Date(2026, 11, 26, 11, 0, 0, 0, madrid)}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal(b, &got); err != nil || got.CreatedAt != "2026-11-26T10:00:00Z" {
		t.Fatalf("created_at %q %v, want it in UTC", got.CreatedAt, err)
	}
	m.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := json.Marshal(m); err == nil {
		t.Fatal("year 10000 encoded")
	}
}

// Times of the real clock carry a monotonic reading, which time.Sub prefers
// to the wall clock; a record must hold the wall clock, as the index keys do.
func TestRecordRealClock(t *testing.T) {
	s, err := Open(t.TempDir()+"/"+FileName, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 20; i++ {
		at := time.Now().Add(time.Hour)
		if _, _, err := s.Enqueue(&Message{To: "+34600111222", Text: "x", SendAt: &at}); err != nil {
			t.Fatal(err)
		}
	}
	if probs, err := s.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", err, probs)
	}
}

// A record written before the variant bit existed reads with no variant:
// its bytes are pinned here (a text message: bitmap 0x01, the fields
// before the bit unchanged), and the same message with a variant encodes
// with bit 1<<19 set and reads it back.
func TestRecordWithoutVariant(t *testing.T) {
	old, err := hex.DecodeString("01010002000c2b333436303031313132323200088080babbd2ffc7eb310004486f6c61")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode("00000000000000000000", old)
	if err != nil || got.Variant != "" || got.Text != "Hola" || got.To != "+34600111222" || got.MaxAttempts != 4 {
		t.Fatalf("old record: %+v, %v", got, err)
	}
	got.Variant = "B"
	data, err := encodeRecord(nil, got)
	if err != nil {
		t.Fatal(err)
	}
	if data[1] != optText|0x80 || optVariant != 1<<19 {
		t.Fatalf("bitmap %x", data[1:4])
	}
	if back, err := decode(got.ID, data); err != nil || back.Variant != "B" || back.TriedBy != "" {
		t.Fatalf("with a variant: %+v, %v", back, err)
	}
	got.TriedBy = "sales-2" // the bit after the variant's
	if data, err = encodeRecord(nil, got); err != nil || data[3] != 0x60 || optTriedBy != 1<<20 {
		t.Fatalf("with tried_by: bitmap %x, %v", data[1:4], err)
	}
	if back, err := decode(got.ID, data); err != nil || back.TriedBy != "sales-2" || back.Variant != "B" {
		t.Fatalf("with tried_by: %+v, %v", back, err)
	}
}
