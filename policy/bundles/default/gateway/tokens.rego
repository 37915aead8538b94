# Token limits by tier: output capped at the tier's max_output_tokens (or the tenant's lower
# max_output_tokens attribute), input estimates above max_input_tokens refused.
package gateway

output_caps contains tier.max_output_tokens if is_number(tier.max_output_tokens)

output_caps contains n if {
	n := setting("max_output_tokens")
	is_number(n)
}

obligations["max_output_tokens"] := min(output_caps) if count(output_caps) > 0

deny contains reason("input_too_large", "the request is longer than this tier allows") if {
	is_number(tier.max_input_tokens)
	input.tokens.input_estimate > tier.max_input_tokens
}

labels contains "max_output_tokens_capped" if {
	is_number(input.tokens.max_output)
	input.tokens.max_output > obligations.max_output_tokens
}

# Provider-run tools (web search, code execution) only on tiers that include them.
deny contains reason("tool_not_allowed", concat("", ["tool ", tool.name, " is not available on the ", tier_name, " tier"])) if {
	not tier.builtin_tools
	some tool in input.tools
	tool.kind == "builtin"
}
