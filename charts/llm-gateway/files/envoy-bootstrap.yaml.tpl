{{- /*
  Envoy bootstrap of the llm-gateway pod, rendered with `tpl` by templates/configmap-envoy.yaml.
  The same config as envoy/envoy.yaml (sidecar.transport=tcp) and envoy/envoy-uds.yaml
  (sidecar.transport=uds): test/envoy-config/helm-chart.test.ts renders this file with
  ci/reference-values.yaml and fails if the result differs from those files, and validates every
  rendering strictly against the Envoy API. Comments on each knob are in envoy/envoy.yaml.
  Keep to the template features that test's renderer knows: .Values paths, if/else/end, eq, not,
  and the functions quote, toJson, int64, printf.
*/ -}}
node:
  id: llm-gateway
  cluster: llm-gateway

admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: {{ .Values.envoy.adminPort | int64 }} }

# Memory is the resource that runs out first: every in-flight request may hold up to 32 MiB of buffered
# body (BUFFERED ext_proc mode). The overload manager sheds load before the kernel OOM-kills the pod.
overload_manager:
  refresh_interval: 0.25s
  # Track per-stream memory for streams above 1 MiB (2^20) so the biggest ones can be reset first.
  buffer_factory_config:
    minimum_account_to_track_power_of_two: 20
  resource_monitors:
    - name: envoy.resource_monitors.fixed_heap
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig
        # SRE: about 80% of the Envoy container's memory limit (here a 2.5 GiB limit).
        max_heap_size_bytes: {{ .Values.envoy.overload.maxHeapBytes | int64 }}
    - name: envoy.resource_monitors.global_downstream_max_connections
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig
        # SRE: hard cap on client connections for the whole process (Envoy warns when none is set).
        max_active_downstream_connections: {{ .Values.envoy.overload.maxDownstreamConnections | int64 }}
  actions:
    - name: envoy.overload_actions.shrink_heap
      triggers:
        - name: envoy.resource_monitors.fixed_heap
          threshold: { value: 0.90 }
    # Reset the streams holding the most buffered memory first (large prompts), instead of all streams.
    - name: envoy.overload_actions.reset_high_memory_stream
      triggers:
        - name: envoy.resource_monitors.fixed_heap
          scaled: { scaling_threshold: 0.85, saturation_threshold: 0.95 }
    - name: envoy.overload_actions.stop_accepting_requests
      triggers:
        - name: envoy.resource_monitors.fixed_heap
          threshold: { value: 0.98 }

