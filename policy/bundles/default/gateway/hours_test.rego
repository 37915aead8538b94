package gateway_test

batch_key := {"tenant": {"attributes": {"business_hours_keys": ["acme-batch"]}}, "principal": {"key_id": "acme-batch"}}

at(weekday, hour) := object.union(batch_key, {"time": {"weekday": weekday, "hour": hour}})

test_limited_key_inside_business_hours if {
	decide(at(2, 10)).allow
	decide(at(5, 8)).allow
	decide(at(1, 17)).allow
}

test_limited_key_outside_business_hours if {
	reason_ids(decide(at(2, 18))) == {"outside_business_hours"}
	reason_ids(decide(at(3, 7))) == {"outside_business_hours"}
	reason_ids(decide(at(6, 11))) == {"outside_business_hours"}
	reason_ids(decide(at(7, 11))) == {"outside_business_hours"}
}

test_other_keys_any_time if {
	decide(object.union(at(7, 3), {"principal": {"key_id": "acme-web"}})).allow
}

test_tenant_business_hours if {
	patch := object.union(at(6, 9), {"tenant": {"attributes": {"business_hours": {"days": [1, 2, 3, 4, 5, 6], "start_hour": 9, "end_hour": 13}}}})
	decide(patch).allow
	reason_ids(decide(object.union(patch, {"time": {"hour": 13}}))) == {"outside_business_hours"}
}
