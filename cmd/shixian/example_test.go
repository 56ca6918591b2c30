package main

import (
	"fmt"
	"os"
	"strings"
)

// The calendar around National Day 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11
// are makeup working days (调休上班).
func Example_calendar() {
	run([]string{"calendar", "--from", "2025-10-07", "--to", "2025-10-12"}, nil, os.Stdout, os.Stderr)
	// Output:
	// date,kind,holiday,notice,certainty
	// 2025-10-07,holiday,national_day_mid_autumn,国办发明电〔2024〕12号 (2024-11-12),official
	// 2025-10-08,holiday,national_day_mid_autumn,国办发明电〔2024〕12号 (2024-11-12),official
	// 2025-10-09,workday,,,official
	// 2025-10-10,workday,,,official
	// 2025-10-11,makeup,national_day_mid_autumn,国办发明电〔2024〕12号 (2024-11-12),official
	// 2025-10-12,rest,,,official
}

// Accepted Tuesday 2025-09-30 17:00 with 3 working days: 10-09, 10-10 and the makeup Saturday
// 10-11 count, so the case is due at 24:00 on 10-11 (the exclusive instant 10-12 00:00).
func Example_due() {
	run([]string{"due", "--accepted", "2025-09-30T17:00:00+08:00", "--limit", "3 workdays"}, nil, os.Stdout, os.Stderr)
	// Output:
	// 受理 Accepted: 2025-09-30 17:00 CST (Tuesday)
	// 时限 Limit: 3 workdays
	// 期限 Due: 2025-10-11 24:00 (exclusive instant 2025-10-12T00:00:00+08:00)
	// 最后一日 Last day: 2025-10-11
	// 暂定 Provisional: no
	// 日历 Calendar: CN 12ccebf8eefe0252
	// 说明 Explanation:
	//   Accepted 2025-09-30 17:00 CST (Tuesday, workday).
	//   Working-day period (3个工作日, 民法典 art. 201; 行政许可法 art. 82): the acceptance day is not counted; day 1 is the next working day; makeup working days (调休上班) count, holidays and weekends do not.
	//   Skipped 2025-10-01..2025-10-08 国庆节、中秋节 holiday (国办发明电〔2024〕12号 (2024-11-12)).
	//   Day 1 = 2025-10-09 (Thursday, workday).
	//   Day 3 (last day) = 2025-10-11 (Saturday, makeup working day (调休上班) for 国庆节、中秋节).
	//   Due 2025-10-11 24:00 (民法典 art. 203; exclusive instant 2025-10-12T00:00:00+08:00).
	//   Conventions: end of day 24:00; receipt literal; same-day cutoff 16:00; resume day excluded; calendar CN 12ccebf8eefe0252.
}

// Classifying cases streamed from stdin, one JSON line per case.
func Example_classify() {
	in := `{"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"incomplete_materials"}}
{"id":"C-2","accepted":"2025-09-30T17:00:00+08:00","input":{"cause":"policy_bottleneck"}}
`
	var out strings.Builder
	code := run([]string{"classify", "--policy", "../../examples/policies/xinyu-1310.yaml", "--cases", "-"}, strings.NewReader(in), &out, os.Stderr)
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		// Print the start of each line: id, acceptance, tier and rule.
		head, _, _ := strings.Cut(line, `,"reason"`)
		fmt.Println(head + "…")
	}
	fmt.Println("exit", code)
	// Output:
	// {"id":"C-1","accepted":"2025-09-30T17:00:00+08:00","tier":"T1","rule":"objective-simple"…
	// {"id":"C-2","accepted":"2025-09-30T17:00:00+08:00","tier":"T10","rule":"legacy-or-bottleneck"…
	// exit 0
}
