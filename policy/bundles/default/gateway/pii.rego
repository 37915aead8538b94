# External providers only after PII redaction: when a PII detector found something and the model runs at an
# external provider (or is not routed yet, so may), the gateway must redact at the external_redaction level
# ("reversible": placeholders restored in the response; "irreversible": masked for good) before forwarding.
# A tenant whose external_redaction is "none" may not send PII outside at all.
package gateway

pii_found if {
	some f in input.findings
	f.detector in setting("pii_detectors")
	f.score >= setting("pii_min_score")
}

leaves_the_mesh if input.model.external == true

# (A helper rule: `not is_string(input.model.provider)` would be undefined, not true, when the field is absent.)
routed_to_a_provider if is_string(input.model.provider)

leaves_the_mesh if not routed_to_a_provider

obligations["redaction"] := setting("external_redaction") if {
	pii_found
	leaves_the_mesh
	setting("external_redaction") in {"reversible", "irreversible"}
}

deny contains reason("pii_external_provider", "personal data may not be sent to an external provider") if {
	pii_found
	leaves_the_mesh
	not setting("external_redaction") in {"reversible", "irreversible"}
}
