# Business-hours limits for some keys: API keys listed in business_hours_keys work only on the configured
# ISO weekdays (1 = Monday) between start_hour and end_hour, in the tenant's time zone. The gateway passes
# the local time in input.time (weekday, hour) because the wasm runtime has no time.* builtins.
package gateway

business_hours_key if input.principal.key_id in setting("business_hours_keys")

within_business_hours if {
	hours := setting("business_hours")
	input.time.weekday in hours.days
	input.time.hour >= hours.start_hour
	input.time.hour < hours.end_hour
}

deny contains reason("outside_business_hours", "this key may only be used during business hours") if {
	business_hours_key
	not within_business_hours
}
