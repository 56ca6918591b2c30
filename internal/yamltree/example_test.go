package yamltree_test

import (
	"fmt"

	"github.com/shixian-go/shixian/internal/yamltree"
)

// A loader parses the file, checks each mapping against its keys and reports every problem at
// once, sorted by position.
func Example() {
	src := []byte("format: demo/v1\ncolour: red\nitems: 3\n")
	d, root, err := yamltree.Parse("demo.yaml", src, "empty demo file (expected `format` and `items`)")
	if err != nil {
		fmt.Println(err)
		return
	}
	top := d.Mapping(root, "demo", "format!", "items!", "title")
	if f, ok := top["format"]; ok {
		format, _ := d.Text(f.Value, "format")
		fmt.Println("format:", format)
	}
	if f, ok := top["items"]; ok {
		d.Sequence(f.Value, "items")
	}
	fmt.Println(d.Err())
	// Output:
	// format: demo/v1
	// demo.yaml:2:1: demo: unknown key "colour" (expected one of: format, items, title)
	//     colour: red
	//     ^
	// demo.yaml:3:8: items: expected a list, found "3"
	//     items: 3
	//            ^
}

// A syntax error is one problem; a tab in indentation is found where it is.
func ExampleParse() {
	_, _, err := yamltree.Parse("demo.yaml", []byte("tiers:\n  - id: T1\n\tlimit: 1 workday\n"), "empty")
	fmt.Println(err)
	// Output:
	// demo.yaml:3:1: YAML syntax: a tab in indentation (YAML indents with spaces only)
	//     	limit: 1 workday
	//     ^
}
