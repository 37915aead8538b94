package gateway_test

test_output_cap_by_tier if {
	decide({"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o-mini", "routed": null}}).obligations.max_output_tokens == 1024
	decide({"tenant": {"tier": "enterprise"}}).obligations.max_output_tokens == 16384
}

test_tenant_attribute_lowers_the_cap if {
	decide({"tenant": {"attributes": {"max_output_tokens": 256}}}).obligations.max_output_tokens == 256
}

test_tenant_attribute_cannot_raise_the_cap if {
	decide({"tenant": {"attributes": {"max_output_tokens": 100000}}}).obligations.max_output_tokens == 4096
}

test_requests_above_the_cap_are_labelled if {
	d := decide({"tokens": {"max_output": 9000}})
	d.allow
	"max_output_tokens_capped" in d.labels
}

test_input_too_large if {
	d := decide({"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o-mini", "routed": null}, "tokens": {"input_estimate": 20000}})
	reason_ids(d) == {"input_too_large"}
}

test_builtin_tools_by_tier if {
	tools := {"tools": [{"name": "web_search", "kind": "builtin"}, {"name": "lookup", "kind": "function"}]}
	reason_ids(decide(object.union(tools, {"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o-mini", "routed": null}}))) == {"tool_not_allowed"}
	decide(tools).allow
}
