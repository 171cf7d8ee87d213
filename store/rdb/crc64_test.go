package rdb

import "testing"

func TestChecksum(t *testing.T) {
	// The check value of CRC-64/Jones as Redis computes it (crc64.c's test).
	if got := Checksum([]byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("checksum = %#x, want 0xe9c6d914c4b8d9ca", got)
	}
}
