package calendar

import (
	"fmt"
	"io"

	"github.com/shixian-go/shixian/internal/boundedio"
)

// MaxScheduleBytes is the largest schedule file the loaders accept (1 MiB).
// A year of holiday-cn JSON is a few kilobytes and the reference CSV of
// every year since 2004 under 100 KB, so a larger input is a mistaken path
// (a log, a device, a download that went wrong): LoadHolidayCN, LoadCSV,
// ReadHolidayCN and ReadCSV refuse it while reading, after at most
// MaxScheduleBytes+1 bytes.
const MaxScheduleBytes = 1 << 20

// scheduleFile is what the size error calls the input.
const scheduleFile = "schedule file"

// LoadHolidayCN reads and parses a NateScarlet/holiday-cn JSON file (see
// ParseHolidayCN), naming it by path in errors. A file larger than
// MaxScheduleBytes is refused ("calendar: schedule file 2027.json is larger
// than 1048576 bytes") without being read whole, also when it is not a
// regular file and never ends (/dev/zero, a pipe).
func LoadHolidayCN(path string) (*Schedule, error) {
	data, err := boundedio.ReadFile(path, MaxScheduleBytes, scheduleFile)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return ParseHolidayCN(path, data)
}

// ReadHolidayCN is LoadHolidayCN for a stream (an upload, an HTTP body): it
// reads at most MaxScheduleBytes+1 bytes of r. name is used in errors.
func ReadHolidayCN(name string, r io.Reader) (*Schedule, error) {
	data, err := boundedio.ReadAll(r, name, MaxScheduleBytes, scheduleFile)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return ParseHolidayCN(name, data)
}

// LoadCSV reads and parses a schedule in the reference CSV format (see
// ParseCSV), every day with the given certainty, naming it by path in
// errors. A file larger than MaxScheduleBytes is refused as by
// LoadHolidayCN.
func LoadCSV(path string, certainty Certainty) (*Schedule, error) {
	data, err := boundedio.ReadFile(path, MaxScheduleBytes, scheduleFile)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return ParseCSV(path, data, certainty)
}

// ReadCSV is LoadCSV for a stream: it reads at most MaxScheduleBytes+1
// bytes of r. name is used in errors.
func ReadCSV(name string, r io.Reader, certainty Certainty) (*Schedule, error) {
	data, err := boundedio.ReadAll(r, name, MaxScheduleBytes, scheduleFile)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return ParseCSV(name, data, certainty)
}
