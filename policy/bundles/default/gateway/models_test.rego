package gateway_test

test_standard_tier_allows_listed_models if {
	decide({"model": {"requested": "claude-sonnet-4", "routed": "claude-sonnet-4"}}).allow
	decide({"model": {"requested": "gpt-4.1-mini", "routed": "gpt-4.1-mini"}}).allow
}

test_glob_crosses_dots if {
	decide({"tenant": {"tier": "free"}, "model": {"requested": "gemini-2.5-flash-lite", "routed": "gemini-2.5-flash-lite"}}).allow
}

test_free_tier_refuses_large_models if {
	d := decide({"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o", "routed": null}})
	not d.allow
	reason_ids(d) == {"model_not_allowed"}
}

test_allowed_models_go_to_the_router if {
	d := decide({"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o-mini", "routed": null}})
	d.obligations.model == {"allow": ["gpt-4o-mini", "claude-3-5-haiku*", "gemini-*-flash*"]}
}

test_routed_model_is_checked_too if {
	d := decide({"tenant": {"tier": "free"}, "model": {"requested": "gpt-4o-mini", "routed": "gpt-4o"}})
	reason_ids(d) == {"model_not_allowed"}
}

test_enterprise_allows_any_model if {
	decide({"tenant": {"tier": "enterprise"}, "model": {"requested": "o3-pro", "routed": "o3-pro"}}).allow
}

test_trial_tier_forces_one_model if {
	d := decide({"tenant": {"tier": "trial"}, "model": {"requested": "gpt-4o", "routed": null}})
	d.allow
	d.obligations.model == {"force": "gpt-4o-mini"}
	"model_forced" in d.labels
}

test_trial_tier_refuses_another_routed_model if {
	d := decide({"tenant": {"tier": "trial"}, "model": {"requested": "gpt-4o", "routed": "claude-sonnet-4"}})
	reason_ids(d) == {"model_not_allowed"}
}

test_one_reason_when_requested_and_routed_are_the_same if {
	d := decide({"tenant": {"tier": "free"}, "model": {"requested": "o3", "routed": "o3"}})
	count(d.reasons) == 1
}
