package rdb

import "hash/crc64"

// jonesPoly is the CRC-64 "Jones" polynomial Redis uses for RDB files and
// DUMP payloads, in the reflected form hash/crc64 takes.
const jonesPoly = 0x95ac9329ac4bc9b5

var jonesTable = crc64.MakeTable(jonesPoly)

// Checksum is Redis's CRC-64: Jones polynomial, reflected, initial value 0
// and no final xor (hash/crc64 inverts before and after, so the inversions
// are undone here).
func Checksum(p []byte) uint64 {
	return ^crc64.Update(^uint64(0), jonesTable, p)
}
