package gateway_test

structured_app := {"tenant": {"attributes": {"structured_output_apps": ["invoice-bot"]}}, "principal": {"app": "invoice-bot"}}

test_structured_app_must_ask_for_json if {
	d := decide(structured_app)
	reason_ids(d) == {"output_format_not_allowed"}
}

test_structured_app_with_json_schema if {
	d := decide(object.union(structured_app, {"response_format": "json_schema"}))
	d.allow
	d.obligations.output_formats == ["json_object", "json_schema"]
}

test_other_apps_unrestricted if {
	d := decide({"tenant": {"attributes": {"structured_output_apps": ["invoice-bot"]}}})
	d.allow
	not d.obligations.output_formats
}

test_several_denials_all_reported if {
	patch := object.union(structured_app, {"topics": [{"id": "weapons", "score": 0.9}], "findings": [{"detector": "prompt_injection", "type": "prompt_injection", "score": 0.99}]})
	reason_ids(decide(patch)) == {"output_format_not_allowed", "topic_restricted", "prompt_injection"}
}
