// Runs ioredis against waq the way the analytics code uses it: connect
// (AUTH, INFO ready check, SELECT), pipeline, MULTI, typed reads,
// BullMQ's events stream, and a Lua script defined as BullMQ defines its own.
"use strict";
const Redis = require("ioredis");
const assert = require("assert");

async function main() {
  const [host, port] = process.env.WAQ_ADDR.split(":");
  const r = new Redis({ host, port: Number(port), db: 1, password: process.env.WAQ_PASSWORD,
    connectionName: "ioredis-test", maxRetriesPerRequest: 1, enableOfflineQueue: true });
  try {
    assert.strictEqual(await r.ping(), "PONG");
    assert.strictEqual(await r.client("GETNAME"), "ioredis-test");

    const now = Date.now();
    const p = r.pipeline();
    for (let i = 0; i < 20; i++) {
      p.incr("stats:total");
      p.hincrby("stats:by_campaign", "c" + (i % 2), 1);
      p.zadd("events", now + i, "e" + i);
    }
    p.expire("events", 3600);
    const res = await p.exec();
    assert.strictEqual(res.length, 61);
    assert.ok(res.every(([err]) => err === null));

    const m = await r.multi().set("k", "v").incrbyfloat("f", "0.1").incrbyfloat("f", "0.2").exec();
    assert.deepStrictEqual(m, [[null, "OK"], [null, "0.1"], [null, "0.3"]]);

    assert.strictEqual(await r.get("stats:total"), "20");
    assert.deepStrictEqual(await r.hgetall("stats:by_campaign"), { c0: "10", c1: "10" });
    const ids = await r.zrangebyscore("events", now + 5, "(" + (now + 8));
    assert.deepStrictEqual(ids, ["e5", "e6", "e7"]);
    const ttl = await r.ttl("events");
    assert.ok(ttl > 3590 && ttl <= 3600, "ttl " + ttl);
    await assert.rejects(r.hincrby("k", "f", 1), /WRONGTYPE/);

    // BullMQ's events: its scripts XADD with MAXLEN ~, QueueEvents reads
    // them with XREAD BLOCK on a connection of its own.
    const reader = r.duplicate();
    try {
      const read = reader.xread("BLOCK", 10000, "STREAMS", "bull:q:events", "$");
      while (!(await r.info("clients")).includes("blocked_clients:1")) {
        await new Promise((ok) => setTimeout(ok, 10));
      }
      const id = await r.xadd("bull:q:events", "MAXLEN", "~", 10000, "*", "event", "completed", "jobId", "1",
        "returnvalue", "{}");
      assert.deepStrictEqual(await read, [["bull:q:events", [[id, ["event", "completed", "jobId", "1", "returnvalue", "{}"]]]]]);
      assert.strictEqual(await r.xlen("bull:q:events"), 1);
    } finally {
      reader.disconnect();
    }

    // A script the way BullMQ sends its own: defineCommand (EVALSHA, then
    // EVAL after NOSCRIPT), options packed with msgpack ({a: 1}), cjson.
    r.defineCommand("addJob", { numberOfKeys: 2, lua:
      "local opts = cmsgpack.unpack(ARGV[1]) local id = redis.call('INCR', KEYS[1]) " +
      "redis.call('HSET', KEYS[2] .. id, 'opts', cjson.encode(opts)) return id" });
    const packed = Buffer.from([0x81, 0xa1, 0x61, 0x01]);
    assert.strictEqual(await r.addJob("q:id", "q:", packed), 1);
    assert.strictEqual(await r.addJob("q:id", "q:", packed), 2);
    assert.strictEqual(await r.hget("q:2", "opts"), '{"a":1}');
    await assert.rejects(r.eval("return redis.call('incr', KEYS[1])", 1, "k"), /ERR value is not an integer/);
    console.log("ioredis ok");
  } finally {
    r.disconnect();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
