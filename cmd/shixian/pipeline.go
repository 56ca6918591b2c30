package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// A batch of lines travels together through the pipeline: large enough that channel traffic
// is negligible, small enough that memory stays flat. A batch ends at batchLines lines or
// once it holds batchBytes, whichever comes first, so that long lines do not make batches
// large.
const (
	batchLines = 256
	batchBytes = 1 << 20
	// maxInFlight bounds the batches read ahead of the consumer whatever the worker count:
	// with lines of up to maxLine, at most about (maxInFlight+3)×(batchBytes+maxLine) bytes
	// of input are held.
	maxInFlight = 16
)

// lineItem is one line of a JSON-lines stream.
type lineItem struct {
	no      int    // 1-based line number
	data    []byte // the line without its ending; owned by the item
	tooLong bool   // the line exceeded the reader's limit; reading stopped there (data is nil)
	col     int    // for tooLong: the column of the first character past the limit
}

// pipeline streams the lines of lr through process on several goroutines and hands the
// results to consume in line order, on the calling goroutine. At most about 3×workers batches
// are in flight, so memory stays flat on inputs of any length. process must be safe for
// concurrent use; consume is never called concurrently. A consume error stops the pipeline
// and is returned; so is a read error. Blank lines are skipped before process sees them. A line
// over the reader's limit is passed on as the last item (tooLong): reading stops there. A
// panic in process is a bug; it is returned as an error naming the line, not a crash.
func pipeline[T any](lr *lineReader, workers int, process func(lineItem) T, consume func(lineItem, T) error) error {
	if workers < 1 {
		workers = 1
	}
	type job struct {
		items []lineItem
		out   []T
		err   error // a panic in process
		done  chan struct{}
	}
	jobs := make(chan *job)
	order := make(chan *job, min(2*workers, maxInFlight))
	stop := make(chan struct{})
	var readErr error

	go func() { // the reader: sole user of lr until order is closed
		defer close(order)
		defer close(jobs)
		for eof := false; !eof; {
			items := make([]lineItem, 0, batchLines)
			size := 0
			for len(items) < batchLines && size < batchBytes {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					eof = true
					break
				}
				if errors.Is(err, errLineTooLong) {
					items = append(items, lineItem{no: lr.line, tooLong: true, col: lr.tooLongColumn()})
					eof = true
					break
				}
				if err != nil {
					readErr = err
					eof = true
					break
				}
				if isBlank(line) {
					continue
				}
				items = append(items, lineItem{no: lr.line, data: append([]byte(nil), line...)})
				size += len(line)
			}
			if len(items) == 0 {
				return
			}
			j := &job{items: items, done: make(chan struct{})}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
			select {
			case order <- j:
			case <-stop:
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out = make([]T, len(j.items))
				j.err = processBatch(j.items, j.out, process)
				close(j.done)
			}
		}()
	}

	var err error
	for j := range order {
		<-j.done
		err = j.err
		for i, it := range j.items {
			if err != nil {
				break
			}
			if err = consume(it, j.out[i]); err != nil {
				break
			}
		}
		if err != nil {
			close(stop)
			for range order { // let the reader finish
			}
			break
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}

// processBatch runs process over items. A panic is a bug in the CLI or the library; it becomes
// an error naming the line, so that the run ends with a message and exit code instead of a
// stack trace (and the other goroutines are stopped in order).
func processBatch[T any](items []lineItem, out []T, process func(lineItem) T) (err error) {
	i := 0
	defer func() {
		if r := recover(); r != nil {
			err = &internalError{fmt.Sprintf("line %d: %v", items[i].no, r)}
		}
	}()
	for ; i < len(items); i++ {
		out[i] = process(items[i])
	}
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