static_resources:
  listeners:
    - name: llm_gateway
      # INBOUND: on shutdown the pod's preStop drains inbound listeners only, so the ops listener keeps
      # answering probes and metrics scrapes while client connections are closed.
      traffic_direction: INBOUND
      address:
        socket_address: { address: 0.0.0.0, port_value: {{ .Values.envoy.listenerPort | int64 }} }
      # SRE: the largest request body Envoy buffers for the sidecar; bigger bodies get a local 413.
      # 32 MiB fits long-context prompts and inline images. Keep it at or below the sidecar's
      # server.maxMessageBytes (default 33 MiB: 32 MiB of body plus headers and gRPC framing).
      # Memory: worst case ~ concurrent large requests x 32 MiB; the overload manager above bounds it.
      per_connection_buffer_limit_bytes: {{ .Values.envoy.bufferLimitBytes | int64 }}
      filter_chains:
        - transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
              common_tls_context:
                tls_params:
                  # SRE: TLS 1.3 only. Every current OpenAI/Anthropic/Google SDK runtime speaks it; lower
                  # to TLSv1_2 only for a legacy client you cannot upgrade.
                  tls_minimum_protocol_version: {{ .Values.envoy.tls.minimumProtocolVersion }}
                  tls_maximum_protocol_version: TLSv1_3
                alpn_protocols: ["h2", "http/1.1"]
                # Certificate and key come from files through SDS, so a rotated Kubernetes TLS Secret
                # (symlink swap of ..data) is picked up without a restart. See envoy/sds/server-cert.yaml.
                tls_certificate_sds_secret_configs:
                  - name: llmgw_server_cert
                    sds_config:
                      resource_api_version: V3
                      path_config_source:
                        path: /etc/envoy/sds/server-cert.yaml
                        watched_directory: { path: /etc/envoy/sds }
{{- if .Values.envoy.tls.clientCa.enabled }}
                # mTLS: clients must present a certificate that chains to the CA in sds/client-ca.yaml.
                validation_context_sds_secret_config:
                  name: llmgw_client_ca
                  sds_config:
                    resource_api_version: V3
                    path_config_source:
                      path: /etc/envoy/sds/client-ca.yaml
                      watched_directory: { path: /etc/envoy/sds }
              require_client_certificate: true
{{- end }}
          filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: llm_gateway
                codec_type: AUTO
                server_name: llm-gateway
                # This is the edge: the client address is the TCP peer. SRE: behind an L7 load balancer
                # that appends X-Forwarded-For, set xff_num_trusted_hops to the number of such hops.
                use_remote_address: true
                xff_num_trusted_hops: {{ .Values.envoy.xffNumTrustedHops | int64 }}
                # Only loopback counts as "internal" (internal requests may steer Envoy with x-envoy-*
                # headers). Explicit because the default differs across Envoy versions (RFC 1918 ranges
                # were internal before 1.33, and pod networks are RFC 1918).
                internal_address_config:
                  cidr_ranges:
                    - { address_prefix: 127.0.0.1, prefix_len: 32 }
                # The sidecar validates paths; normalize first so /v1//chat/../chat cannot dodge a check.
                normalize_path: true
                merge_slashes: true
                path_with_escaped_slashes_action: REJECT_REQUEST
                # Strip the headers only the gateway may set, so a client can neither pick a cluster nor
                # pose as a trusted tenant. This runs in the connection manager BEFORE the route is
                # selected: Envoy picks the route (and reads its cluster_header, x-llmgw-cluster) before
                # any HTTP filter runs, so a strip in an HTTP filter would come too late and a client's
                # x-llmgw-cluster would choose the provider whenever the sidecar did not clear the route
                # cache. Routing, jwt_authn, the sidecar and the providers never see a client's value.
                # This is the only strip (no header_mutation HTTP filter as well), so no second list can
                # drift from this one.
                # SRE: add every new x-llmgw-* request header here (test/envoy-config fails if this file
                # mentions an x-llmgw-* name it does not strip). Envoy 1.36+ can strip the whole prefix
                # with remove_on_match: { key_matcher: { prefix: x-llmgw- } }.
                early_header_mutation_extensions:
                  - name: llmgw.strip_internal_headers
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation
                      mutations:
                        - remove: x-llmgw-cluster
                        - remove: x-llmgw-tenant
                        - remove: x-llmgw-attempt
                        - remove: x-llmgw-provider
                        - remove: x-llmgw-internal
                        - remove: x-llmgw-model
                        - remove: x-llmgw-route
                generate_request_id: true
                always_set_request_id_in_response: true
                # SRE: timeouts. Completions stream for minutes, so nothing here caps a whole response
                # (the route timeout does). request_headers_timeout stops slow-header (slowloris) clients;
                # request_timeout bounds the upload of the request body only.
                request_headers_timeout: {{ .Values.envoy.timeouts.requestHeaders }}
                request_timeout: {{ .Values.envoy.timeouts.request }}
                stream_idle_timeout: {{ .Values.envoy.timeouts.streamIdle }}
                common_http_protocol_options:
                  idle_timeout: 3600s
                  headers_with_underscores_action: REJECT_REQUEST
                # Edge-proxy HTTP/2 settings from Envoy's best-practices guide: bounded streams and
                # windows per client connection.
                http2_protocol_options:
                  max_concurrent_streams: 100
                  initial_stream_window_size: 65536
                  initial_connection_window_size: 1048576
                access_log:
                  - name: envoy.access_loggers.stdout
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
                      log_format:
                        # The path is logged without its query: Gemini clients may send ?key=<API key>.
                        formatters:
                          - name: envoy.formatter.req_without_query
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery
                        json_format:
                          time: "%START_TIME%"
                          request_id: "%REQ(X-REQUEST-ID)%"
                          client: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"
                          method: "%REQ(:METHOD)%"
                          path: "%REQ_WITHOUT_QUERY(X-ENVOY-ORIGINAL-PATH?:PATH)%"
                          protocol: "%PROTOCOL%"
                          tls_version: "%DOWNSTREAM_TLS_VERSION%"
                          client_cert_uri_san: "%DOWNSTREAM_PEER_URI_SAN%"
                          user_agent: "%REQ(USER-AGENT)%"
                          status: "%RESPONSE_CODE%"
                          response_flags: "%RESPONSE_FLAGS%"
                          details: "%RESPONSE_CODE_DETAILS%"
                          bytes_received: "%BYTES_RECEIVED%"
                          bytes_sent: "%BYTES_SENT%"
                          duration_ms: "%DURATION%"
                          upstream_ttfb_ms: "%RESPONSE_DURATION%"
                          upstream_cluster: "%UPSTREAM_CLUSTER%"
                          upstream_host: "%UPSTREAM_HOST%"
                          upstream_failure: "%UPSTREAM_TRANSPORT_FAILURE_REASON%"
                          attempts: "%UPSTREAM_REQUEST_ATTEMPT_COUNT%"
                          jwt_subject: "%DYNAMIC_METADATA(envoy.filters.http.jwt_authn:jwt_payload:sub)%"
                          # Written by the sidecar (namespace llmgw, accepted through receiving_namespaces).
                          tenant: "%DYNAMIC_METADATA(llmgw:tenant)%"
                          model: "%DYNAMIC_METADATA(llmgw:model)%"
                          provider: "%DYNAMIC_METADATA(llmgw:provider)%"
                          decision: "%DYNAMIC_METADATA(llmgw:decision)%"
                          reason_code: "%DYNAMIC_METADATA(llmgw:code)%"
                          prompt_tokens: "%DYNAMIC_METADATA(llmgw:prompt_tokens)%"
                          completion_tokens: "%DYNAMIC_METADATA(llmgw:completion_tokens)%"
                          cost_usd: "%DYNAMIC_METADATA(llmgw:cost_usd)%"
                # Envoy's own errors become JSON in the OpenAI error shape. Every mapper also requires that
                # the reply is not JSON already: local_reply_config applies to ALL local replies, including
                # the sidecar's immediate_response (already in the API's own error shape, Anthropic's for
                # Anthropic paths), which must pass through untouched. There is deliberately no top-level
                # body_format, which would re-wrap those replies as well.
                local_reply_config:
                  mappers:
                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: { op: EQ, value: { default_value: 413, runtime_key: llmgw.reply.413 } }
                            - extension_filter:
                                name: envoy.access_loggers.extension_filters.cel
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                                  expression: "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')"
                      body_format_override:
                        json_format:
                          error:
                            message: "Request body is larger than the gateway accepts."
                            type: invalid_request_error
                            code: request_too_large
                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: { op: EQ, value: { default_value: 429, runtime_key: llmgw.reply.429 } }
                            - extension_filter:
                                name: envoy.access_loggers.extension_filters.cel
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                                  expression: "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')"
                      body_format_override:
                        json_format:
                          error:
                            message: "Rate limit exceeded at the gateway."
                            type: rate_limit_error
                            code: rate_limited
                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: { op: EQ, value: { default_value: 503, runtime_key: llmgw.reply.503 } }
                            - extension_filter:
                                name: envoy.access_loggers.extension_filters.cel
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                                  expression: "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')"
                      body_format_override:
                        json_format:
                          error:
                            message: "No upstream is available for this request."
                            type: api_error
                            code: upstream_unavailable
                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: { op: EQ, value: { default_value: 504, runtime_key: llmgw.reply.504 } }
                            - extension_filter:
                                name: envoy.access_loggers.extension_filters.cel
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                                  expression: "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')"
                      body_format_override:
                        json_format:
                          error:
                            message: "The gateway timed out."
                            type: api_error
                            code: gateway_timeout
                    - filter:
                        and_filter:
                          filters:
                            - status_code_filter:
                                comparison: { op: EQ, value: { default_value: 404, runtime_key: llmgw.reply.404 } }
                            - extension_filter:
                                name: envoy.access_loggers.extension_filters.cel
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                                  expression: "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')"
                      body_format_override:
                        json_format:
                          error:
                            message: "The gateway has no route for this request."
                            type: invalid_request_error
                            code: not_found
                    # Default: any other local reply of Envoy's own (400 bad request, 500 from an ext_proc
                    # failure, 502...), keeping Envoy's text as the message.
                    # SSE is never Envoy's: it is a cache hit the sidecar replays (immediate_response), passed untouched.
                    - filter:
                        extension_filter:
                          name: envoy.access_loggers.extension_filters.cel
                          typed_config:
                            "@type": type.googleapis.com/envoy.extensions.access_loggers.filters.cel.v3.ExpressionFilter
                            expression: "!('content-type' in response.headers) || !(response.headers['content-type'].startsWith('application/json') || response.headers['content-type'].startsWith('text/event-stream'))"
                      body_format_override:
                        json_format:
                          error:
                            message: "%LOCAL_REPLY_BODY%"
                            type: api_error
                            code: gateway_error
                route_config:
                  name: llm_routes
                  # Never leak which internal cluster served a request.
                  response_headers_to_remove: ["x-llmgw-cluster"]
                  virtual_hosts:
                    - name: llm
                      domains: ["*"]
                      # SRE: per-request body buffer; equal to the listener limit above.
                      per_request_buffer_limit_bytes: {{ .Values.envoy.bufferLimitBytes | int64 }}
{{- if .Values.envoy.rateLimit.enabled }}
                      # Descriptors for the rate-limit filter (its limits: envoy/ratelimit-config.yaml). Set on
                      # the virtual host so every provider route shares them; a route with rate_limits of its
                      # own replaces them.
                      rate_limits:
                        # Requests per tenant: (tenant=<id>).
                        - actions:
                            - metadata:
                                descriptor_key: tenant
                                metadata_key: { key: llmgw, path: [{ key: tenant }] }
                                source: DYNAMIC
                                skip_if_absent: true
                        # Tokens per tenant: (tenant=<id>, unit=tokens), charged with the usage the sidecar
                        # writes on the last response chunk. A request without usage (refused, failed) has
                        # no total_tokens and is charged nothing.
                        - actions:
                            - metadata:
                                descriptor_key: tenant
                                metadata_key: { key: llmgw, path: [{ key: tenant }] }
                                source: DYNAMIC
                                skip_if_absent: true
                            - generic_key: { descriptor_key: unit, descriptor_value: tokens }
                          hits_addend: { format: "%DYNAMIC_METADATA(llmgw:total_tokens)%" }
                          apply_on_stream_done: true
{{- end }}
                      routes:
                        # Per-attempt fallback across providers (docs/routing.md): the sidecar sends a
                        # request whose model has fallbacks on other providers to that provider's failover
                        # cluster and sets x-llmgw-attempt. Each retry moves to the next priority (the next
                        # provider, previous_priorities), and the cluster's upstream ext_proc filter adapts
                        # model, path, key and format for that attempt. Upstream-filter local replies are
                        # final (never retried), so every priority must be a provider of the fallback chain.
                        - match:
                            prefix: "/"
                            headers:
                              - name: x-llmgw-cluster
                                present_match: true
                              - name: x-llmgw-attempt
                                present_match: true
                          route:
                            cluster_header: x-llmgw-cluster
                            cluster_not_found_response_code: SERVICE_UNAVAILABLE
                            auto_host_rewrite: true
                            timeout: {{ .Values.envoy.timeouts.route }}
                            retry_policy:
                              # As on the route below, only answers that say the provider did not run the
                              # request (refused, 503 overloaded, 429 rate limited) move it to the next one.
                              retry_on: "connect-failure,refused-stream,retriable-status-codes"
                              retriable_status_codes: [429, 503]
                              num_retries: 2
                              retry_priority:
                                name: envoy.retry_priorities.previous_priorities
                                typed_config:
                                  "@type": type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig
                                  update_frequency: 1
                              retry_back_off:
                                base_interval: 0.1s
                                max_interval: 1s
                        # The sidecar names the provider cluster in x-llmgw-cluster and asks Envoy to
                        # re-select the route (clear_route_cache). Clients cannot set it: the connection
                        # manager removes it (early_header_mutation_extensions above) before the route
                        # is first selected.
                        - match:
                            prefix: "/"
                            headers:
                              - name: x-llmgw-cluster
                                present_match: true
                          route:
                            cluster_header: x-llmgw-cluster
                            # An unknown cluster name is a gateway bug, not a client error.
                            cluster_not_found_response_code: SERVICE_UNAVAILABLE
                            auto_host_rewrite: true
                            # SRE: upper bound for one whole completion, streams included. Reasoning
                            # models can think for minutes before the first token.
                            timeout: {{ .Values.envoy.timeouts.route }}
                            # Hard bound on one HTTP stream, however it is going. After the sidecar stops a streamed
                            # response mid-way (output guard), the provider keeps generating (and billing) until it
                            # ends or the client hangs up, while every further chunk is emptied; this caps that too.
                            max_stream_duration:
                              max_stream_duration: {{ .Values.envoy.timeouts.maxStream }}
                            # Retry only when the provider certainly did no work: the connection or the
                            # HTTP/2 stream was refused, or it answered 503 (overloaded, request not run).
                            # Never on `reset` or 5xx in general: the completion may already have been
                            # generated and billed. Envoy never retries once response bytes went downstream.
                            retry_policy:
                              retry_on: "connect-failure,refused-stream,retriable-status-codes"
                              retriable_status_codes: [503]
                              # SRE: attempts after the first; the cluster's retry_budget caps the total.
                              num_retries: {{ .Values.envoy.retries.numRetries | int64 }}
                              retry_back_off:
                                base_interval: 0.25s
                                max_interval: 2s
                        # Requests the sidecar did not route never leave the mesh (fail closed): the
                        # sidecar routes every request it accepts. If the sidecar is configured with
                        # gateway.unknownPaths: passthrough, replace this with `route: { cluster: openai }`.
                        - match: { prefix: "/" }
                          direct_response:
                            status: 404
                            body: { inline_string: "No provider was selected for this request." }
                http_filters:
{{- if .Values.envoy.jwt.enabled }}
                  # 1. Optional JWT credential. A valid token's claims land in dynamic metadata
                  #    (envoy.filters.http.jwt_authn / jwt_payload), which ext_proc forwards to the
                  #    sidecar. allow_missing_or_failed: API-key clients (Authorization: Bearer sk-...)
                  #    pass too; the sidecar trusts claims only from metadata, which only a verified token
                  #    produces, and sees the failure reason in jwt_failure.
                  - name: envoy.filters.http.jwt_authn
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
                      providers:
                        llmgw_idp:
                          issuer: {{ .Values.envoy.jwt.issuer | quote }}
                          audiences: {{ toJson .Values.envoy.jwt.audiences }}
                          remote_jwks:
                            http_uri:
                              uri: {{ .Values.envoy.jwt.jwksUri | quote }}
                              cluster: jwks_idp
                              timeout: 5s
                            cache_duration: 600s
                            # Fetch keys at startup in the background; a slow IdP does not block the
                            # listener, and tokens fail (-> API-key path) until keys arrive.
                            async_fetch: { fast_listener: true }
                            retry_policy:
                              num_retries: 3
                          payload_in_metadata: jwt_payload
                          failed_status_in_metadata: jwt_failure
                          # The token is removed after verification (forward: false): it never reaches a provider.
                          forward: false
                      rules:
                        - match: { prefix: "/" }
                          requires:
                            requires_any:
                              requirements:
                                - provider_name: llmgw_idp
                                - allow_missing_or_failed: {}
{{- end }}
                  # 2. The sidecar. Router-level: one stream per downstream request (not per retry).
                  - name: envoy.filters.http.ext_proc
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor
                      # No grpc_service.timeout: a stream lives as long as the HTTP request (minutes for a
                      # streamed completion); per-message time is bounded by message_timeout instead.
                      grpc_service:
                        envoy_grpc: { cluster_name: llmgw_sidecar }
                      # Security checks fail closed: a sidecar outage is a 500, never an unchecked request.
                      failure_mode_allow: false
                      processing_mode:
                        request_header_mode: SEND
                        request_body_mode: BUFFERED
                        response_header_mode: SEND
                        # The sidecar picks the response body mode per request through mode_override:
                        # BUFFERED for JSON, STREAMED for text/event-stream.
                        response_body_mode: NONE
                        request_trailer_mode: SKIP
                        response_trailer_mode: SKIP
                      allow_mode_override: true
                      # SRE: time the sidecar may take per message. Sized for scanning a 32 MiB body on a
                      # busy core; the 200 ms default turns slow scans into 504s. The sidecar can extend
                      # one message up to max_message_timeout (override_message_timeout).
                      message_timeout: {{ .Values.envoy.extProc.messageTimeout }}
                      max_message_timeout: {{ .Values.envoy.extProc.maxMessageTimeout }}
                      request_attributes:
                        - source.address
                        - request.id
                        - request.time
                        - connection.mtls
                        - connection.uri_san_peer_certificate
                        - connection.subject_peer_certificate
                        - connection.requested_server_name
                      metadata_options:
                        forwarding_namespaces:
                          untyped: ["envoy.filters.http.jwt_authn"]
                        receiving_namespaces:
                          untyped: ["llmgw"]
{{- if .Values.envoy.rateLimit.enabled }}
                  # 3. Global rate limit (envoyproxy/ratelimit or any rate-limit service), after the sidecar so
                  #    its descriptors read the sidecar's metadata (llmgw:tenant, llmgw:total_tokens; see the
                  #    virtual host's rate_limits). Request counts are checked as the request leaves for the
                  #    provider; tokens are charged when the stream ends (apply_on_stream_done, hits_addend =
                  #    the provider-reported total), so a tenant over its token rate is refused from its next
                  #    request on. The sidecar's budgets are the exact control (reserve before, settle after);
                  #    this is the coarse mesh-wide line SREs already run. Cost control: it fails open.
                  - name: envoy.filters.http.ratelimit
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit
                      domain: llmgw
                      # SRE: a slow rate-limit service must not become the request latency.
                      timeout: 0.05s
                      failure_mode_deny: false
                      rate_limit_service:
                        transport_api_version: V3
                        grpc_service:
                          envoy_grpc: { cluster_name: llmgw_ratelimit }
{{- end }}
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                      # Do not tell clients about upstream timing or retries through x-envoy-* headers.
                      suppress_envoy_headers: true

    # Probes and metrics from outside the pod reach only these two admin paths, never the admin port.
    - name: envoy_ops
      address:
        socket_address: { address: 0.0.0.0, port_value: {{ .Values.envoy.opsPort | int64 }} }
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: envoy_ops
                route_config:
                  name: ops_routes
                  virtual_hosts:
                    - name: ops
                      domains: ["*"]
                      routes:
                        - match: { path: /ready }
                          route: { cluster: envoy_admin }
                        - match: { path: /stats/prometheus }
                          route: { cluster: envoy_admin }
                http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router

  clusters:
    # The sidecar: gRPC (HTTP/2) on loopback TCP or on a Unix socket in a shared emptyDir.
    - name: llmgw_sidecar
      type: STATIC
      connect_timeout: 1s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config:
            http2_protocol_options:
              # A buffered 32 MiB body is one gRPC message: wide windows keep it from stalling on
              # flow control across a loopback hop that has no bandwidth to protect.
              initial_stream_window_size: 16777216
              initial_connection_window_size: 67108864
              connection_keepalive: { interval: 30s, timeout: 5s }
      # Every in-flight HTTP request holds one ext_proc stream for its whole life (streamed completions
      # for minutes), so the default cap of 1024 concurrent requests would fail requests with 500s.
      # SRE: keep max_requests above the pod's peak concurrent requests.
      circuit_breakers:
        thresholds:
          - priority: DEFAULT
            max_connections: 1024
            max_pending_requests: 4096
            max_requests: {{ .Values.envoy.circuitBreakers.sidecarMaxRequests | int64 }}
            max_retries: 3
            track_remaining: true
      # The sidecar turns NOT_SERVING on SIGTERM (drain) and until its config is loaded; Envoy stops
      # opening streams to it. With one sidecar host, panic routing still sends traffic when it is down,
      # which then fails closed (failure_mode_allow: false).
      health_checks:
        - timeout: 1s
          interval: 5s
          no_traffic_interval: 5s
          unhealthy_threshold: 2
          healthy_threshold: 1
          grpc_health_check:
            service_name: envoy.service.ext_proc.v3.ExternalProcessor
      load_assignment:
        cluster_name: llmgw_sidecar
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
{{- if eq .Values.sidecar.transport "uds" }}
                    # SRE: the socket directory is an emptyDir mounted in both containers.
                    pipe: { path: {{ printf "%s/%s" .Values.sidecar.socketDir .Values.sidecar.socketName }} }
{{- else }}
                    socket_address: { address: 127.0.0.1, port_value: {{ .Values.sidecar.grpcPort | int64 }} }
{{- end }}

    - name: openai
      type: LOGICAL_DNS
      # LOGICAL_DNS: one logical host behind a CDN; connections are not churned when DNS answers rotate.
      dns_lookup_family: V4_PREFERRED
      respect_dns_ttl: true
      connect_timeout: 5s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          common_http_protocol_options:
            idle_timeout: 300s
          # HTTP/2 when the provider offers it over ALPN, else HTTP/1.1.
          auto_config:
            http2_protocol_options:
              connection_keepalive: { interval: 30s, timeout: 10s }
            http_protocol_options: {}
      # SRE: concurrency caps per provider. Streams are long-lived, so max_requests must exceed the peak
      # number of concurrent completions; the retry budget keeps retries under 20% of active requests.
      circuit_breakers:
        thresholds:
          - priority: DEFAULT
            max_connections: 4096
            max_pending_requests: 1024
            max_requests: {{ .Values.envoy.circuitBreakers.providerMaxRequests | int64 }}
            retry_budget:
              budget_percent: { value: 20.0 }
              min_retry_concurrency: 3
            track_remaining: true
      # With a single logical host, ejection mostly shows up in stats (outlier_detection.*) and then
      # panic routing keeps traffic flowing; the sidecar's own breaker decides provider fallback.
      # Local-origin errors (connect failures, resets) are counted separately from provider 5xx.
      outlier_detection:
        split_external_local_origin_errors: true
        consecutive_local_origin_failure: 5
        consecutive_gateway_failure: 5
        consecutive_5xx: 10
        interval: 10s
        base_ejection_time: 30s
        max_ejection_percent: 100
        enforcing_success_rate: 0
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          sni: {{ .Values.envoy.providers.openai.host }}
          common_tls_context:
            tls_params:
              tls_minimum_protocol_version: TLSv1_2
            validation_context:
              # The system CA bundle of the Envoy image (Debian/Ubuntu path). Hostname is checked via SAN.
              trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
              match_typed_subject_alt_names:
                - san_type: DNS
                  matcher: { exact: {{ .Values.envoy.providers.openai.host }} }
      load_assignment:
        cluster_name: openai
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: {{ .Values.envoy.providers.openai.host }}, port_value: 443 }

    - name: anthropic
      type: LOGICAL_DNS
      dns_lookup_family: V4_PREFERRED
      respect_dns_ttl: true
      connect_timeout: 5s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          common_http_protocol_options:
            idle_timeout: 300s
          auto_config:
            http2_protocol_options:
              connection_keepalive: { interval: 30s, timeout: 10s }
            http_protocol_options: {}
      circuit_breakers:
        thresholds:
          - priority: DEFAULT
            max_connections: 4096
            max_pending_requests: 1024
            max_requests: {{ .Values.envoy.circuitBreakers.providerMaxRequests | int64 }}
            retry_budget:
              budget_percent: { value: 20.0 }
              min_retry_concurrency: 3
            track_remaining: true
      outlier_detection:
        split_external_local_origin_errors: true
        consecutive_local_origin_failure: 5
        consecutive_gateway_failure: 5
        consecutive_5xx: 10
        interval: 10s
        base_ejection_time: 30s
        max_ejection_percent: 100
        enforcing_success_rate: 0
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          sni: {{ .Values.envoy.providers.anthropic.host }}
          common_tls_context:
            tls_params:
              tls_minimum_protocol_version: TLSv1_2
            validation_context:
              trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
              match_typed_subject_alt_names:
                - san_type: DNS
                  matcher: { exact: {{ .Values.envoy.providers.anthropic.host }} }
      load_assignment:
        cluster_name: anthropic
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: {{ .Values.envoy.providers.anthropic.host }}, port_value: 443 }

    - name: gemini
      type: LOGICAL_DNS
      dns_lookup_family: V4_PREFERRED
      respect_dns_ttl: true
      connect_timeout: 5s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          common_http_protocol_options:
            idle_timeout: 300s
          auto_config:
            http2_protocol_options:
              connection_keepalive: { interval: 30s, timeout: 10s }
            http_protocol_options: {}
      circuit_breakers:
        thresholds:
          - priority: DEFAULT
            max_connections: 4096
            max_pending_requests: 1024
            max_requests: {{ .Values.envoy.circuitBreakers.providerMaxRequests | int64 }}
            retry_budget:
              budget_percent: { value: 20.0 }
              min_retry_concurrency: 3
            track_remaining: true
      outlier_detection:
        split_external_local_origin_errors: true
        consecutive_local_origin_failure: 5
        consecutive_gateway_failure: 5
        consecutive_5xx: 10
        interval: 10s
        base_ejection_time: 30s
        max_ejection_percent: 100
        enforcing_success_rate: 0
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          sni: {{ .Values.envoy.providers.gemini.host }}
          common_tls_context:
            tls_params:
              tls_minimum_protocol_version: TLSv1_2
            validation_context:
              trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
              match_typed_subject_alt_names:
                - san_type: DNS
                  matcher: { exact: {{ .Values.envoy.providers.gemini.host }} }
      load_assignment:
        cluster_name: gemini
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: {{ .Values.envoy.providers.gemini.host }}, port_value: 443 }

