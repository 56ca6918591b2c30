// Package calendar is the mainland-China working-day calendar of shixian:
// which civil dates are working days, and O(1) working-day arithmetic over
// them, for deadlines such as "close within 3 working days" (the 1310 rule).
//
// # Data
//
// The national calendar embeds the project's reference data (data/, byte
// copies of shared/reference/):
//
//   - cn-holidays.csv: every official day off and every makeup working day
//     of 2004–2026, each with the State Council notice that set it;
//     Certainty Official.
//   - cn-holidays-2027-unverified.csv: the 2027 schedule from a single
//     secondary source; Certainty Unverified.
//   - cn-festivals-2027-2050.csv: lunar and solar-term festival dates, from
//     which 2028–2050 are projected; Certainty Projected.
//
// A projected year holds only the statutory days of 全国年节及纪念日放假办法 as
// revised by 国务院令第795号 (in force 2025-01-01): 元旦 1/1; 春节 除夕 and
// 初一–初三; 清明; 劳动节 5/1–5/2; 端午; 中秋; 国庆 10/1–10/3, plus Article 6
// 补假 (a statutory day on a weekend is made up on the next weekday not
// already off). When 中秋 falls on 10/1–10/3 the block is named
// national_day_mid_autumn. A projection knows no 调休: it has no makeup
// working days and none of the bridging days the annual notice adds, so it
// is a lower bound of the days off, and results through it are provisional.
//
// Dates before 2004-01-01 and after 2050-12-31 are always errors
// (ErrOutOfRange, which also matches ErrYearNotCovered), never a weekday
// guess.
//
// # Glossary
//
//   - 工作日 working day: an ordinary Monday–Friday (Workday) or a makeup
//     weekend day (MakeupWorkday).
//   - 公休日 / 周末 ordinary weekend day (RestDay).
//   - 放假 official day off (Holiday), including weekend days inside a span a
//     notice states as 放假.
//   - 调休 the swap of weekend days against weekdays set by the annual notice;
//     调休上班 a weekend day worked in exchange (MakeupWorkday).
//   - 补假 a substitute day off for a statutory day that falls on a weekend
//     (放假办法 Article 6).
//   - 除夕 lunar New Year's Eve; 春节 Spring Festival; 清明 Tomb-sweeping;
//     端午 Dragon Boat; 中秋 Mid-autumn; 国庆 National Day; 元旦 New Year;
//     劳动节 Labour Day.
//   - 国办发明电 the document series of the State Council General Office's
//     holiday notices (国务院办公厅关于XXXX年部分节假日安排的通知).
//
// # Counting conventions
//
// AddWorkdays(t, n) for n > 0 returns the n-th working day after t's civil
// date: the acceptance day itself is never counted (民法典 art. 201, and the
// "N个工作日" convention of the design), so a case accepted on Friday
// 2025-09-26 with 1 working day is due on the 28th (a makeup Sunday).
// WorkdaysBetween(from, to) counts working days d with from < d <= to, the
// inverse: WorkdaysBetween(t, AddWorkdays(t, n)) == n. Where the period ends
// within that day (24:00 or close of business) is the caller's convention.
//
// # Certainty and strict mode
//
// Every Day has a Certainty (official, unverified, projected). By default a
// calendar allows provisional results; Calendar.Certainty(from, to) tells in
// O(1) whether a span touched a non-official day, so a deadline can be
// flagged provisional. WithProvisional(false) makes any lookup or arithmetic
// that touches a non-official day fail with ErrYearNotCovered.
//
// # Layers and loading
//
// A Calendar is immutable; New and Derive make new ones. Schedules
// published after release load at run time (ParseNotice for the notice's
// own text, ParseHolidayCN for NateScarlet/holiday-cn JSON, ParseCSV for the
// reference CSV format) and
// apply with WithSchedule; regional and unit layers (Hubei's 2020 extension,
// ethnic festivals, a duty day) apply with WithOverrides. Each calendar has a
// content Version so that a result can cite the calendar it used.
//
// # Reading a notice
//
// ParseNotice reads the State Council's notice itself, as published or
// pasted, so that an office need not wait for a third-party file: the title
// and its year, the document number and signature date when present, and
// each numbered item (“二、春节：2月15日（农历腊月二十八、周日）至23日…放假调休，
// 共9天。2月14日（周六）、2月28日（周六）上班。”). Every phrasing of the notices
// since 2004 is read: 至 and dash ranges, ranges across the new year, weekday
// and lunar notes, 与周末连休, 补休, 不调休, and the 2006–2009 style
// (其中…为法定假日，将…两个公休日调至…，…上班: the days after 调至 are off, those
// before are the weekend days given up). Items state December days of the
// year before only under 元旦, so a “12月31日” there is read in the previous
// year. A clause is classified by its verb (上班 makeup; 放假, 补休, 调休 off;
// 调至 moves rest days; 为法定假日, 照常公休 restate) and a date whose role is
// not stated is refused rather than guessed.
//
// Full- and half-width punctuation and spaces are folded, and a small table
// maps the traditional characters that occur in reprints (國 節 慶 勞 動 曆
// 號 週 與 連 調 補 辦 廳 關 …) to simplified ones; it serves reading notices,
// not converting Chinese text. The parser checks what it reads and refuses,
// with a *NoticeError at line:column of the text quoting the item: a date
// that does not exist, a weekday note that contradicts its date, a 共N天 that
// does not match its range, a day both off and working, a makeup day on a
// weekday, a day set by two items, an item that yields no day, and a text
// that is not a notice at all. Texts are bounded (MaxNoticeBytes) and
// ranges are at most a month.
//
// Notice.Schedule converts the result to a Schedule: an annual notice
// determines its year; a supplementary notice (the 2019 Labour Day change,
// the 2020 Spring Festival extension, the 2015 anniversary day off) has no
// year of its own and applies on top. An extension names only its new last
// day, so it is read with Extending(the schedule it extends). The texts of
// the notices 2006–2026 are kept under testdata/notices, and a test parses
// each and agrees with the embedded data on every day.
//
// # Time zone
//
// The business location defaults to [CST], China Standard Time as a fixed
// UTC+8 zone (China has had no DST since 1991), so the package never reads
// the host's tz database or time.Local. CST is the module's one definition
// of the zone: every other package takes it from here. Every time.Time is converted to the calendar's
// location before its civil date is taken: 2025-03-06T16:30:00Z is Friday
// 2025-03-07 in Beijing. Results are 00:00 of a civil date in that location.
//
// A [Date] is a civil date as a day number, for arithmetic that must not
// depend on offsets (the next day, n months later under 民法典第二百零二条);
// [Calendar.Date], [Calendar.At] and [Calendar.Clock] convert between
// instants and dates in the calendar's location, by integer arithmetic when
// the location has one offset over the covered range.
//
// # Performance and concurrency
//
// Each calendar stores one byte per day plus prefix counts of working days
// and of non-official days and the index of every working day, so
// IsWorkday, AddWorkdays, WorkdaysBetween and Certainty are O(1) and do not
// allocate on success. A Calendar is safe for concurrent use; the package
// has no mutable package-level state (Default is built once and never
// changes).
//
// rickar/cal interop: BusinessCalendar returns a *cal.BusinessCalendar that
// answers IsWorkday identically, for code written against that library.
package calendar
