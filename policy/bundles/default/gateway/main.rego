# Tenant policy for llm-gateway. The gateway evaluates the entrypoint gateway/decision once per request,
# compiled to wasm (scripts/build-policy.sh), over the input document described in src/policy/README.md.
#
# Every file of this package adds to three things:
#   deny         a set of {"id", "message"}: any member refuses the request; the id is what the client sees
#   obligations  an object the gateway must enforce when it allows: model, max_output_tokens, redaction,
#                output_formats (each key set by one rule only: two values for one key are a policy error,
#                which the gateway treats by its fail mode)
#   labels       a set of strings naming rules that matched without denying (audit, canary comparisons)
#
# Settings come from data.settings (settings/data.json); a tenant overrides any of data.settings.defaults
# with an attribute of the same name (input.tenant.attributes). The clock is input.time: the wasm runtime
# has no time.* builtins.
package gateway

decision := {
	"allow": count(deny) == 0,
	"reasons": [r | some r in deny],
	"obligations": obligations,
	"labels": [l | some l in labels],
}

reason(id, message) := {"id": id, "message": message}

# A setting: the tenant's attribute when it has one, else the bundle's default.
setting(name) := value if {
	value := input.tenant.attributes[name]
} else := data.settings.defaults[name]

# The tenant's tier, or the default tier when the tenant names none or one this bundle does not know.
tier_name := input.tenant.tier if {
	data.settings.tiers[input.tenant.tier]
} else := data.settings.default_tier

tier := data.settings.tiers[tier_name]

# The highest score among findings of these types (0 when there is none).
max_score(types) := max(scores) if {
	scores := [f.score | some f in input.findings; f.type in types]
	count(scores) > 0
} else := 0
