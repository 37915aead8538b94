package gateway_test

injection(score) := {"findings": [
	{"detector": "prompt_injection", "type": "prompt_injection", "score": score, "channel": "user"},
	{"detector": "pii", "type": "EMAIL_ADDRESS", "score": 0.99, "channel": "user"},
]}

test_high_injection_score_denied_for_untrusted_app if {
	reason_ids(decide(injection(0.85))) == {"prompt_injection"}
}

test_low_injection_score_allowed if {
	decide(injection(0.5)).allow
}

test_jailbreak_counts_too if {
	d := decide({"findings": [{"detector": "prompt_injection", "type": "jailbreak", "score": 0.9}]})
	reason_ids(d) == {"prompt_injection"}
}

test_obfuscation_alone_does_not_deny if {
	decide({"findings": [{"detector": "prompt_injection", "type": "obfuscation", "score": 0.99}]}).allow
}

test_trusted_app_gets_the_higher_threshold if {
	d := decide(object.union(injection(0.85), {"principal": {"trusted_app": true}}))
	d.allow
	"injection_suspected" in d.labels
	reason_ids(decide(object.union(injection(0.98), {"principal": {"trusted_app": true}}))) == {"prompt_injection"}
}

test_trusted_apps_setting if {
	decide(object.union(injection(0.85), {"tenant": {"attributes": {"trusted_apps": ["web"]}}})).allow
}

test_tenant_threshold_override if {
	reason_ids(decide(object.union(injection(0.5), {"tenant": {"attributes": {"injection_deny_threshold": 0.4}}}))) == {"prompt_injection"}
}
