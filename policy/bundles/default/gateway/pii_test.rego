package gateway_test

import data.gateway

email := {"detector": "pii", "type": "EMAIL_ADDRESS", "score": 0.95, "channel": "user"}

test_pii_to_external_provider_requires_redaction if {
	d := decide({"findings": [email]})
	d.allow
	d.obligations.redaction == "irreversible"
}

test_pii_to_internal_model_needs_no_redaction if {
	d := decide({"findings": [email], "model": {"provider": "vllm-internal", "external": false}})
	d.allow
	not d.obligations.redaction
}

test_unrouted_request_is_treated_as_external if {
	d := decide({"findings": [email], "model": {"routed": null, "provider": null, "external": null}})
	d.obligations.redaction == "irreversible"
}

test_weak_pii_findings_are_ignored if {
	not decide({"findings": [object.union(email, {"score": 0.2})]}).obligations.redaction
}

test_presidio_findings_count if {
	decide({"findings": [{"detector": "pii.presidio", "type": "PERSON", "score": 0.85}]}).obligations.redaction == "irreversible"
}

test_tenant_may_choose_reversible_redaction if {
	decide({"findings": [email], "tenant": {"attributes": {"external_redaction": "reversible"}}}).obligations.redaction == "reversible"
}

test_tenant_without_redaction_cannot_send_pii_out if {
	d := decide({"findings": [email], "tenant": {"attributes": {"external_redaction": "none"}}})
	reason_ids(d) == {"pii_external_provider"}
}

test_no_pii_no_obligation if {
	not decide({}).obligations.redaction
}

test_absent_provider_is_treated_as_external if {
	d := gateway.decision with input as object.union(object.remove(base_input, ["model"]), {"model": {"requested": "gpt-4o"}, "findings": [email]})
	d.obligations.redaction == "irreversible"
}
