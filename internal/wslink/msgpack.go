package wslink

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/tinylib/msgp/msgp"

	"github.com/symscore/symscore/protocol"
)

// MaxDepth bounds the nesting of the values of a message (arrays and maps in one another).
const MaxDepth = 64

// mpSkip checks the MessagePack value at the start of b and returns what follows it: every
// length within b, strings and map keys valid UTF-8, map keys strings, no extension type,
// nesting within MaxDepth. It never allocates on success and is the only walk of a value
// that trusts nothing: after it, the value's reads cannot fail on its structure.
func mpSkip(b []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return b, fmt.Errorf("values nested deeper than %d", MaxDepth)
	}
	var err error
	switch msgp.NextType(b) {
	case msgp.StrType:
		var s []byte
		s, b, err = msgp.ReadStringZC(b)
		if err == nil && !utf8.Valid(s) {
			err = errors.New("a string is not valid UTF-8")
		}
	case msgp.BinType:
		_, b, err = msgp.ReadBytesZC(b)
	case msgp.Float64Type, msgp.Float32Type:
		_, b, err = msgp.ReadFloat64Bytes(b)
	case msgp.IntType:
		_, b, err = msgp.ReadInt64Bytes(b)
	case msgp.UintType:
		_, b, err = msgp.ReadUint64Bytes(b)
	case msgp.BoolType:
		_, b, err = msgp.ReadBoolBytes(b)
	case msgp.NilType:
		b, err = msgp.ReadNilBytes(b)
	case msgp.ArrayType:
		var n uint32
		if n, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
			break
		}
		for ; n > 0 && err == nil; n-- {
			b, err = mpSkip(b, depth+1)
		}
	case msgp.MapType:
		var n uint32
		if n, b, err = msgp.ReadMapHeaderBytes(b); err != nil {
			break
		}
		for ; n > 0 && err == nil; n-- {
			if len(b) == 0 {
				return b, errors.New("the message ends inside a value")
			}
			if msgp.NextType(b) != msgp.StrType {
				return b, errors.New("a map key is not a string")
			}
			if b, err = mpSkip(b, depth+1); err == nil {
				b, err = mpSkip(b, depth+1)
			}
		}
	case msgp.InvalidType:
		if len(b) == 0 {
			return b, errors.New("the message ends inside a value")
		}
		return b, fmt.Errorf("byte %#02x does not start a MessagePack value", b[0])
	default:
		return b, errors.New("MessagePack extension types are not accepted")
	}
	if err != nil {
		return b, mpError(err)
	}
	return b, nil
}

// mpError says what msgp's error means for a client.
func mpError(err error) error {
	if errors.Is(err, msgp.ErrShortBytes) {
		return errors.New("the message ends inside a value")
	}
	var ue msgp.UintOverflow
	if errors.As(err, &ue) {
		return errors.New("an integer is past the int64 range")
	}
	return err
}

// mpNext returns what follows the value at the start of b, which mpSkip checked already:
// lengths only, no second validation.
func mpNext(b []byte) []byte {
	rest, err := msgp.Skip(b)
	if err != nil {
		return nil
	}
	return rest
}

// mpNumber reads the number at the start of b: an integer (signed or not, within int64)
// or a float; ok is false for anything else.
func mpNumber(b []byte) (f float64, i int64, isInt, ok bool) {
	switch msgp.NextType(b) {
	case msgp.IntType:
		v, _, err := msgp.ReadInt64Bytes(b)
		return float64(v), v, true, err == nil
	case msgp.UintType:
		v, _, err := msgp.ReadUint64Bytes(b)
		if err != nil || v > math.MaxInt64 {
			return float64(v), 0, false, err == nil
		}
		return float64(v), int64(v), true, true
	case msgp.Float64Type, msgp.Float32Type:
		v, _, err := msgp.ReadFloat64Bytes(b)
		return v, 0, false, err == nil
	}
	return 0, 0, false, false
}

// appendMPAsJSON appends the (checked) MessagePack value at the start of b as JSON and
// returns what follows it: strings and keys escaped, integers as they are, floats in
// shortest round-trip form, NaN as null (a missing value); an infinite float and binary
// data, which JSON cannot hold, are refused.
func appendMPAsJSON(dst, b []byte, depth int) ([]byte, []byte, error) {
	if depth > MaxDepth {
		return dst, b, fmt.Errorf("values nested deeper than %d", MaxDepth)
	}
	switch msgp.NextType(b) {
	case msgp.StrType:
		s, rest, err := msgp.ReadStringZC(b)
		if err != nil {
			return dst, b, mpError(err)
		}
		return protocol.AppendJSONStringBytes(dst, s), rest, nil
	case msgp.IntType, msgp.UintType:
		_, i, isInt, ok := mpNumber(b)
		if !ok || !isInt {
			return dst, b, errors.New("an integer is past the int64 range")
		}
		return strconv.AppendInt(dst, i, 10), mpNext(b), nil
	case msgp.Float64Type, msgp.Float32Type:
		f, _, _, _ := mpNumber(b)
		if math.IsInf(f, 0) {
			return dst, b, fmt.Errorf("%v is not a number JSON can hold", f)
		}
		return protocol.AppendFloat(dst, f), mpNext(b), nil
	case msgp.BoolType:
		v, rest, _ := msgp.ReadBoolBytes(b)
		return strconv.AppendBool(dst, v), rest, nil
	case msgp.NilType:
		rest, _ := msgp.ReadNilBytes(b)
		return append(dst, "null"...), rest, nil
	case msgp.ArrayType:
		n, rest, err := msgp.ReadArrayHeaderBytes(b)
		if err != nil {
			return dst, b, mpError(err)
		}
		dst = append(dst, '[')
		for i := range n {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, rest, err = appendMPAsJSON(dst, rest, depth+1); err != nil {
				return dst, rest, err
			}
		}
		return append(dst, ']'), rest, nil
	case msgp.MapType:
		n, rest, err := msgp.ReadMapHeaderBytes(b)
		if err != nil {
			return dst, b, mpError(err)
		}
		dst = append(dst, '{')
		for i := range n {
			if i > 0 {
				dst = append(dst, ',')
			}
			if msgp.NextType(rest) != msgp.StrType {
				return dst, rest, errors.New("a map key is not a string")
			}
			if dst, rest, err = appendMPAsJSON(dst, rest, depth+1); err != nil {
				return dst, rest, err
			}
			dst = append(dst, ':')
			if dst, rest, err = appendMPAsJSON(dst, rest, depth+1); err != nil {
				return dst, rest, err
			}
		}
		return append(dst, '}'), rest, nil
	case msgp.BinType:
		return dst, b, errBinaryInJSON
	}
	_, err := mpSkip(b, depth)
	if err == nil {
		err = errors.New("a value JSON cannot hold")
	}
	return dst, b, err
}