{{- if .Values.envoy.jwt.enabled }}
    # JWKS for jwt_authn: the identity provider's host.
    - name: jwks_idp
      type: LOGICAL_DNS
      dns_lookup_family: V4_PREFERRED
      connect_timeout: 5s
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          sni: {{ .Values.envoy.jwt.jwksHost }}
          common_tls_context:
            validation_context:
              trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
              match_typed_subject_alt_names:
                - san_type: DNS
                  matcher: { exact: {{ .Values.envoy.jwt.jwksHost }} }
      load_assignment:
        cluster_name: jwks_idp
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: {{ .Values.envoy.jwt.jwksHost }}, port_value: {{ .Values.envoy.jwt.jwksPort | int64 }} }

{{- end }}
{{- if .Values.envoy.rateLimit.enabled }}
    # The global rate-limit service (envoyproxy/ratelimit speaks this gRPC API on 8081). SRE: point it at
    # your deployment; while none answers, the filter lets requests through (failure_mode_deny: false).
    - name: llmgw_ratelimit
      type: STRICT_DNS
      connect_timeout: 0.25s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config:
            http2_protocol_options: {}
      load_assignment:
        cluster_name: llmgw_ratelimit
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: {{ .Values.envoy.rateLimit.host }}, port_value: {{ .Values.envoy.rateLimit.port }} }

