// Package keyspace is waq's Redis-typed keyspace: strings, hashes, lists,
// sets, sorted sets and streams (stream*.go) with TTLs, in 16 logical
// databases, as package store/resp serves them over the Redis protocol,
// store/mirror replicates them from a Redis and store/importer reads
// BullMQ queues from them. A Redis command's effect on the data is written
// here, as methods of Tx; the command's parsing and reply are in
// store/resp.
//
// The keyspace lives in the message store's bbolt file and commits with its
// other writers (one fsync for all), through the seam store offers
// (store.Store's Update, View and Now, and store.RegisterBuckets, so that
// store.Open creates the buckets below and store.Check requires them).
//
// Each logical database (0 to DBs-1) keeps, in a few large buckets shared
// by all databases (bbolt pages fill better than with a bucket per key):
//
//	resp_meta  db|key                  -> type(1) expireAt(8) then the string value,
//	                                      or size(8) head(8) tail(8) for collections
//	resp_sub   db|u32(len key)|key|sub -> hash field value, set member "",
//	                                      list u64(index) element, zset member score(8),
//	                                      a stream's records behind a kind byte (stream.go)
//	resp_zidx  db|u32(len key)|key|score(8)|member -> "" (zset order by score)
//	resp_exp   expireAt(8)|db|key      -> "" (the sweeper's index of TTLs)
//	resp_dbs   db                      -> keys(8) expires(8), for DBSIZE and INFO
//
// A hash's or set's metadata also says which encoding Redis would have
// given it, and a listpack hash's values start with their insertion
// number, so that replies come in Redis's order (see encoding.go).
// Integers are big-endian; expireAt is Unix milliseconds, 0 for none; scores
// are float64 bits made order-preserving as unsigned integers (see
// zscoreBits). A collection's subkeys are deleted with it in the same
// transaction, so no stale data waits for a compaction.
package keyspace
