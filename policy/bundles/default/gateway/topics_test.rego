package gateway_test

topics(list) := {"topics": list}

test_weapons_denied_by_default if {
	d := decide(topics([{"id": "weapons", "score": 0.8}]))
	reason_ids(d) == {"topic_restricted"}
	d.reasons[0].message == "topic weapons is not allowed"
}

test_below_threshold_allowed if {
	decide(topics([{"id": "weapons", "score": 0.3}, {"id": "self_harm", "score": 0.59}])).allow
}

test_advice_topics_allowed_by_default if {
	decide(topics([{"id": "medical_advice", "score": 0.95}, {"id": "financial_advice", "score": 0.9}])).allow
}

test_tenant_blocks_its_own_topics if {
	attrs := {"tenant": {"attributes": {"blocked_topics": {"medical_advice": 0.5, "competitor": 0.3}}}}
	reason_ids(decide(object.union(attrs, topics([{"id": "competitor", "score": 0.4}])))) == {"topic_restricted"}
	reason_ids(decide(object.union(attrs, topics([{"id": "medical_advice", "score": 0.7}])))) == {"topic_restricted"}
	decide(object.union(attrs, topics([{"id": "weapons", "score": 0.9}]))).allow
}

test_highest_score_per_topic_wins if {
	reason_ids(decide(topics([{"id": "self_harm", "score": 0.1}, {"id": "self_harm", "score": 0.7}]))) == {"topic_restricted"}
}
