package sla

import "fmt"

// ClassificationOverride says that the tier a case's classified event recorded is not the one
// the policy's rules give on the case's input: an officer chose it (改变分类 by hand, a tier
// set by another system). The case is counted by the recorded tier — an officer may
// override — but the status says so, so that a supervisor sees every tier the rules did not
// decide.
type ClassificationOverride struct {
	Tier      string // the tier the classified event recorded
	RulesTier string // the tier the policy's rules give on the input of the accepted event
	Rule      string // the rule that decides RulesTier; "" when the default does
}

// classificationOverride compares the first classified event of events with the rules' tier
// on the input of the accepted event. It is nil when they agree, and when it cannot be told:
// no input was recorded, or the rules refuse the recorded input (its fields belong to another
// schema); a status is still given then, as for any case without input.
func (p *Policy) classificationOverride(events []Event) *ClassificationOverride {
	var input map[string]any
	var classified *Event
	for i := range events {
		switch e := &events[i]; e.Type {
		case EventAccepted:
			if input == nil {
				input = e.Input
			}
		case EventClassified:
			if classified == nil {
				classified = e
			}
		}
	}
	if input == nil || classified == nil {
		return nil
	}
	d, err := p.set.Classify(input)
	if err != nil || d.Tier == classified.Tier {
		return nil
	}
	return &ClassificationOverride{Tier: classified.Tier, RulesTier: d.Tier, Rule: d.RuleID}
}

// overrideSentence is the explanation's line for an override.
func overrideSentence(o *ClassificationOverride) string {
	by := "the default"
	if o.Rule != "" {
		by = "rule " + o.Rule
	}
	return fmt.Sprintf("Tier %s was recorded by the classified event against the rules, which give %s (%s) on the case's input: an override by the officer, counted as recorded.", o.Tier, o.RulesTier, by)
}

// overrideWire is the JSON form of a ClassificationOverride.
type overrideWire struct {
	Tier      string `json:"tier"`
	RulesTier string `json:"rules_tier"`
	Rule      string `json:"rule"`
}

func (o *ClassificationOverride) wire() *overrideWire {
	if o == nil {
		return nil
	}
	return &overrideWire{Tier: o.Tier, RulesTier: o.RulesTier, Rule: o.Rule}
}

func (w *overrideWire) override() *ClassificationOverride {
	if w == nil {
		return nil
	}
	return &ClassificationOverride{Tier: w.Tier, RulesTier: w.RulesTier, Rule: w.Rule}
}
