# Topic restrictions: the topic classifier's labels (input.topics) against blocked_topics, an object of
# topic id to the lowest score that blocks it. A tenant replaces the whole object with its own attribute
# (for example adding "competitor", or "medical_advice" for a consumer app).
package gateway

topic_score(id) := max([t.score | some t in input.topics; t.id == id])

deny contains reason("topic_restricted", concat("", ["topic ", id, " is not allowed"])) if {
	some id, threshold in setting("blocked_topics")
	topic_score(id) >= threshold
}
