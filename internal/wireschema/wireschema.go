// Package wireschema compiles the JSON Schema of the library's wire format
// (sla/schema/shixian-v1.schema.json) for the tests that hold the library's
// and the command-line tool's JSON to it. Only tests import it, so the
// schema validator never reaches a binary.
package wireschema

import (
	"bytes"
	"os"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// url is the schema's $id, under which its definitions are addressed.
const url = "https://github.com/shixian-go/shixian/sla/schema/shixian-v1.schema.json"

// Compile reads the schema file at path and returns the validator of its
// definition def ("Case", "Event", "Deadline", "Status"), with formats asserted.
func Compile(path, def string) (*jsonschema.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url + "#/$defs/" + def)
}

// Validate checks the JSON document doc against s.
func Validate(s *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
