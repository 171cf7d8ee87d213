package rdb

// Object reads one key and its value as they follow each other in an RDB
// file: the opcodes before them (aux fields, database selection, resize
// hints, expiry, LRU and LFU data, functions), the key, then the value.
// maxString bounds what the object's LZF-compressed strings may expand to,
// together. Bytes after the value are left alone: b may be the start of a
// stream. It returns an error wrapping ErrFormat when the bytes are not
// such an object (see ErrFormat), including an opcode it does not know
// (module data) and the end of the file.
func Object(b []byte, maxString int) (key []byte, v *Value, err error) {
	r := &reader{b: b, max: maxString}
	typ, err := r.skipOpcodes()
	if err != nil {
		return nil, nil, err
	}
	if key, err = r.string(); err != nil {
		return nil, nil, err
	}
	if v, err = r.value(typ); err != nil {
		return nil, nil, err
	}
	return key, v, check(v)
}

// RDB opcodes (rdb.h) that may come before an object.
const (
	opFunction  = 0xf5
	opModuleAux = 0xf7
	opIdle      = 0xf8
	opFreq      = 0xf9
	opAux       = 0xfa
	opResizeDB  = 0xfb
	opExpireMs  = 0xfc
	opExpire    = 0xfd
	opSelectDB  = 0xfe
)

// skipOpcodes passes the opcodes before an object and returns its type.
func (r *reader) skipOpcodes() (byte, error) {
	for {
		op, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch op {
		case opAux: // a name and a value
			if _, err = r.string(); err == nil {
				_, err = r.string()
			}
		case opFunction:
			_, err = r.string()
		case opSelectDB, opIdle:
			_, _, err = r.length()
		case opResizeDB:
			if _, _, err = r.length(); err == nil {
				_, _, err = r.length()
			}
		case opExpire:
			_, err = r.take(4)
		case opExpireMs:
			_, err = r.take(8)
		case opFreq:
			_, err = r.byte()
		default:
			if op >= opModuleAux {
				return 0, errFormat("opcode not read")
			}
			return op, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
