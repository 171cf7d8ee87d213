package rdb

import (
	"errors"
	"testing"
)

// TestObject reads a key and its value behind the opcodes an RDB file puts
// before them, leaves what follows alone, and refuses what is no object.
func TestObject(t *testing.T) {
	hash := Encode(&Value{Kind: Hash, Pairs: [][2][]byte{{[]byte("b"), []byte("1")}, {[]byte("a"), []byte("2")}}}, DefaultLimits)
	body := hash[:len(hash)-footer] // type byte and value, no footer
	key := []byte{1, 'h'}
	f := func(name string, pre []byte, wantErr bool) {
		t.Run(name, func(t *testing.T) {
			obj := append(append(append(append([]byte{}, pre...), body[0]), key...), body[1:]...)
			k, v, err := Object(append(obj, 0xff), 1<<20) // 0xff: the file's end, after the object
			if wantErr {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("err %v, want ErrFormat", err)
				}
				return
			}
			if err != nil || string(k) != "h" || len(v.Pairs) != 2 || string(v.Pairs[0][0]) != "b" {
				t.Fatalf("Object: %q %+v %v", k, v, err)
			}
			for n := range len(obj) - 1 {
				if _, _, err := Object(obj[:n], 1<<20); err == nil {
					t.Fatalf("%d bytes of %d read as an object", n, len(obj))
				}
			}
		})
	}
	f("bare", nil, false)
	f("aux, select, resize", []byte{opAux, 1, 'x', 1, 'y', opSelectDB, 3, opResizeDB, 1, 0}, false)
	f("expiry, idle, freq", []byte{opExpireMs, 1, 2, 3, 4, 5, 6, 7, 8, opExpire, 1, 2, 3, 4, opIdle, 5, opFreq, 9}, false)
	f("module aux", []byte{opModuleAux, 0}, true)
}