{{- end }}
    # Per-attempt fallback: OpenAI first (priority 0), then Anthropic (1), then Gemini (2). The sidecar's
    # providers.openai.failoverCluster names it. The upstream HTTP filters run once per attempt: the
    # sidecar (same gRPC service, told apart by request_attributes) learns the provider from the endpoint's
    # llmgw metadata and rewrites the attempt for it; upstream_codec must come last.
    - name: openai_failover
      type: STRICT_DNS
      dns_lookup_family: V4_PREFERRED
      respect_dns_ttl: true
      connect_timeout: 5s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          common_http_protocol_options:
            idle_timeout: 300s
          auto_config:
            http2_protocol_options:
              connection_keepalive: { interval: 30s, timeout: 10s }
            http_protocol_options: {}
          http_filters:
            - name: llmgw.upstream_attempt
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor
                grpc_service:
                  envoy_grpc: { cluster_name: llmgw_sidecar }
                failure_mode_allow: false
                allow_mode_override: true
                # Its presence is what makes the sidecar treat the stream as one attempt.
                request_attributes:
                  - xds.upstream_host_metadata
                processing_mode:
                  request_header_mode: SEND
                  request_body_mode: BUFFERED
                  response_header_mode: SEND
                  response_body_mode: NONE
                  request_trailer_mode: SKIP
                  response_trailer_mode: SKIP
                message_timeout: 2s
                max_message_timeout: 10s
            - name: envoy.filters.http.upstream_codec
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec
      circuit_breakers:
        thresholds:
          - priority: DEFAULT
            max_connections: 4096
            max_pending_requests: 1024
            max_requests: 4096
            retry_budget:
              budget_percent: { value: 20.0 }
              min_retry_concurrency: 3
            track_remaining: true
      outlier_detection:
        split_external_local_origin_errors: true
        consecutive_local_origin_failure: 5
        consecutive_gateway_failure: 5
        consecutive_5xx: 10
        interval: 10s
        base_ejection_time: 30s
        max_ejection_percent: 100
        enforcing_success_rate: 0
      # Each endpoint's TLS (SNI, SAN) is chosen by its envoy.transport_socket_match metadata.
      transport_socket_matches:
        - name: anthropic
          match: { provider: anthropic }
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
              sni: api.anthropic.com
              common_tls_context:
                tls_params:
                  tls_minimum_protocol_version: TLSv1_2
                validation_context:
                  trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
                  match_typed_subject_alt_names:
                    - san_type: DNS
                      matcher: { exact: api.anthropic.com }
        - name: gemini
          match: { provider: gemini }
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
              sni: generativelanguage.googleapis.com
              common_tls_context:
                tls_params:
                  tls_minimum_protocol_version: TLSv1_2
                validation_context:
                  trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
                  match_typed_subject_alt_names:
                    - san_type: DNS
                      matcher: { exact: generativelanguage.googleapis.com }
      transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          sni: api.openai.com
          common_tls_context:
            tls_params:
              tls_minimum_protocol_version: TLSv1_2
            validation_context:
              trusted_ca: { filename: /etc/ssl/certs/ca-certificates.crt }
              match_typed_subject_alt_names:
                - san_type: DNS
                  matcher: { exact: api.openai.com }
      load_assignment:
        cluster_name: openai_failover
        endpoints:
          - priority: 0
            lb_endpoints:
              - endpoint:
                  hostname: api.openai.com
                  address:
                    socket_address: { address: api.openai.com, port_value: 443 }
                metadata:
                  filter_metadata:
                    # The sidecar's provider name (providers.NAME), read per attempt by the upstream filter.
                    llmgw: { provider: openai }
                    envoy.transport_socket_match: { provider: openai }
          - priority: 1
            lb_endpoints:
              - endpoint:
                  hostname: api.anthropic.com
                  address:
                    socket_address: { address: api.anthropic.com, port_value: 443 }
                metadata:
                  filter_metadata:
                    # The sidecar's provider name (providers.NAME), read per attempt by the upstream filter.
                    llmgw: { provider: anthropic }
                    envoy.transport_socket_match: { provider: anthropic }
          - priority: 2
            lb_endpoints:
              - endpoint:
                  hostname: generativelanguage.googleapis.com
                  address:
                    socket_address: { address: generativelanguage.googleapis.com, port_value: 443 }
                metadata:
                  filter_metadata:
                    # The sidecar's provider name (providers.NAME), read per attempt by the upstream filter.
                    llmgw: { provider: gemini }
                    envoy.transport_socket_match: { provider: gemini }

    # Admin, reachable only through the envoy_ops listener's two routes.
    - name: envoy_admin
      type: STATIC
      connect_timeout: 1s
      load_assignment:
        cluster_name: envoy_admin
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: {{ .Values.envoy.adminPort | int64 }} }
