package store

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"strconv"
	"time"
)

// A journal segment is a sequence of records, each
//
//	length  uint32, little endian: bytes of payload
//	crc     uint32, little endian: CRC-32C of payload
//	payload time (int64 unix ns, little endian), then uvarint number of
//	        commands, and for each: uvarint number of arguments, and for
//	        each: uvarint length and the bytes.
//
// A record cut short at the end of a segment (the process died while writing
// it) was never acknowledged and is left out; a bad record anywhere else means
// the file is damaged.

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// recordHeader is the length and crc before each payload.
const recordHeader = 8

// encodeRecord appends the record of cmds, applied at at, to b.
func encodeRecord(b []byte, at time.Time, cmds [][]any) []byte {
	b = append(b, make([]byte, recordHeader)...)
	b = binary.LittleEndian.AppendUint64(b, uint64(at.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(cmds)))
	for _, args := range cmds {
		b = binary.AppendUvarint(b, uint64(len(args)))
		for _, a := range args {
			s := argString(a)
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	payload := b[recordHeader:]
	binary.LittleEndian.PutUint32(b[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(payload, crcTable))
	return b
}

// argString is a's form on the wire, as go-redis writes it.
func argString(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case uint32:
		return strconv.FormatUint(uint64(v), 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	case time.Duration:
		return strconv.FormatInt(v.Nanoseconds(), 10)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case encoding.BinaryMarshaler:
		b, _ := v.MarshalBinary()
		return string(b)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// journalRecord is one decoded record.
type journalRecord struct {
	At   time.Time
	Cmds [][]string
}

// errDamaged marks a damaged snapshot or journal file.
var errDamaged = errors.New("damaged")

// readSegment calls fn for each record of the segment at path. It returns
// whether the segment ends in a record cut short, which it leaves out.
func readSegment(path string, fn func(journalRecord) error) (torn bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	for off := 0; off < len(data); {
		rest := data[off:]
		if len(rest) < recordHeader {
			return true, nil
		}
		n := int(binary.LittleEndian.Uint32(rest))
		if n < 9 && len(bytes.Trim(rest, "\x00")) == 0 {
			return true, nil // zeros a crash left at the end
		}
		if recordHeader+n > len(rest) {
			return true, nil
		}
		payload := rest[recordHeader : recordHeader+n]
		if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(rest[4:]) {
			if recordHeader+n == len(rest) {
				return true, nil
			}
			return false, fmt.Errorf("%w: bad checksum at byte %d", errDamaged, off)
		}
		rec, ok := decodePayload(payload)
		if !ok {
			return false, fmt.Errorf("%w: bad record at byte %d", errDamaged, off)
		}
		if err := fn(rec); err != nil {
			return false, err
		}
		off += recordHeader + n
	}
	return false, nil
}

// decodePayload decodes a record's payload.
func decodePayload(p []byte) (journalRecord, bool) {
	if len(p) < 8 {
		return journalRecord{}, false
	}
	rec := journalRecord{At: time.Unix(0, int64(binary.LittleEndian.Uint64(p))).UTC()}
	p = p[8:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, false
		}
		p = p[n:]
		return v, true
	}
	ncmds, ok := next()
	if !ok || ncmds > uint64(len(p)) {
		return rec, false
	}
	for range ncmds {
		nargs, ok := next()
		if !ok || nargs > uint64(len(p)) {
			return rec, false
		}
		args := make([]string, nargs)
		for i := range args {
			l, ok := next()
			if !ok || l > uint64(len(p)) {
				return rec, false
			}
			args[i] = string(p[:l])
			p = p[l:]
		}
		rec.Cmds = append(rec.Cmds, args)
	}
	return rec, len(p) == 0
}
