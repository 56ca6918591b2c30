package calendar

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// builder holds the mutable per-day state while a calendar is constructed;
// it is never reachable from a finished Calendar.
type builder struct {
	meta  []uint8
	info  []uint32
	infos []dayInfo
	index map[dayInfo]uint32
}

func newBuilder() *builder {
	b := &builder{
		meta:  make([]uint8, numDays),
		info:  make([]uint32, numDays),
		index: map[dayInfo]uint32{},
	}
	b.intern(dayInfo{})
	for i := range b.meta {
		b.meta[i] = uint8(ordinaryKind(int64(i)+firstDayNum)) | uint8(Projected)<<2
	}
	return b
}

// newBuilderFrom copies a calendar's days so that Derive never touches the
// receiver.
func newBuilderFrom(c *Calendar) *builder {
	b := &builder{
		meta:  append([]uint8(nil), c.meta...),
		info:  append([]uint32(nil), c.info...),
		infos: append([]dayInfo(nil), c.infos...),
		index: make(map[dayInfo]uint32, len(c.infos)),
	}
	for i, in := range b.infos {
		if _, ok := b.index[in]; !ok {
			b.index[in] = uint32(i)
		}
	}
	return b
}

func (b *builder) intern(in dayInfo) uint32 {
	if i, ok := b.index[in]; ok {
		return i
	}
	i := uint32(len(b.infos))
	b.infos = append(b.infos, in)
	b.index[in] = i
	return i
}

func (b *builder) set(dn int64, k DayKind, c Certainty, in dayInfo) {
	i := dn - firstDayNum
	b.meta[i] = uint8(k) | uint8(c)<<2
	b.info[i] = b.intern(in)
}

func inRange(dn int64) bool { return dn >= firstDayNum && dn <= lastDayNum }

// applySchedule applies s as documented on Schedule: reset each of its
// years to ordinary days with its certainty, then set each entry.
func (b *builder) applySchedule(s *Schedule) error {
	if s == nil {
		return fmt.Errorf("calendar: nil *Schedule")
	}
	if !s.Certainty.valid() {
		return fmt.Errorf("calendar: schedule %s: invalid certainty %d", s.Name, uint8(s.Certainty))
	}
	for _, y := range s.Years {
		if y < firstYear || y > lastYear {
			return fmt.Errorf("calendar: schedule %s: year %d is outside %d..%d", s.Name, y, firstYear, lastYear)
		}
	}
	// Validate every entry before changing anything.
	seen := make(map[int64]bool, len(s.Entries))
	dns := make([]int64, len(s.Entries))
	for i, e := range s.Entries {
		dn := dayNumOf(e.Date)
		ds := formatDate(e.Date)
		switch {
		case !inRange(dn):
			return fmt.Errorf("calendar: schedule %s: entry %s is outside 2004-01-01..2050-12-31", s.Name, ds)
		case e.Kind != Holiday && e.Kind != MakeupWorkday:
			return fmt.Errorf("calendar: schedule %s: entry %s has kind %s, want holiday or makeup", s.Name, ds, e.Kind)
		case e.Kind == MakeupWorkday && !isWeekend(dn):
			return fmt.Errorf("calendar: schedule %s: entry %s is a makeup working day but falls on a %s (a makeup day must be a Saturday or Sunday)",
				s.Name, ds, weekdayOf(dn))
		case seen[dn]:
			return fmt.Errorf("calendar: schedule %s: duplicate entry for %s", s.Name, ds)
		}
		seen[dn] = true
		dns[i] = dn
	}
	ordinary := dayInfo{}
	if s.Certainty != Official {
		ordinary.notice = s.Name
	}
	for _, y := range s.Years {
		for dn := daysFromCivil(int64(y), 1, 1); dn <= daysFromCivil(int64(y), 12, 31); dn++ {
			b.set(dn, ordinaryKind(dn), s.Certainty, ordinary)
		}
	}
	for i, e := range s.Entries {
		b.set(dns[i], e.Kind, s.Certainty, dayInfo{e.Holiday, e.HolidayZh, e.Notice})
	}
	return nil
}

