# Output format restrictions: applications listed in structured_output_apps must ask for JSON output
# (json_object or json_schema); the obligation tells the output guards to hold the response to it.
package gateway

structured_formats := ["json_object", "json_schema"]

structured_only if input.principal.app in setting("structured_output_apps")

obligations["output_formats"] := structured_formats if structured_only

deny contains reason("output_format_not_allowed", "this application must request structured (JSON) output") if {
	structured_only
	not input.response_format in structured_formats
}
