package rdb

// lzfExpand decompresses in, which must expand to exactly n bytes. LZF is a
// sequence of literal runs (a control byte below 32 says how many bytes
// follow, minus one) and back references (the top three bits of the control
// byte are the length minus two, 7 meaning a length byte follows; the low
// five bits and the next byte are the distance minus one).
func lzfExpand(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 {
			run := ctrl + 1
			if i+run > len(in) || len(out)+run > n {
				return nil, errFormat("lzf literal past the end")
			}
			out = append(out, in[i:i+run]...)
			i += run
			continue
		}
		length := ctrl >> 5
		if length == 7 {
			if i >= len(in) {
				return nil, errFormat("lzf truncated length")
			}
			length += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, errFormat("lzf truncated reference")
		}
		ref := len(out) - (ctrl&0x1f)<<8 - int(in[i]) - 1
		i++
		length += 2
		if ref < 0 || len(out)+length > n {
			return nil, errFormat("lzf reference out of range")
		}
		for k := 0; k < length; k++ { // may overlap what it appends
			out = append(out, out[ref+k])
		}
	}
	if len(out) != n {
		return nil, errFormat("lzf length mismatch")
	}
	return out, nil
}
