package sla

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/shixian-go/shixian/internal/yamltree"
)

// fieldValues reads a field's `values`: a list whose items are either a value (`window`) or a
// value with its label (`{id: historical_legacy, label: 历史遗留问题}`), mixed freely, so that a
// policy can keep the short ids its stored decisions carry and still be shown in the office's
// words. A single scalar is a one-item list, as everywhere else. labels is nil when no item has
// a label.
func (d *policyDecoder) fieldValues(n *yaml.Node, what string) (values []string, labels map[string]string) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, nil
	}
	for i, item := range d.Sequence(n, what) {
		switch {
		case item.Kind == yaml.ScalarNode && item.Tag != "!!null":
			values = append(values, item.Value)
		case item.Kind == yaml.MappingNode:
			at := fmt.Sprintf("%s[%d]", what, i)
			m := d.Mapping(item, at, "id!", "label")
			f, ok := m["id"]
			if !ok {
				continue
			}
			id, ok := d.str(f, at+".id")
			if !ok {
				continue
			}
			values = append(values, id)
			if g, ok := m["label"]; ok {
				if label, ok := d.str(g, at+".label"); ok && label != "" {
					if labels == nil {
						labels = map[string]string{}
					}
					labels[id] = label
				}
			}
		default:
			d.Problem(item, "%s: expected a value, or {id: value, label: text}, found %s", what, yamltree.Describe(item))
		}
	}
	return values, labels
}
