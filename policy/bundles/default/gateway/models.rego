# Models by tenant tier: a tier either forces one model or lists the models (globs, * crosses dots) its
# tenants may ask for. The list also goes to the router as an obligation, so routing, aliases and fallbacks
# stay inside it.
package gateway

model_matches(model, patterns) if {
	some pattern in patterns
	glob.match(pattern, null, model)
}

obligations["model"] := {"force": tier.force_model} if tier.force_model

obligations["model"] := {"allow": tier.models} if not tier.force_model

deny contains reason("model_not_allowed", concat("", ["model ", input.model.requested, " is not available on the ", tier_name, " tier"])) if {
	not tier.force_model
	not model_matches(input.model.requested, tier.models)
}

# Evaluated again after routing: the routed model must be allowed too.
deny contains reason("model_not_allowed", concat("", ["routed model ", input.model.routed, " is not available on the ", tier_name, " tier"])) if {
	is_string(input.model.routed)
	input.model.routed != input.model.requested
	not tier.force_model
	not model_matches(input.model.routed, tier.models)
}

deny contains reason("model_not_allowed", concat("", ["routed model ", input.model.routed, " is not the ", tier_name, " tier's model"])) if {
	is_string(input.model.routed)
	tier.force_model
	input.model.routed != tier.force_model
}

labels contains "model_forced" if {
	tier.force_model
	input.model.requested != tier.force_model
}
