package main

import (
	"errors"
	"io"
	"sync"
)

// batchLines is how many lines travel together through the pipeline: large enough that
// channel traffic is negligible, small enough that memory stays flat.
const batchLines = 256

// lineItem is one line of a JSON-lines stream.
type lineItem struct {
	no      int    // 1-based line number
	data    []byte // the line without its ending; owned by the item
	tooLong bool   // the line exceeded the reader's limit and was skipped (data is nil)
}

// pipeline streams the lines of lr through process on several goroutines and hands the
// results to consume in line order, on the calling goroutine. At most about 3×workers batches
// are in flight, so memory stays flat on inputs of any length. process must be safe for
// concurrent use; consume is never called concurrently. A consume error stops the pipeline
// and is returned; so is a read error. Blank lines are skipped before process sees them.
func pipeline[T any](lr *lineReader, workers int, process func(lineItem) T, consume func(lineItem, T) error) error {
	if workers < 1 {
		workers = 1
	}
	type job struct {
		items []lineItem
		out   []T
		done  chan struct{}
	}
	jobs := make(chan *job)
	order := make(chan *job, 2*workers)
	stop := make(chan struct{})
	var readErr error

	go func() { // the reader: sole user of lr until order is closed
		defer close(order)
		defer close(jobs)
		for eof := false; !eof; {
			items := make([]lineItem, 0, batchLines)
			for len(items) < batchLines {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					eof = true
					break
				}
				if errors.Is(err, errLineTooLong) {
					items = append(items, lineItem{no: lr.line, tooLong: true})
					continue
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
				for i, it := range j.items {
					j.out[i] = process(it)
				}
				close(j.done)
			}
		}()
	}

	var err error
	for j := range order {
		<-j.done
		for i, it := range j.items {
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

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