// applyOverrides applies overrides (validated first) with certainty
// Official; their dates are read in loc.
func (b *builder) applyOverrides(loc *time.Location, ovs []Override) error {
	seen := make(map[int64]bool, len(ovs))
	dns := make([]int64, len(ovs))
	for i, o := range ovs {
		dn := dayNumOf(o.Date.In(loc))
		ds := ymdString(dn)
		if !inRange(dn) {
			return fmt.Errorf("calendar: override %s: outside 2004-01-01..2050-12-31", ds)
		}
		if o.Source == "" {
			return fmt.Errorf("calendar: override %s: Source is empty (name the notice or decision)", ds)
		}
		wd := weekdayOf(dn)
		weekend := isWeekend(dn)
		switch o.Kind {
		case Holiday:
		case MakeupWorkday:
			if !weekend {
				return fmt.Errorf("calendar: override %s: a makeup working day must be a Saturday or Sunday, not a %s", ds, wd)
			}
		case Workday:
			if weekend {
				return fmt.Errorf("calendar: override %s: kind workday (ordinary) needs a Monday–Friday, not a %s; use makeup for a working weekend day", ds, wd)
			}
		case RestDay:
			if !weekend {
				return fmt.Errorf("calendar: override %s: kind rest (ordinary) needs a Saturday or Sunday, not a %s; use holiday for a weekday off", ds, wd)
			}
		default:
			return fmt.Errorf("calendar: override %s: invalid kind %d", ds, uint8(o.Kind))
		}
		if seen[dn] {
			return fmt.Errorf("calendar: override %s: date overridden twice in one call", ds)
		}
		seen[dn] = true
		dns[i] = dn
	}
	for i, o := range ovs {
		b.set(dns[i], o.Kind, Official, dayInfo{o.Holiday, o.HolidayZh, o.Source})
	}
	return nil
}

// finish computes the prefix arrays and content hash into c.
func (b *builder) finish(c *Calendar) {
	n := len(b.meta)
	c.meta, c.info = b.meta, b.info
	c.infos = append([]dayInfo(nil), b.infos...)
	c.work = make([]uint16, n+1)
	c.unv = make([]uint16, n+1)
	c.proj = make([]uint16, n+1)
	nth := make([]uint16, 0, n)
	for i, m := range b.meta {
		k, cert := DayKind(m&3), Certainty(m>>2)
		c.work[i+1], c.unv[i+1], c.proj[i+1] = c.work[i], c.unv[i], c.proj[i]
		if k.IsWorking() {
			c.work[i+1]++
			nth = append(nth, uint16(i))
		}
		switch cert {
		case Unverified:
			c.unv[i+1]++
		case Projected:
			c.proj[i+1]++
		}
	}
	c.nth = nth[:len(nth):len(nth)]

	// The hash covers day content, not table layout, so equal calendars
	// built in different orders hash equally.
	infoHash := make([][16]byte, len(b.infos))
	for i, in := range b.infos {
		h := sha256.New()
		for _, s := range []string{in.holiday, in.holidayZh, in.notice} {
			var l [8]byte
			binary.BigEndian.PutUint64(l[:], uint64(len(s)))
			h.Write(l[:])
			h.Write([]byte(s))
		}
		copy(infoHash[i][:], h.Sum(nil))
	}
	h := sha256.New()
	buf := make([]byte, 0, 17*1024)
	for i, m := range b.meta {
		buf = append(buf, m)
		buf = append(buf, infoHash[b.info[i]][:]...)
		if len(buf) >= 16*1024 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	copy(c.daysHash[:], h.Sum(nil))
}

// computeVersion combines the day hash with the location's offset (or its
// name, when it has no single offset).
func (c *Calendar) computeVersion() string {
	h := sha256.New()
	h.Write(c.daysHash[:])
	if c.fixed {
		fmt.Fprintf(h, "fixed:%d", c.offset)
	} else {
		fmt.Fprintf(h, "zone:%s", c.loc.String())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
