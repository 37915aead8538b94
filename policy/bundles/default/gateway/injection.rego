# Prompt injection and jailbreak: refuse when the detectors' highest score reaches the threshold. Untrusted
# applications get the lower threshold; trusted ones (input.principal.trusted_app, or an app id listed in the
# trusted_apps setting) only the higher one.
package gateway

trusted_app if input.principal.trusted_app == true

trusted_app if input.principal.app in setting("trusted_apps")

injection_score := max_score(setting("injection_types"))

injection_threshold := setting("injection_deny_threshold_trusted") if {
	trusted_app
} else := setting("injection_deny_threshold")

deny contains reason("prompt_injection", "the request looks like a prompt injection") if {
	injection_score >= injection_threshold
}

labels contains "injection_suspected" if {
	injection_score >= setting("injection_deny_threshold")
	injection_score < injection_threshold
}
