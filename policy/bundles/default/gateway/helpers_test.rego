# Shared fixtures for the policy's unit tests: a request that every rule allows (standard tier, Tuesday
# 10:00, no findings), and decide(patch) = the decision for that request deep-merged with patch.
package gateway_test

import data.gateway

base_input := {
	"version": 1,
	"request_id": "req-1",
	"time": {"now_ms": 1767690000000, "timezone": "Europe/Berlin", "weekday": 2, "hour": 10, "minute": 0, "date": "2026-01-06"},
	"tenant": {"id": "acme", "tier": "standard", "attributes": {}},
	"principal": {"via": "api_key", "key_id": "acme-web", "app": "web", "trusted_app": false, "claims": {}},
	"api": {"id": "openai.chat_completions", "family": "openai"},
	"model": {"requested": "gpt-4o", "routed": "gpt-4o", "provider": "openai", "external": true},
	"stream": false,
	"tokens": {"input_estimate": 120, "max_output": 500},
	"tools": [],
	"response_format": "text",
	"findings": [],
	"topics": [],
}

decide(patch) := d if {
	d := gateway.decision with input as object.union(base_input, patch)
}

reason_ids(d) := {r.id | some r in d.reasons}

test_base_request_is_allowed if {
	d := decide({})
	d.allow == true
	d.reasons == []
	d.obligations.max_output_tokens == 4096
}

test_decision_shape if {
	d := decide({})
	object.keys(d) == {"allow", "reasons", "obligations", "labels"}
}

test_unknown_tier_falls_back_to_default_tier if {
	d := decide({"tenant": {"tier": "platinum"}, "model": {"requested": "gpt-4o-mini", "routed": "gpt-4o-mini"}})
	d.allow
	d.obligations.max_output_tokens == 1024
}

test_reasons_carry_id_and_message if {
	d := decide({"model": {"requested": "o3", "routed": null}})
	some r in d.reasons
	r.id == "model_not_allowed"
	r.message == "model o3 is not available on the standard tier"
}
