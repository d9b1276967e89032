/**
 * A simulated ESET Connect account, served by the app itself in the demo and test builds only: its
 * sources ({@code src/simulator/java}) are compiled into tests and, by the Maven profile {@code demo},
 * the demo build; the production jar has none of its classes (and every bean and resource is also
 * {@code @IfBuildProfile(anyOf = {"demo", "test"})}). Point an ESET source at it with
 * {@code automation-url} and {@code device-management-url} = {@code http://<host>:<port>/simulator/eset}
 * and {@code token-url} = {@code http://<host>:<port>/simulator/eset/oauth/token}.
 *
 * <p>Vendor API, shaped as in the vendor's OpenAPI specs:
 * <ul>
 * <li>{@code POST /simulator/eset/oauth/token}: form-encoded only (else 415); {@code grant_type=password}
 * with {@code taskruns.simulator.eset.username/password}, or {@code refresh_token} (single use: each
 * refresh returns a new pair). Access tokens live {@code token-lifetime} of simulated time.</li>
 * <li>{@code GET /simulator/eset/v1/device_tasks?pageSize&pageToken}</li>
 * <li>{@code GET /simulator/eset/v1/device_tasks/{taskUuid}/runs?deviceUuid&listOnlyLastRuns&pageSize&pageToken}:
 * runs of deleted tasks stay listed; unknown task 404.</li>
 * <li>{@code GET /simulator/eset/v1/devices:batchGet?devicesUuids=..&devicesUuids=..}: all or nothing.</li>
 * </ul>
 * Bearer token (401), 10 calls/s per user (429, {@code Retry-After} on every other one), injected
 * faults and the 202 / {@code response-id} cache apply to the {@code /v1} calls. Every answer under
 * {@code /simulator/eset} has a {@code request-id}.
 *
 * <p>Admin API (no token, no faults):
 * <ul>
 * <li>{@code GET|POST /simulator/eset/admin/faults}: JSON {@code {"rateLimitPerSecond": 10,
 * "serverError": {"probability": 0.1, "next": 0}, "throttle": {..}, "timeout": {..}, "deferred": {..},
 * "deferredPolls": 1, "slow": {..}, "slowDelayMillis": 0}}; a POST changes only the members sent.
 * {@code next: N} forces the fault on the next N calls. serverError cycles 500, 502, 503; timeout is 504;
 * deferred answers 202 and is ready after {@code deferredPolls} re-sends.</li>
 * <li>{@code POST /simulator/eset/admin/reset[?seed=&devices=&tasks=&active=]}: reseed and clear all state;
 * {@code active=true} (or {@code taskruns.simulator.eset.active-tasks}) seeds only tasks a client keeps
 * reading every cycle (created within 6 days, so their manual trigger is still valid; none deleted).</li>
 * <li>{@code POST /simulator/eset/admin/tasks/{taskUuid}/runs[?device=&queuedSeconds=&runningSeconds=&outcome=]}:
 * a vendor-side change at a known time: a new run of the task on the device (default its first target)
 * starts now, queued and then running for the given seconds (default 0), then ends as {@code outcome}
 * ({@code FINISHED} default, {@code FAILED}, {@code SUPPRESSED}); answers the run with the end it will have.</li>
 * <li>{@code POST /simulator/eset/admin/advance?seconds=N}, {@code GET /simulator/eset/admin/clock}.</li>
 * <li>{@code GET /simulator/eset/admin/ground-truth}: every task (with {@code deleted}), device and
 * visible run ({@code taskUuid, uuid, deviceUuid, status, startTime, endTime}) at the simulated now.</li>
 * <li>{@code GET /simulator/eset/admin/calls}: {@code {"total": N, "byOutcome": {"200": .., "429": ..}}}, every
 * vendor call (token endpoint included) answered since the last reset, by HTTP status.</li>
 * </ul>
 */
package dev.taskruns.connector.eset.simulator;
